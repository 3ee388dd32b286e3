import { post } from "../lib/api.js";
import { loadUser } from "../lib/auth.js";
import { h } from "../lib/dom.js";
import { busy, field, formAlert, showApiError, validateForm } from "../lib/forms.js";
import { DIFFICULTIES, LANGUAGES, SESSION_TYPES } from "../lib/format.js";
import { navigate } from "../lib/router.js";
import * as v from "../lib/validate.js";

const LEVEL_DIFFICULTY = { junior: "easy", mid: "medium", senior: "hard", staff: "hard" };
const has = (pairs, value) => pairs.some(([key]) => key === value);

/** Form defaults: the URL's query first, then the profile, then sensible fallbacks. */
export function defaults(me, query = {}) {
  const preferredType = (me?.preferred_types || []).find((t) => has(SESSION_TYPES, t));
  return {
    type: has(SESSION_TYPES, query.type) ? query.type : preferredType || "mixed",
    difficulty: has(DIFFICULTIES, query.difficulty) ? query.difficulty : LEVEL_DIFFICULTY[me?.experience_level] || "medium",
    duration_minutes: v.duration(query.duration_minutes) ? 30 : Number(query.duration_minutes),
    role: query.role || me?.target_role || "software engineer",
    language: has(LANGUAGES, query.language) ? query.language : has(LANGUAGES, me?.preferred_language) ? me.preferred_language : "python",
  };
}

/** Start an interview and open its room. */
export async function startSession(body) {
  const result = await post("/api/sessions", body);
  // The server answers {session, websocket}; accept a bare session too.
  const session = result.data?.session ?? result.data;
  navigate(`/interview/${encodeURIComponent(session.id)}`);
  return session;
}

export async function render(main, { query }) {
  const me = await loadUser();
  const d = defaults(me, query);
  const type = field({ label: "Interview type", name: "type", type: "select", options: SESSION_TYPES, testid: "new-type" });
  const difficulty = field({ label: "Difficulty", name: "difficulty", type: "select", options: DIFFICULTIES, testid: "new-difficulty" });
  const duration = field({
    label: "Duration (minutes)",
    name: "duration_minutes",
    type: "number",
    hint: "Between 10 and 90 minutes.",
    testid: "new-duration",
    attrs: { required: true, min: 10, max: 90, step: 5, inputmode: "numeric", value: d.duration_minutes },
  });
  const role = field({ label: "Role", name: "role", hint: "The job you are practising for, e.g. backend engineer.", testid: "new-role", attrs: { required: true, maxlength: 100, value: d.role } });
  const language = field({ label: "Programming language", name: "language", type: "select", options: LANGUAGES, testid: "new-language" });
  type.control.value = d.type;
  difficulty.control.value = d.difficulty;
  language.control.value = d.language;

  const submit = h("button", { type: "submit", class: "button", "data-testid": "new-submit" }, "Start interview");
  const form = h(
    "form",
    { class: "stack", novalidate: true, "data-testid": "new-interview-form" },
    formAlert("new-interview-error"),
    h("div", { class: "grid-2" }, type, difficulty, duration, language),
    role,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ok = validateForm(form, {
      duration_minutes: () => v.duration(duration.control.value),
      role: () => v.required(role.control.value, "Role") || v.maxLength(role.control.value, 100, "Role"),
    });
    if (!ok) return;
    await busy(submit, async () => {
      try {
        await startSession({
          type: type.control.value,
          difficulty: difficulty.control.value,
          duration_minutes: Number(duration.control.value),
          role: role.control.value.trim(),
          language: language.control.value,
        });
      } catch (err) {
        showApiError(form, err);
      }
    }, "Starting…");
  });

  main.append(
    h(
      "section",
      { class: "card narrow" },
      h("h1", {}, "New interview"),
      h("p", { class: "muted" }, "The interviewer asks one question at a time; feedback arrives as soon as each answer is graded."),
      form,
    ),
  );
}
