// Rendering of questions, answers and feedback; shared by the interview room and history.
// Parts are re-rendered only when their data changes, so a live region does not re-announce.
import { get } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { label, score } from "../lib/format.js";
import { renderMarkdown } from "../lib/markdown.js";

const LEVEL_LABEL = { done: "Feedback", failed: "Evaluation failed", pending: "Evaluating…", running: "Evaluating…" };

/** Show a question's text, rendered from a safe Markdown subset (text nodes only: HTML stays text). */
export function setQuestionText(el, source) {
  if (el._source === source) return;
  el._source = source;
  el.replaceChildren(...renderMarkdown(source, h));
}

function sig(value) {
  return JSON.stringify(value ?? null);
}

/** A score badge coloured by band (text stays the number, so colour is never the only cue). */
export function scoreBadge(value, testid) {
  const n = Number(value);
  const band = value === null || value === undefined ? "none" : n >= 7 ? "good" : n >= 4 ? "fair" : "weak";
  return h("span", { class: `score-badge band-${band}`, "data-testid": testid }, score(value));
}

/** The session id of the page (#/interview/<id> or #/history/<id>). */
function pageSessionId() {
  const parts = (globalThis.location?.hash || "").split("/");
  return parts.length >= 3 ? parts[2] : null;
}

/** "Show a good answer": fetch the question's model answer outline and what a strong answer covers. */
function goodAnswerButton(questionId) {
  const panel = h("div", { class: "model-answer", "data-testid": "model-answer", "aria-live": "polite" });
  const button = h(
    "button",
    { type: "button", class: "button secondary small", "data-testid": "show-good-answer", "aria-expanded": "false" },
    "Show a good answer",
  );
  button.addEventListener("click", async () => {
    if (panel.childElementCount) {
      panel.replaceChildren();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    const sessionId = pageSessionId();
    if (!sessionId) return;
    button.disabled = true;
    try {
      const card = (await get(`/api/sessions/${encodeURIComponent(sessionId)}/questions/${encodeURIComponent(questionId)}/model-answer`)).data;
      panel.replaceChildren(
        h("p", { class: "list-title" }, card.approximate ? "A good answer (outline of the question this one was based on)" : "A good answer"),
        h("p", { class: "model-outline" }, card.outline),
        h("ul", {}, card.criteria.map((c) => h("li", {}, h("strong", {}, `${c.name}: `), c.strong))),
      );
      button.setAttribute("aria-expanded", "true");
    } catch (error) {
      panel.replaceChildren(h("p", { class: "muted small" }, error.message || "Could not load the model answer."));
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "feedback-actions" }, button, panel);
}

const CASE_LABEL = { passed: "Passed", wrong_answer: "Wrong answer", error: "Error", timeout: "Time limit", limit: "Limit hit", not_run: "Not run" };
const RUN_TITLE = {
  passed: "All examples pass",
  failed: "Some examples fail",
  compile_error: "Does not compile",
  unavailable: "Not run",
  busy: "Busy",
  invalid_input: "Cannot run this input",
};

function caseRow(c) {
  const ok = c.status === "passed";
  const name = c.custom ? "Your input" : `Example ${c.index + 1}`;
  return h(
    "li",
    { class: `run-case ${ok ? "ok" : "bad"}`, "data-testid": "run-case", "data-status": c.status },
    h("p", { class: "run-case-head" }, h("strong", {}, `${ok ? "✓" : "✗"} ${name}: ${CASE_LABEL[c.status] || c.status}`), c.time_ms ? h("span", { class: "muted small" }, ` · ${Math.round(c.time_ms)} ms`) : null),
    c.input ? h("p", { class: "run-io" }, h("span", { class: "muted" }, "Input "), h("code", {}, c.input)) : null,
    c.expected !== null && c.expected !== undefined ? h("p", { class: "run-io" }, h("span", { class: "muted" }, "Expected "), h("code", {}, c.expected)) : null,
    c.actual !== null && c.actual !== undefined ? h("p", { class: "run-io" }, h("span", { class: "muted" }, "Got "), h("code", {}, c.actual)) : null,
    c.message && !ok ? h("p", { class: "run-io" }, c.message) : null,
    c.stdout ? h("pre", { class: "run-output", "aria-label": "Printed output" }, c.stdout) : null,
  );
}

/** The result of the Run button: each example's pass/fail, expected vs actual, output and errors. */
export function runPanel(run, running) {
  if (running) {
    return h("div", { class: "run-panel pending", role: "status", "data-testid": "run-panel" }, h("span", { class: "spinner", "aria-hidden": "true" }), ` Running your ${label(running.language || "")} code on the examples…`);
  }
  if (!run) return null;
  const counts = run.total ? ` · ${run.passed} of ${run.total} passed` : "";
  const memory = run.memory_kb ? ` · peak memory ${(run.memory_kb / 1024).toFixed(1)} MB` : "";
  return h(
    "div",
    { class: `run-panel status-${run.status}`, "data-testid": "run-panel", "data-status": run.status },
    h("p", { class: "run-title" }, h("strong", { "data-testid": "run-title" }, RUN_TITLE[run.status] || run.status), h("span", { class: "muted small", "data-testid": "run-figures" }, ` · ${label(run.language)}${counts}${memory}`)),
    run.status !== "passed" && run.status !== "failed" && run.message ? h("p", { class: "run-message", "data-testid": "run-message" }, run.message) : null,
    run.compile_error ? h("pre", { class: "run-output compile", "data-testid": "run-compile-error" }, run.compile_error) : null,
    run.cases?.length ? h("ol", { class: "run-cases" }, run.cases.map(caseRow)) : null,
    run.stderr && run.status === "failed" ? h("details", {}, h("summary", {}, "Error output"), h("pre", { class: "run-output" }, run.stderr)) : null,
  );
}

/** What the tests found on submit (hidden tests are described, never shown). */
function testsBlock(tests) {
  if (!tests) return null;
  const ok = tests.status === "passed";
  const title = tests.status === "unavailable" ? "Code not run" : tests.status === "compile_error" ? "Tests: does not compile" : `Tests: ${tests.passed} of ${tests.total} passed`;
  const first = tests.first_failing;
  const detail =
    tests.status === "unavailable" || (ok && !tests.large_case_ms)
      ? h("p", { class: "small" }, tests.summary)
      : first
        ? h("p", { class: "small" }, `Example ${first.index + 1}: `, h("code", {}, first.input || ""), first.expected ? [" expected ", h("code", {}, first.expected)] : null, first.actual ? [", got ", h("code", {}, first.actual)] : null, first.message && !first.actual ? ` (${first.message})` : null)
        : null;
  return h(
    "div",
    { class: `tests-block ${ok ? "ok" : "bad"}`, "data-testid": "tests-block", "data-status": tests.status },
    h("p", { class: "list-title", "data-testid": "tests-title" }, title, tests.large_case_ms ? h("span", { class: "muted small" }, ` · large input in ${Math.round(tests.large_case_ms)} ms`) : null),
    detail,
    tests.compile_error ? h("pre", { class: "run-output compile" }, tests.compile_error) : null,
    tests.failing_behaviours?.length ? h("ul", { "aria-label": "Failing behaviours" }, tests.failing_behaviours.map((b) => h("li", {}, `Fails when tested on: ${b}`))) : null,
    tests.large_case_timeout ? h("p", { class: "small" }, "Too slow on the large input.") : null,
  );
}

export function feedbackCard(evaluation, questionId = null) {
  if (!evaluation) return null;
  if (evaluation.status === "pending" || evaluation.status === "running") {
    return h(
      "div",
      { class: "feedback-card pending", "data-testid": "feedback-pending", role: "status" },
      h("span", { class: "spinner", "aria-hidden": "true" }),
      " Evaluating your answer…",
    );
  }
  if (evaluation.status === "failed") {
    return h(
      "div",
      { class: "feedback-card failed", "data-testid": "feedback-card" },
      h("p", { class: "feedback-title" }, LEVEL_LABEL.failed),
      h("p", {}, evaluation.error || "This answer could not be evaluated. It is kept and will be retried."),
    );
  }
  const list = (title, items, cls) =>
    items?.length ? h("div", { class: cls }, h("p", { class: "list-title" }, title), h("ul", {}, items.map((item) => h("li", {}, item)))) : null;
  const skills = Object.entries(evaluation.skill_scores || {});
  return h(
    "div",
    { class: "feedback-card", "data-testid": "feedback-card" },
    h(
      "div",
      { class: "feedback-head" },
      h("p", { class: "feedback-title" }, "Feedback"),
      h("p", { class: "feedback-score-line" }, h("span", { class: "visually-hidden" }, "Score "), scoreBadge(evaluation.score, "feedback-score"), h("span", { class: "out-of" }, " / 10")),
    ),
    evaluation.feedback ? h("p", { class: "feedback-text" }, evaluation.feedback) : null,
    testsBlock(evaluation.tests),
    h("div", { class: "feedback-lists" }, list("Strengths", evaluation.strengths, "strengths"), list("To improve", evaluation.improvements, "improvements")),
    skills.length
      ? h("ul", { class: "chips", "aria-label": "Skill scores" }, skills.map(([skill, value]) => h("li", { class: "chip" }, `${label(skill)}: ${score(value)}`)))
      : null,
    evaluation.flags?.length ? h("p", { class: "muted small" }, `Notes: ${evaluation.flags.map(label).join(", ")}`) : null,
    questionId ? goodAnswerButton(questionId) : null,
  );
}

function answerBlock(q, readOnly) {
  const answer = q.answer;
  if (readOnly && !answer?.submitted) {
    if (!answer?.draft_text) return h("p", { class: "muted small not-answered" }, "Not answered.");
    const code = q.kind === "coding";
    return h(
      "div",
      { class: "bubble candidate draft", "data-testid": "draft-bubble" },
      h("p", { class: "bubble-who" }, "Unsubmitted draft"),
      code ? h("pre", { class: "answer-code" }, h("code", {}, answer.draft_text)) : h("p", { class: "answer-text" }, answer.draft_text),
    );
  }
  if (!answer?.submitted && !q.submitting) return null;
  const text = answer.text ?? answer.draft_text ?? "";
  const code = q.kind === "coding";
  return h(
    "div",
    { class: "bubble candidate", "data-testid": "answer-bubble" },
    h("p", { class: "bubble-who" }, q.submitting && !answer.submitted ? "Your answer (sending…)" : "Your answer", code && answer.language ? ` · ${label(answer.language)}` : ""),
    code ? h("pre", { class: "answer-code" }, h("code", {}, text)) : h("p", { class: "answer-text" }, text),
  );
}

/** Create or update the list item for one question. */
export function syncQuestionItem(item, q, { current = false, total, readOnly = false } = {}) {
  const el = item || h("li", { class: "q-item", "data-question-id": q.question_id });
  el.classList.toggle("current", current);
  const headSig = sig([q.index, q.title, q.kind, q.skills, total]);
  if (el._head !== headSig) {
    el._head = headSig;
    const head = h(
      "div",
      { class: "bubble-who" },
      h("span", {}, `Question ${q.index + 1}${total ? ` of ${total}` : ""}`),
      h("span", { class: "tag" }, label(q.kind)),
      q.title ? h("strong", { class: "q-title" }, q.title) : null,
    );
    if (el._headEl) el._headEl.replaceWith(head);
    else el.append(h("div", { class: "bubble interviewer" }, head));
    el._headEl = head;
  }
  const bubble = el.querySelector(".bubble.interviewer");
  let text = bubble.querySelector(".question-text");
  if (!text) {
    text = h("div", { class: "question-text" });
    bubble.append(text);
  }
  if (current) text.setAttribute("data-testid", "question-text");
  else text.setAttribute("data-testid", "transcript-question");
  setQuestionText(text, q.text);
  text.classList.toggle("streaming", q.status === "streaming");
  text.setAttribute("aria-busy", q.status === "streaming" ? "true" : "false");

  const answerSig = sig([q.answer?.submitted, q.submitting, q.answer?.text, q.answer?.language]);
  if (el._answer !== answerSig) {
    el._answer = answerSig;
    el._answerEl?.remove();
    el._answerEl = answerBlock(q, readOnly);
    if (el._answerEl) el.append(el._answerEl);
  }
  const evalSig = sig(q.evaluation);
  if (el._eval !== evalSig) {
    el._eval = evalSig;
    el._evalEl?.remove();
    el._evalEl = feedbackCard(q.evaluation, q.question_id);
    if (el._evalEl) el.append(el._evalEl);
  }
  // Keep answer before feedback after partial updates.
  if (el._answerEl && el._evalEl && el._answerEl.compareDocumentPosition(el._evalEl) & Node.DOCUMENT_POSITION_PRECEDING) {
    el.insertBefore(el._answerEl, el._evalEl);
  }
  return el;
}

/** Bring a list in step with the questions (adding, updating, reordering and removing items). */
export function syncTranscript(list, questions, { currentId = null, total, readOnly = false } = {}) {
  const existing = new Map([...list.children].map((li) => [li.dataset.questionId, li]));
  let previous = null;
  for (const q of questions) {
    const item = syncQuestionItem(existing.get(q.question_id), q, { current: q.question_id === currentId, total, readOnly });
    existing.delete(q.question_id);
    const expectedPosition = previous ? previous.nextSibling : list.firstChild;
    if (item !== expectedPosition) list.insertBefore(item, expectedPosition);
    previous = item;
  }
  for (const stale of existing.values()) stale.remove();
}

/** The end-of-session summary panel. */
export function summaryPanel(summary, session) {
  const skills = Object.entries(summary?.skill_scores || session?.skill_scores || {}).sort((a, b) => b[1] - a[1]);
  const overall = summary?.score ?? session?.score ?? null;
  return h(
    "section",
    { class: "card summary", "data-testid": "session-summary", "aria-labelledby": "summary-title" },
    h("h2", { id: "summary-title" }, "Interview summary"),
    h("p", { class: "summary-score" }, "Overall score ", scoreBadge(overall, "summary-score"), h("span", { class: "out-of" }, " / 10")),
    summary
      ? h("p", { class: "muted" }, `${summary.answered} of ${summary.total} answered · ${summary.evaluated} evaluated`)
      : null,
    skills.length
      ? h(
          "ul",
          { class: "skill-bars", "aria-label": "Score per skill" },
          skills.map(([skill, value]) => {
            const bar = h("span", { class: "bar-fill" });
            bar.style.width = `${Math.max(0, Math.min(100, Number(value) * 10))}%`;
            return h("li", {}, h("span", { class: "skill-name" }, label(skill)), h("span", { class: "bar", "aria-hidden": "true" }, bar), h("span", { class: "skill-score" }, score(value)));
          }),
        )
      : h("p", { class: "muted" }, "No skill scores yet."),
  );
}
