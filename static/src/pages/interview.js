// The interview room: streams questions in, drafts and answers out, feedback back in, over one
// reconnecting WebSocket. Every connect starts with session.state, from which the whole room is drawn.
import { currentQuestion, applyMessage, createModel, findQuestion, markSubmitting, remainingMs } from "../interview/model.js";
import { runPanel, setQuestionText, summaryPanel, syncTranscript } from "../interview/transcript.js";
import { ApiError, get, post } from "../lib/api.js";
import { onTokenRenewed, renewLogin } from "../lib/auth.js";
import { announce, h, nextId, replace } from "../lib/dom.js";
import { LANGUAGES, clock, label } from "../lib/format.js";
import { randomKey } from "../lib/random.js";
import { LiveSocket, socketUrl } from "../lib/socket.js";
import { load, save } from "../lib/store.js";

const DRAFT_DEBOUNCE_MS = 400;
const MAX_ANSWER_CHARS = 60_000;
// 4401 unauthenticated, 4403 forbidden (not yours, or a foreign origin): retrying cannot help.
// 1008 (too many messages), 1009 (too big) and 1013 (too slow) are worth a reconnect and resync.
const FATAL_CLOSE_CODES = new Set([4001, 4003, 4004, 4401, 4403, 4404]);
const MAX_FRAME_BYTES = 64 * 1024;
const encoder = new TextEncoder();
/** True when a message fits in one socket frame the server accepts. */
const fitsFrame = (message) => encoder.encode(JSON.stringify(message)).length <= MAX_FRAME_BYTES;
const STATUS_TEXT = { idle: "Connecting…", connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", closed: "Disconnected" };
const ENDED_TEXT = {
  completed: "The interview is complete.",
  time_up: "Time is up: the interview has ended.",
  ended_by_candidate: "You ended the interview.",
};
const isMac = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform || "");
const SUBMIT_SHORTCUT = isMac ? "⌘ Enter" : "Ctrl + Enter";

export function render(main, { params }) {
  const sessionId = params.id;
  const submitKey = `coach:submit:${sessionId}`;
  const draftKey = (qid) => `coach:draft:${sessionId}:${qid}`;
  const model = createModel();
  let pendingSubmit = load(submitKey);
  let disposed = false;
  let minuteWarned = false;

  // ---- layout ----------------------------------------------------------------------------------
  const title = h("h1", { "data-testid": "interview-title" }, "Interview");
  const meta = h("p", { class: "muted", "data-testid": "interview-meta" });
  const status = h("span", { class: "conn-status connecting", "data-testid": "connection-status" }, STATUS_TEXT.connecting);
  const statusDetail = h("span", { class: "muted small", "data-testid": "connection-detail" });
  const retryButton = h("button", { type: "button", class: "button secondary small", hidden: true, onclick: () => restartSocket() }, "Try again");
  const timer = h("span", { class: "timer", role: "timer", "aria-label": "Time left", "data-testid": "timer" }, "--:--");
  const progress = h("span", { class: "muted", "data-testid": "interview-progress" });
  const errorBox = h("div", { class: "form-alert", role: "alert", hidden: true, "data-testid": "interview-error" });
  const notice = h("p", { class: "notice", role: "status", hidden: true, "data-testid": "interview-notice" });
  const transcript = h("ol", { class: "transcript", "data-testid": "transcript" });
  // The log region announces new questions as they stream and feedback as it arrives.
  const transcriptLog = h("div", { role: "log", "aria-live": "polite", "aria-label": "Interview transcript" }, transcript);
  const composerBody = h("div", { class: "composer-body" });
  const draftStatus = h("span", { class: "muted small", "aria-live": "polite", "data-testid": "draft-status" });
  const submitButton = h("button", { type: "button", class: "button", "data-testid": "submit-answer", onclick: () => submit() }, "Submit answer");
  const nextButton = h("button", { type: "button", class: "button secondary", "data-testid": "next-question", onclick: () => askNext() }, "Next question");
  const endButton = h("button", { type: "button", class: "button danger", "data-testid": "end-interview", onclick: () => askEnd() }, "End interview");
  // Ending early or skipping an unanswered question cannot be undone: both ask first, in the page.
  const confirmBox = h("div", { class: "confirm-bar", role: "alertdialog", "aria-modal": "false", hidden: true, "data-testid": "confirm-bar" });
  const composerHintId = nextId("composer-hint");
  const composerHint = h("p", { class: "hint", id: composerHintId }, `${SUBMIT_SHORTCUT} submits.`);
  const composer = h(
    "section",
    { class: "composer card", "aria-label": "Your answer", "data-testid": "composer" },
    composerBody,
    composerHint,
    h("div", { class: "composer-actions" }, submitButton, draftStatus),
  );
  const summaryBox = h("div", { class: "summary-box", "data-testid": "summary-box" });
  const controls = h("div", { class: "room-controls" }, confirmBox, nextButton, endButton);

  main.append(
    h(
      "div",
      { class: "room" },
      h(
        "header",
        { class: "room-head" },
        h("div", {}, title, meta),
        h("div", { class: "room-status" }, h("p", { class: "status-line", role: "status" }, status, statusDetail, retryButton), h("p", { class: "timer-line" }, h("span", { class: "muted" }, "Time left "), timer, " ", progress)),
      ),
      errorBox,
      notice,
      transcriptLog,
      composer,
      controls,
      summaryBox,
    ),
  );

  // ---- composer (editor or textarea bound to the current question) ----------------------------
  const ed = { id: null, mode: null, editor: null, textarea: null, language: "python", seq: 0, timer: null, sentSeq: 0, sentText: null, token: 0, runArea: null, runButton: null, customInput: null };

  const getText = () => (ed.editor ? ed.editor.getText() : ed.textarea ? ed.textarea.value : "");

  function unbindComposer(message) {
    if (ed.timer && (ed.editor || ed.textarea)) flushDraft();
    clearTimeout(ed.timer);
    ed.editor?.destroy();
    Object.assign(ed, { id: null, mode: null, editor: null, textarea: null, token: ed.token + 1, runArea: null, runButton: null, customInput: null });
    replace(composerBody, h("p", { class: "muted", "data-testid": "composer-idle" }, message));
    submitButton.hidden = true;
    composerHint.hidden = true;
    draftStatus.textContent = "";
  }

  function onInput() {
    const qid = ed.id;
    if (!qid) return;
    save(draftKey(qid), { text: getText(), language: ed.mode === "code" ? ed.language : null, synced: false });
    draftStatus.textContent = "Editing…";
    clearTimeout(ed.timer);
    ed.timer = setTimeout(flushDraft, DRAFT_DEBOUNCE_MS);
  }

  function flushDraft() {
    clearTimeout(ed.timer);
    ed.timer = null;
    const q = ed.id && findQuestion(model, ed.id);
    if (!q || q.answer?.submitted || q.submitting || model.ended) return;
    // The server takes drafts for a question once it is fully asked; the one typed while it
    // streams stays here and is sent at question.end.
    if (q.status === "streaming") return;
    const text = getText();
    if (text.length > MAX_ANSWER_CHARS) {
      showError(`Your answer is too long to save (${text.length.toLocaleString()} of ${MAX_ANSWER_CHARS.toLocaleString()} characters).`);
      return;
    }
    const language = ed.mode === "code" ? ed.language : null;
    const seq = Math.max(ed.seq, q.answer?.draft_seq ?? 0) + 1;
    const message = { type: "answer.draft", question_id: q.question_id, seq, text, language };
    if (!fitsFrame(message)) {
      showError("Your answer is too long to save. Shorten it a little.");
      return;
    }
    ed.seq = seq;
    if (socket.send(message)) {
      ed.sentSeq = ed.seq;
      ed.sentText = text;
      draftStatus.textContent = "Saving draft…";
    } else {
      draftStatus.textContent = "Offline: your draft is kept here and saved when the connection is back.";
    }
  }

  function modeFor(q) {
    return q.kind === "coding" ? "code" : "text";
  }

  function initialText(q) {
    const local = load(draftKey(q.question_id));
    const serverDraft = q.answer?.draft_text ?? null;
    if (local && !local.synced && local.text !== serverDraft) return { text: local.text, language: local.language, unsynced: true };
    if (q.answer?.submitted) return { text: q.answer.text ?? serverDraft ?? "", language: q.answer.language };
    return { text: serverDraft ?? q.starter_code ?? "", language: q.answer?.draft_language };
  }

  function lockComposer(locked) {
    ed.editor?.setReadOnly(locked);
    if (ed.textarea) ed.textarea.readOnly = locked;
    for (const control of composerBody.querySelectorAll("select")) control.disabled = locked;
    if (ed.runButton) ed.runButton.hidden = locked;
    submitButton.hidden = locked;
    composerHint.hidden = locked;
  }

  function bindComposer() {
    const q = currentQuestion(model);
    if (model.ended) return unbindComposer(ENDED_TEXT[model.ended] || "The interview has ended.");
    if (!q) return unbindComposer(model.session ? "Waiting for the next question…" : "Loading the interview…");
    if (q.answer?.submitted) {
      unbindComposer("Answer submitted: its feedback appears above. Press Next question when you are ready.");
      ed.id = q.question_id;
      ed.mode = "done";
      return;
    }
    const submitted = Boolean(q.submitting);
    if (ed.id === q.question_id && ed.mode === modeFor(q)) {
      lockComposer(submitted);
      updateSubmittedNote(q);
      return;
    }
    unbindComposer("");
    ed.id = q.question_id;
    ed.mode = modeFor(q);
    ed.seq = q.answer?.draft_seq ?? 0;
    const token = ed.token;
    const start = initialText(q);
    const labelId = nextId("answer-label");
    if (ed.mode === "text") {
      ed.textarea = h("textarea", {
        id: nextId("answer"),
        class: "answer-textarea",
        rows: 10,
        maxlength: MAX_ANSWER_CHARS,
        "aria-labelledby": labelId,
        "aria-describedby": composerHintId,
        "data-testid": "answer-text",
        oninput: onInput,
        onkeydown: (event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            submit();
          }
        },
      });
      ed.textarea.value = start.text;
      replace(composerBody, h("label", { id: labelId, class: "composer-label", for: ed.textarea.id }, "Your answer"), ed.textarea);
    } else {
      ed.language = [q.answer?.language, start.language, q.language, model.session?.language].find((l) => LANGUAGES.some(([k]) => k === l)) || "python";
      const starters = q.starter_codes || {};
      if (start.text === (q.starter_code ?? "") && starters[ed.language]) start.text = starters[ed.language];
      const select = h(
        "select",
        { id: nextId("lang"), "data-testid": "language-select", onchange: (event) => {
          const before = ed.language;
          ed.language = event.target.value;
          ed.editor?.setLanguage(ed.language);
          // Untouched starter code follows the language; the candidate's own code is never replaced.
          const current = getText();
          const pristine = !current.trim() || current === starters[before] || current === q.starter_code;
          if (pristine && starters[ed.language]) ed.editor?.setText(starters[ed.language]);
          onInput();
        } },
        LANGUAGES.map(([value, text]) => h("option", { value }, text)),
      );
      select.value = ed.language;
      const holder = h("div", { class: "code-editor", "data-testid": "code-editor" }, h("p", { class: "muted" }, "Loading the editor…"));
      ed.runButton = h("button", { type: "button", class: "button secondary", "data-testid": "run-code", onclick: () => runCode() }, "Run examples");
      ed.customInput = h("textarea", { id: nextId("run-input"), rows: 2, class: "run-input", "data-testid": "run-input", spellcheck: "false", placeholder: "[[2, 7, 11, 15], 9]" });
      ed.runArea = h("div", { "aria-live": "polite", "data-testid": "run-area" });
      replace(
        composerBody,
        h("div", { class: "composer-toolbar" }, h("span", { id: labelId, class: "composer-label" }, "Your code"), h("label", { for: select.id, class: "inline-label" }, "Language ", select)),
        holder,
        h("p", { class: "hint" }, "Tab indents; press Esc then Tab to move focus out of the editor."),
        h(
          "div",
          { class: "run-row" },
          ed.runButton,
          h("details", { class: "run-custom" }, h("summary", {}, "Custom input"), h("label", { for: ed.customInput.id, class: "hint" }, "The arguments as a JSON array; the expected output comes from a reference solution."), ed.customInput),
        ),
        ed.runArea,
      );
      drawRun();
      import("../interview/editor.js")
        .then(({ createCodeEditor }) => {
          if (disposed || token !== ed.token) return;
          holder.replaceChildren();
          ed.editor = createCodeEditor(holder, {
            doc: start.text,
            language: ed.language,
            onChange: onInput,
            onSubmit: submit,
            ariaLabel: "Code answer",
            description: `${SUBMIT_SHORTCUT} submits. Tab indents; press Escape then Tab to leave the editor.`,
          });
          lockComposer(Boolean(q.answer?.submitted || q.submitting));
          if (ed.focusWhenReady) ed.editor.focus();
          ed.focusWhenReady = false;
        })
        .catch(() => {
          if (token !== ed.token) return;
          replace(holder, h("p", { class: "form-alert", role: "alert" }, "The code editor failed to load. Reload the page to try again."));
        });
    }
    lockComposer(submitted);
    updateSubmittedNote(q);
    if (start.unsynced) {
      draftStatus.textContent = "Restored your unsaved draft.";
      flushDraft();
    }
  }

  /** Put the caret in the answer box (the code editor may still be loading: it takes focus once ready). */
  function focusAnswer() {
    if (ed.textarea) ed.textarea.focus();
    else if (ed.editor) ed.editor.focus();
    else if (ed.mode === "code") ed.focusWhenReady = true;
  }

  function updateSubmittedNote(q) {
    if (q.answer?.submitted) draftStatus.textContent = "Answer submitted. Press Next question when you are ready.";
    else if (q.submitting) draftStatus.textContent = socket.connected ? "Submitting…" : "Your answer will be sent when the connection is back.";
  }

  // ---- actions ---------------------------------------------------------------------------------
  function drawRun() {
    const q = ed.id && findQuestion(model, ed.id);
    if (!q || !ed.runArea) return;
    replace(ed.runArea, runPanel(q.last_run, q.running));
    if (ed.runButton) ed.runButton.disabled = Boolean(q.running);
  }

  /** The Run button: the code in the editor against the visible examples (and the custom input). */
  function runCode() {
    const q = ed.id && findQuestion(model, ed.id);
    if (!q || q.answer?.submitted || q.submitting || model.ended || q.running) return;
    const code = getText();
    if (!code.trim()) {
      showError("Write some code to run.");
      return;
    }
    const input = ed.customInput?.value.trim() || null;
    const message = { type: "code.run", question_id: q.question_id, language: ed.language, code, ...(input ? { input } : {}) };
    if (!fitsFrame(message)) {
      showError("The code is too long to run. Shorten it a little.");
      return;
    }
    if (!socket.send(message)) {
      showError("Not connected: your code can be run once the connection is back.");
      return;
    }
    clearError();
    q.running = { language: ed.language };
    drawRun();
  }

  function submit() {
    const q = ed.id && findQuestion(model, ed.id);
    if (!q || q.answer?.submitted || q.submitting || model.ended) return;
    const text = getText();
    if (!text.trim()) {
      showError("Write an answer before submitting.");
      (ed.editor || ed.textarea)?.focus();
      return;
    }
    if (text.length > MAX_ANSWER_CHARS) {
      showError(`Your answer is too long (${text.length.toLocaleString()} of ${MAX_ANSWER_CHARS.toLocaleString()} characters).`);
      return;
    }
    const language = ed.mode === "code" ? ed.language : null;
    if (!fitsFrame({ type: "answer.submit", question_id: q.question_id, text, language, idempotency_key: "x".repeat(36) })) {
      showError("Your answer is too long to send. Shorten it a little.");
      return;
    }
    clearError();
    clearTimeout(ed.timer);
    const same = pendingSubmit && pendingSubmit.question_id === q.question_id && pendingSubmit.text === text && pendingSubmit.language === language;
    if (!same) pendingSubmit = { question_id: q.question_id, text, language, idempotency_key: randomKey() };
    save(submitKey, pendingSubmit);
    markSubmitting(model, q.question_id, text, language);
    drawTranscript();
    bindComposer();
    sendPendingSubmit();
  }

  function sendPendingSubmit() {
    if (!pendingSubmit) return;
    if (findQuestion(model, pendingSubmit.question_id)?.status === "streaming") return; // sent at question.end
    socket.send({ type: "answer.submit", ...pendingSubmit });
  }

  function askConfirm(message, yesLabel, onYes) {
    const labelId = nextId("confirm");
    confirmBox.setAttribute("aria-labelledby", labelId);
    const no = h("button", { type: "button", class: "button secondary", "data-testid": "confirm-no", onclick: () => closeConfirm() }, "Keep going");
    const yes = h("button", { type: "button", class: "button danger", "data-testid": "confirm-yes", onclick: () => { closeConfirm(); onYes(); } }, yesLabel);
    replace(confirmBox, h("p", { id: labelId, class: "confirm-text" }, message), h("div", { class: "confirm-actions" }, yes, no));
    confirmBox.hidden = false;
    no.focus();
  }

  function closeConfirm() {
    confirmBox.hidden = true;
    confirmBox.replaceChildren();
  }

  function askEnd() {
    if (model.ended) return;
    const unanswered = model.questions.filter((q) => !q.answer?.submitted && !q.submitting).length;
    const left = (model.session?.total_questions || 0) - model.questions.length + unanswered;
    const detail = left > 0 ? ` ${left === 1 ? "One question is" : `${left} questions are`} not answered and will not be scored.` : "";
    askConfirm(`End the interview now?${detail}`, "End interview", endInterview);
  }

  function askNext() {
    const q = currentQuestion(model);
    if (q && q.status === "ready" && !q.answer?.submitted && !q.submitting) {
      askConfirm("Skip this question without answering? It will not be scored.", "Skip question", nextQuestion);
      return;
    }
    nextQuestion();
  }

  function nextQuestion() {
    if (model.ended) return;
    if (ed.timer) flushDraft();
    if (!socket.send({ type: "question.next" })) {
      showError("Not connected. The next question can be requested once the connection is back.");
      return;
    }
    clearError();
    nextButton.disabled = true;
    setTimeout(() => {
      nextButton.disabled = Boolean(model.ended);
    }, 3000);
  }

  async function endInterview() {
    if (model.ended) return;
    if (ed.timer) flushDraft();
    endButton.disabled = true;
    if (socket.send({ type: "session.end" })) return;
    try {
      await post(`/api/sessions/${encodeURIComponent(sessionId)}/end`);
      const body = await get(`/api/sessions/${encodeURIComponent(sessionId)}`);
      handle({ type: "session.state", ...body.data });
    } catch (err) {
      endButton.disabled = false;
      showError(err.message);
    }
  }

  // ---- drawing ---------------------------------------------------------------------------------
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }

  function showNotice(message) {
    notice.textContent = message;
    notice.hidden = !message;
  }

  function drawHeader() {
    const s = model.session;
    if (!s) return;
    title.textContent = `${label(s.type)} interview`;
    meta.textContent = [label(s.difficulty), s.role, s.language ? label(s.language) : null, `${s.duration_minutes} min`].filter(Boolean).join(" · ");
    const q = currentQuestion(model);
    progress.textContent = q && s.total_questions ? `· Question ${q.index + 1} of ${s.total_questions}` : "";
    document.title = `${title.textContent} · Coach`;
  }

  function drawTranscript() {
    syncTranscript(transcript, model.questions, { currentId: model.currentId, total: model.session?.total_questions });
  }

  function drawControls() {
    const ended = Boolean(model.ended);
    if (ended) closeConfirm();
    composer.hidden = ended;
    nextButton.hidden = ended;
    endButton.hidden = ended;
    endButton.disabled = ended;
    if (ended) nextButton.disabled = true;
  }

  function drawSummary() {
    if (!model.ended && !model.summary) {
      summaryBox.replaceChildren();
      return;
    }
    replace(
      summaryBox,
      h("p", { class: "notice", "data-testid": "ended-notice" }, ENDED_TEXT[model.ended] || "The interview has ended."),
      model.summary
        ? summaryPanel(model.summary, model.session)
        : h("p", { class: "muted", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), " Preparing your summary…"),
      h(
        "p",
        { class: "actions" },
        h("a", { class: "button secondary", href: `#/history/${encodeURIComponent(sessionId)}` }, "View transcript"),
        h("a", { class: "button", href: "#/new" }, "Start another interview"),
        h("a", { class: "button secondary", href: "#/dashboard" }, "Dashboard"),
      ),
    );
  }

  function drawTimer() {
    const left = remainingMs(model);
    if (left === null) return;
    timer.textContent = model.ended ? "0:00" : clock(left);
    timer.classList.toggle("urgent", !model.ended && left <= 60_000);
    if (!model.ended && left <= 60_000 && left > 0 && !minuteWarned) {
      minuteWarned = true;
      announce("One minute left.");
    }
  }

  /** Scroll a question (or a part of it) into view, unless the user is typing in the composer. */
  function reveal(id, part = ".bubble.interviewer") {
    if (composer.contains(document.activeElement) && document.activeElement !== submitButton) return;
    const el = transcript.querySelector(`[data-question-id="${CSS.escape(id)}"] ${part}`);
    const smooth = !globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    el?.scrollIntoView({ block: "nearest", behavior: smooth ? "smooth" : "auto" });
  }

  function drawAll() {
    drawHeader();
    drawTranscript();
    bindComposer();
    drawControls();
    drawSummary();
    drawTimer();
  }

  // ---- messages --------------------------------------------------------------------------------
  function handle(msg) {
    const effect = applyMessage(model, msg);
    switch (effect.kind) {
      case "reset": {
        if (pendingSubmit) {
          const q = findQuestion(model, pendingSubmit.question_id);
          if (!q || q.answer?.submitted || model.ended) {
            pendingSubmit = null;
            save(submitKey, null);
          } else {
            markSubmitting(model, q.question_id, pendingSubmit.text, pendingSubmit.language);
            sendPendingSubmit();
          }
        }
        for (const q of model.questions) if (q.answer?.submitted) save(draftKey(q.question_id), null);
        nextButton.disabled = false;
        drawAll();
        const q = currentQuestion(model);
        if (q && ed.id === q.question_id && !q.answer?.submitted && !q.submitting) {
          const local = load(draftKey(q.question_id));
          if (local && !local.synced) flushDraft();
        }
        break;
      }
      case "question":
        if (effect.started) {
          nextButton.disabled = false;
          showNotice("");
        }
        {
          const idle = document.activeElement === document.body || document.activeElement === nextButton;
          drawHeader();
          drawTranscript();
          bindComposer();
          if (effect.started) {
            reveal(effect.id);
            if (idle) focusAnswer();
          }
        }
        if (!effect.started) {
          announce("Question ready.");
          if (pendingSubmit?.question_id === effect.id) sendPendingSubmit();
          else if (ed.id === effect.id && load(draftKey(effect.id))?.synced === false) flushDraft();
        }
        break;
      case "delta": {
        const item = transcript.querySelector(`[data-question-id="${CSS.escape(effect.id)}"] .question-text`);
        const q = findQuestion(model, effect.id);
        if (item && q) setQuestionText(item, q.text);
        else drawTranscript();
        break;
      }
      case "cancel":
        drawTranscript();
        bindComposer();
        showNotice("The interviewer withdrew that question; another one is on its way.");
        break;
      case "submitted":
        if (pendingSubmit?.question_id === effect.id) {
          pendingSubmit = null;
          save(submitKey, null);
        }
        save(draftKey(effect.id), null);
        {
          const hadFocus = composer.contains(document.activeElement) || document.activeElement === document.body;
          drawTranscript();
          bindComposer();
          if (hadFocus && !nextButton.hidden) nextButton.focus();
        }
        announce("Answer submitted. Evaluating…");
        break;
      case "draft-ack":
        if (effect.id === ed.id && effect.seq === ed.sentSeq && getText() === ed.sentText) {
          save(draftKey(effect.id), { text: ed.sentText, language: ed.mode === "code" ? ed.language : null, synced: true });
          draftStatus.textContent = "Draft saved.";
        }
        break;
      case "feedback": {
        drawTranscript();
        reveal(effect.id, ".feedback-card");
        const q = findQuestion(model, effect.id);
        announce(q?.evaluation?.status === "done" ? `Feedback received: score ${q.evaluation.score ?? "not given"} out of 10.` : "The evaluation failed.");
        break;
      }
      case "run": {
        if (effect.id === ed.id) drawRun();
        if (!effect.started) {
          const run = findQuestion(model, effect.id)?.last_run;
          if (run) announce(run.total ? `Run finished: ${run.passed} of ${run.total} passed.` : run.message || "Run finished.");
        }
        break;
      }
      case "ended":
        pendingSubmit = null;
        save(submitKey, null);
        drawAll();
        announce(ENDED_TEXT[effect.reason] || "The interview has ended.");
        break;
      case "summary":
        drawSummary();
        break;
      case "error": {
        const error = effect.error;
        if (error.question_id && pendingSubmit?.question_id === error.question_id) {
          const q = findQuestion(model, error.question_id);
          if (q) q.submitting = false;
          pendingSubmit = null;
          save(submitKey, null);
          drawTranscript();
          bindComposer();
        }
        if (error.question_id && error.question_id === ed.id) {
          const q = findQuestion(model, error.question_id);
          if (q?.running && !q.running.run_id) q.running = null;
          drawRun();
        }
        nextButton.disabled = Boolean(model.ended);
        endButton.disabled = Boolean(model.ended);
        showError(error.message || "Something went wrong.");
        break;
      }
      default:
        break;
    }
  }

  // ---- connection ------------------------------------------------------------------------------
  async function explainClose(info) {
    try {
      await get(`/api/sessions/${encodeURIComponent(sessionId)}`);
      showError(`The connection was closed${info.reason ? `: ${info.reason}` : "."}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) showError("This interview does not exist, or it is not yours.");
      else if (!(err instanceof ApiError && err.status === 401)) showError(`The connection was closed${info.reason ? `: ${info.reason}` : "."}`);
    }
  }

  const socket = new LiveSocket(socketUrl(`/ws/sessions/${encodeURIComponent(sessionId)}`), {
    onMessage: handle,
    // 4401: the token expired or was revoked. Renew and reconnect quietly (the editor keeps the
    // draft, the snapshot resyncs the rest); if the login is gone, the app shows the login page.
    onAuthClose: () => renewLogin(),
    shouldReconnect: (event) => {
      if (model.ended && (event.code === 1000 || event.code === 1001)) return false;
      return !FATAL_CLOSE_CODES.has(event.code);
    },
    onStatus: (state, info) => {
      const over = state === "closed" && model.ended;
      status.textContent = over ? "Interview ended" : STATUS_TEXT[state] || state;
      status.className = `conn-status ${over ? "ended" : state}`;
      statusDetail.textContent = state === "reconnecting" && info.delay ? ` (retrying in ${Math.ceil(info.delay / 1000)} s)` : "";
      retryButton.hidden = !((state === "closed" && !model.ended) || state === "reconnecting");
      if (state === "closed" && !model.ended && !disposed) explainClose(info);
      if (state === "connected") clearError();
    },
  });

  function restartSocket() {
    clearError();
    if (socket.stopped) socket.start();
    else socket.reconnectNow();
  }

  // A quick first paint from REST while the socket connects; the socket's snapshot wins.
  get(`/api/sessions/${encodeURIComponent(sessionId)}`)
    .then((body) => {
      if (!disposed && !model.session && body?.data?.session) handle({ type: "session.state", ...body.data });
    })
    .catch(() => {});

  const tick = setInterval(drawTimer, 1000);
  const flushOnHide = () => {
    if (ed.timer && (document.visibilityState === "hidden" || disposed)) flushDraft();
  };
  const flushOnLeave = () => {
    if (ed.timer) flushDraft();
  };
  document.addEventListener("visibilitychange", flushOnHide);
  window.addEventListener("pagehide", flushOnLeave);
  unbindComposer("Loading the interview…");
  // The login was renewed (here or in another tab): reconnect with the new cookie before the old
  // token ends, without a visible break.
  const stopRenewed = onTokenRenewed(() => socket.renew());
  socket.start();

  return () => {
    if (ed.timer) flushDraft();
    disposed = true;
    stopRenewed();
    clearInterval(tick);
    document.removeEventListener("visibilitychange", flushOnHide);
    window.removeEventListener("pagehide", flushOnLeave);
    socket.stop();
    ed.editor?.destroy();
  };
}
