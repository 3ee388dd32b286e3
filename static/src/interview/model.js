// The interview's client-side state, driven by server messages (src/coach/domain/messages.py).
// Pure: no DOM, so it is unit-tested in node.

export function createModel() {
  return {
    session: null,
    questions: [],
    currentId: null,
    summary: null,
    ended: null,
    evaluationPending: false,
    clockOffset: 0,
  };
}

export function findQuestion(model, id) {
  return model.questions.find((q) => q.question_id === id) || null;
}

function emptyAnswer() {
  return { text: null, language: null, submitted: false, submitted_at: null, draft_text: null, draft_language: null, draft_seq: 0 };
}

/** The question the candidate should be answering now, or null. */
export function currentQuestion(model) {
  return model.currentId ? findQuestion(model, model.currentId) : null;
}

/** Server time now, corrected for this browser's clock. */
export function serverNow(model, now = Date.now()) {
  return now + model.clockOffset;
}

/** Milliseconds left in the time box (null before the first snapshot). */
export function remainingMs(model, now = Date.now()) {
  if (!model.session?.ends_at) return null;
  return Math.max(0, Date.parse(model.session.ends_at) - serverNow(model, now));
}

/** Record locally that an answer was sent (shown at once; confirmed by answer.ack). */
export function markSubmitting(model, id, text, language) {
  const q = findQuestion(model, id);
  if (!q) return;
  q.answer = { ...(q.answer || emptyAnswer()), text, language, draft_text: text, draft_language: language };
  q.submitting = true;
}

/**
 * Apply one server message. Returns what changed, for the view:
 * {kind: "reset" | "question" | "delta" | "cancel" | "submitted" | "draft-ack" | "feedback" | "run" | "ended" | "summary" | "error" | "none", id?, ...}
 */
export function applyMessage(model, msg, now = Date.now()) {
  switch (msg?.type) {
    case "session.state": {
      model.session = msg.session;
      model.questions = (msg.questions || []).map((q) => ({ ...q, answer: q.answer || null, evaluation: q.evaluation || null }));
      model.currentId = msg.current_question_id ?? null;
      model.summary = msg.summary ?? null;
      model.evaluationPending = Boolean(msg.evaluation_pending);
      if (msg.server_time) model.clockOffset = Date.parse(msg.server_time) - now;
      if (msg.session?.status === "completed") model.ended ||= "completed";
      return { kind: "reset" };
    }
    case "question.start": {
      const existing = findQuestion(model, msg.question_id);
      const q = {
        question_id: msg.question_id,
        index: msg.index,
        kind: msg.kind,
        title: msg.title,
        text: "",
        skills: msg.skills || [],
        language: msg.language ?? null,
        starter_code: msg.starter_code ?? null,
        starter_codes: msg.starter_codes || {},
        status: "streaming",
        answer: existing?.answer || null,
        evaluation: existing?.evaluation || null,
        last_run: existing?.last_run || null,
        running: existing?.running || null,
      };
      if (existing) Object.assign(existing, q);
      else model.questions.push(q);
      model.questions.sort((a, b) => a.index - b.index);
      if (model.session && typeof msg.total === "number") model.session = { ...model.session, total_questions: msg.total, position: msg.index };
      model.currentId = msg.question_id;
      return { kind: "question", id: msg.question_id, started: true };
    }
    case "question.delta": {
      const q = findQuestion(model, msg.question_id);
      if (!q) return { kind: "none" };
      q.text += msg.text;
      return { kind: "delta", id: q.question_id, text: msg.text };
    }
    case "question.end": {
      const q = findQuestion(model, msg.question_id);
      if (!q) return { kind: "none" };
      q.text = msg.text;
      q.status = "ready";
      return { kind: "question", id: q.question_id };
    }
    case "question.cancel": {
      model.questions = model.questions.filter((q) => q.question_id !== msg.question_id);
      if (model.currentId === msg.question_id) model.currentId = null;
      return { kind: "cancel", id: msg.question_id, reason: msg.reason };
    }
    case "answer.ack": {
      const q = findQuestion(model, msg.question_id);
      if (!q) return { kind: "none" };
      if (msg.submitted) {
        q.answer = { ...(q.answer || emptyAnswer()), submitted: true, submitted_at: q.answer?.submitted_at || new Date(serverNow(model, now)).toISOString() };
        q.submitting = false;
        q.evaluation ||= { status: "pending" };
        model.evaluationPending = true;
        return { kind: "submitted", id: q.question_id };
      }
      if (typeof msg.seq === "number") {
        q.answer = { ...(q.answer || emptyAnswer()) };
        q.answer.draft_seq = Math.max(q.answer.draft_seq || 0, msg.seq);
        return { kind: "draft-ack", id: q.question_id, seq: msg.seq };
      }
      return { kind: "none" };
    }
    case "feedback": {
      const q = findQuestion(model, msg.question_id);
      if (!q) return { kind: "none" };
      const { type: _type, question_id: _id, ...evaluation } = msg;
      q.evaluation = evaluation;
      model.evaluationPending = model.questions.some((x) => x.evaluation && (x.evaluation.status === "pending" || x.evaluation.status === "running"));
      return { kind: "feedback", id: q.question_id };
    }
    case "session.ended": {
      model.ended = msg.reason;
      if (model.session) model.session = { ...model.session, status: "completed" };
      return { kind: "ended", reason: msg.reason };
    }
    case "session.summary": {
      const { type: _type, ...summary } = msg;
      model.summary = summary;
      return { kind: "summary" };
    }
    case "run.started": {
      const q = findQuestion(model, msg.question_id);
      if (!q) return { kind: "none" };
      q.running = { run_id: msg.run_id, language: msg.language };
      return { kind: "run", id: q.question_id, started: true };
    }
    case "run.result": {
      const q = findQuestion(model, msg.question_id);
      if (!q) return { kind: "none" };
      q.running = null;
      q.last_run = msg.result;
      return { kind: "run", id: q.question_id, started: false };
    }
    case "error":
      if (msg.question_id && (msg.code === "run_failed" || msg.code === "rate_limited" || msg.code === "invalid_state")) {
        const q = findQuestion(model, msg.question_id);
        if (q?.running) q.running = null;
      }
      return { kind: "error", error: msg };
    case "pong":
      if (msg.server_time) model.clockOffset = Date.parse(msg.server_time) - now;
      return { kind: "none" };
    default:
      return { kind: "none" };
  }
}
