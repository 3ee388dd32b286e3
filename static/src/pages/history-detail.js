import { get } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { dateTime, label } from "../lib/format.js";
import { summaryPanel, syncTranscript } from "../interview/transcript.js";

export async function render(main, { params }) {
  const section = h("section", { class: "card" }, h("h1", {}, "Session"), h("p", { class: "muted" }, "Loading…"));
  main.append(h("p", {}, h("a", { href: "#/history" }, "← All sessions")), section);
  let state;
  try {
    state = (await get(`/api/sessions/${encodeURIComponent(params.id)}`)).data;
  } catch (err) {
    section.replaceChildren(h("h1", {}, "Session"), h("p", { class: "form-alert", role: "alert" }, err.status === 404 ? "This session does not exist." : err.message));
    return;
  }
  const s = state.session;
  const transcript = h("ol", { class: "transcript", "aria-label": "Transcript", "data-testid": "transcript" });
  syncTranscript(transcript, state.questions || [], { total: s.total_questions, readOnly: true });
  section.replaceChildren(
    h("div", { class: "section-head" }, h("h1", { "data-testid": "session-title" }, `${label(s.type)} interview`), s.status === "active" ? h("a", { class: "button", href: `#/interview/${encodeURIComponent(s.id)}` }, "Resume interview") : null),
    h("p", { class: "muted" }, [label(s.difficulty), s.role, s.language ? label(s.language) : null, `${s.duration_minutes} min`, dateTime(s.created_at), label(s.status)].filter(Boolean).join(" · ")),
  );
  main.append(
    s.status === "completed" || state.summary ? summaryPanel(state.summary, s) : null,
    h("section", { class: "card" }, h("h2", {}, "Transcript"), state.questions?.length ? transcript : h("p", { class: "muted" }, "No questions were asked.")),
  );
}
