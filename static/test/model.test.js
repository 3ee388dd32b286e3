import assert from "node:assert/strict";
import { test } from "node:test";
import { applyMessage, createModel, currentQuestion, findQuestion, markSubmitting, remainingMs } from "../src/interview/model.js";

const NOW = Date.parse("2026-11-29T10:00:00Z");

function snapshot(overrides = {}) {
  return {
    type: "session.state",
    session: { id: "s1", type: "coding", difficulty: "easy", role: "dev", language: "python", duration_minutes: 30, status: "active", ends_at: "2026-11-29T10:30:00Z", total_questions: 3, position: 0, score: null, skill_scores: {} },
    questions: [
      {
        question_id: "q1", index: 0, kind: "coding", title: "Two sum", text: "Find two numbers", skills: ["algorithms"], language: "python", starter_code: "def f():\n    pass\n", status: "ready",
        answer: { text: null, language: null, submitted: false, submitted_at: null, draft_text: "def f(): return 1", draft_language: "python", draft_seq: 7 },
        evaluation: null,
      },
    ],
    current_question_id: "q1",
    evaluation_pending: false,
    summary: null,
    server_time: "2026-11-29T10:00:10Z",
    ...overrides,
  };
}

test("session.state replaces everything and measures the clock offset", () => {
  const model = createModel();
  assert.deepEqual(applyMessage(model, snapshot(), NOW), { kind: "reset" });
  assert.equal(currentQuestion(model).title, "Two sum");
  assert.equal(model.clockOffset, 10_000);
  assert.equal(remainingMs(model, NOW), 30 * 60_000 - 10_000);
});

test("a streamed question is built from start, deltas and end", () => {
  const model = createModel();
  applyMessage(model, snapshot(), NOW);
  applyMessage(model, { type: "question.start", question_id: "q2", index: 1, total: 3, kind: "technical", title: "TCP", skills: [], language: null, starter_code: null });
  assert.equal(model.currentId, "q2");
  assert.equal(applyMessage(model, { type: "question.delta", question_id: "q2", text: "What is " }).kind, "delta");
  applyMessage(model, { type: "question.delta", question_id: "q2", text: "TIME_WAIT?" });
  assert.equal(findQuestion(model, "q2").text, "What is TIME_WAIT?");
  assert.equal(findQuestion(model, "q2").status, "streaming");
  applyMessage(model, { type: "question.end", question_id: "q2", text: "What is TIME_WAIT, exactly?" });
  assert.equal(findQuestion(model, "q2").text, "What is TIME_WAIT, exactly?");
  assert.equal(findQuestion(model, "q2").status, "ready");
});

test("question.cancel drops the partial question", () => {
  const model = createModel();
  applyMessage(model, snapshot(), NOW);
  applyMessage(model, { type: "question.start", question_id: "q2", index: 1, total: 3, kind: "technical", title: "x", skills: [], language: null, starter_code: null });
  applyMessage(model, { type: "question.delta", question_id: "q2", text: "half a" });
  assert.equal(applyMessage(model, { type: "question.cancel", question_id: "q2", reason: "llm failed" }).kind, "cancel");
  assert.equal(findQuestion(model, "q2"), null);
  assert.equal(model.currentId, null);
});

test("submit ack marks the answer submitted and evaluation pending; feedback fills it in", () => {
  const model = createModel();
  applyMessage(model, snapshot(), NOW);
  markSubmitting(model, "q1", "def f(): return 2", "python");
  assert.equal(findQuestion(model, "q1").submitting, true);
  assert.equal(applyMessage(model, { type: "answer.ack", question_id: "q1", seq: null, submitted: true, answer_id: "a1" }).kind, "submitted");
  const q = findQuestion(model, "q1");
  assert.equal(q.answer.submitted, true);
  assert.equal(q.answer.text, "def f(): return 2");
  assert.equal(q.evaluation.status, "pending");
  applyMessage(model, { type: "feedback", question_id: "q1", status: "done", score: 7.5, feedback: "Good", strengths: ["clear"], improvements: ["tests"], skill_scores: { algorithms: 7.5 } });
  assert.equal(findQuestion(model, "q1").evaluation.score, 7.5);
  assert.equal(findQuestion(model, "q1").evaluation.type, undefined);
  assert.equal(model.evaluationPending, false);
});

test("draft acks only ever raise the known seq", () => {
  const model = createModel();
  applyMessage(model, snapshot(), NOW);
  applyMessage(model, { type: "answer.ack", question_id: "q1", seq: 9, submitted: false });
  applyMessage(model, { type: "answer.ack", question_id: "q1", seq: 8, submitted: false });
  assert.equal(findQuestion(model, "q1").answer.draft_seq, 9);
});

test("session.ended and session.summary end the interview", () => {
  const model = createModel();
  applyMessage(model, snapshot(), NOW);
  assert.deepEqual(applyMessage(model, { type: "session.ended", reason: "time_up" }), { kind: "ended", reason: "time_up" });
  assert.equal(model.session.status, "completed");
  applyMessage(model, { type: "session.summary", score: 6, skill_scores: { a: 6 }, answered: 1, evaluated: 1, total: 3 });
  assert.deepEqual(model.summary, { score: 6, skill_scores: { a: 6 }, answered: 1, evaluated: 1, total: 3 });
});

test("a completed snapshot counts as ended; unknown messages change nothing", () => {
  const model = createModel();
  applyMessage(model, snapshot({ session: { ...snapshot().session, status: "completed" } }), NOW);
  assert.equal(model.ended, "completed");
  assert.deepEqual(applyMessage(model, { type: "something.new" }), { kind: "none" });
  assert.deepEqual(applyMessage(model, { type: "question.delta", question_id: "nope", text: "x" }), { kind: "none" });
});

test("run.started marks the question running and run.result keeps the last run", () => {
  const model = createModel();
  applyMessage(model, snapshot(), NOW);
  assert.deepEqual(applyMessage(model, { type: "run.started", question_id: "q1", run_id: "r1", language: "python" }, NOW), { kind: "run", id: "q1", started: true });
  assert.equal(findQuestion(model, "q1").running.run_id, "r1");
  const result = { run_id: "r1", language: "python", status: "failed", passed: 2, total: 3, cases: [] };
  assert.deepEqual(applyMessage(model, { type: "run.result", question_id: "q1", result }, NOW), { kind: "run", id: "q1", started: false });
  assert.equal(findQuestion(model, "q1").running, null);
  assert.deepEqual(findQuestion(model, "q1").last_run, result);
});

test("a refused run clears the running mark; a run for an unknown question changes nothing", () => {
  const model = createModel();
  applyMessage(model, snapshot(), NOW);
  findQuestion(model, "q1").running = { language: "go" };
  applyMessage(model, { type: "error", code: "rate_limited", message: "slow down", question_id: "q1" }, NOW);
  assert.equal(findQuestion(model, "q1").running, null);
  assert.deepEqual(applyMessage(model, { type: "run.result", question_id: "nope", result: {} }, NOW), { kind: "none" });
});

test("question.start keeps the starter code of every language and the last run", () => {
  const model = createModel();
  applyMessage(model, snapshot(), NOW);
  findQuestion(model, "q1").last_run = { run_id: "r0" };
  applyMessage(model, { type: "question.start", question_id: "q1", index: 0, total: 3, kind: "coding", title: "Two sum", skills: [], language: "python", starter_code: "def f(): pass", starter_codes: { python: "def f(): pass", go: "func f() {}" } }, NOW);
  const q = findQuestion(model, "q1");
  assert.equal(q.starter_codes.go, "func f() {}");
  assert.equal(q.last_run.run_id, "r0");
});
