import { patch } from "../lib/api.js";
import { loadUser, logout, userUpdated } from "../lib/auth.js";
import { announce, h, nextId } from "../lib/dom.js";
import { navigate } from "../lib/router.js";
import { busy, field, formAlert, showApiError, validateForm } from "../lib/forms.js";
import { LANGUAGES, LEVELS, SESSION_TYPES, dateTime } from "../lib/format.js";
import * as v from "../lib/validate.js";

export async function render(main) {
  const me = await loadUser();
  if (!me) return;
  const name = field({ label: "Name", name: "name", testid: "profile-name", attrs: { required: true, maxlength: 100, autocomplete: "name", value: me.name } });
  const role = field({
    label: "Target role",
    name: "target_role",
    hint: "For example: backend engineer.",
    testid: "profile-target-role",
    attrs: { maxlength: 100, value: me.target_role || "" },
  });
  const level = field({ label: "Experience level", name: "experience_level", type: "select", options: [["", "Not set"], ...LEVELS], testid: "profile-level" });
  level.control.value = me.experience_level || "";
  const language = field({ label: "Preferred language", name: "preferred_language", type: "select", options: [["", "Not set"], ...LANGUAGES], testid: "profile-language" });
  language.control.value = me.preferred_language || "";

  const legendId = nextId("types");
  const types = h(
    "fieldset",
    { class: "field checkbox-group", "data-field": "preferred_types", "data-testid": "profile-types" },
    h("legend", { id: legendId }, "Preferred interview types"),
    SESSION_TYPES.map(([value, text]) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "preferred_types", value, checked: me.preferred_types?.includes(value) }), ` ${text}`),
    ),
    h("p", { class: "field-error", id: `${legendId}-error`, hidden: true }),
  );

  const saved = h("p", { class: "notice success", role: "status", hidden: true, "data-testid": "profile-saved" });
  const submit = h("button", { type: "submit", class: "button", "data-testid": "profile-submit" }, "Save profile");
  const form = h("form", { class: "stack", novalidate: true, "data-testid": "profile-form" }, formAlert("profile-error"), name, role, level, types, language, submit, saved);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    saved.hidden = true;
    const ok = validateForm(form, {
      name: () => v.required(name.control.value, "Name") || v.maxLength(name.control.value, 100, "Name"),
      target_role: () => v.maxLength(role.control.value, 100, "Target role"),
    });
    if (!ok) return;
    const body = {
      name: name.control.value.trim(),
      target_role: role.control.value.trim() || null,
      experience_level: level.control.value || null,
      preferred_types: [...types.querySelectorAll("input:checked")].map((box) => box.value),
      preferred_language: language.control.value || null,
    };
    await busy(submit, async () => {
      try {
        const result = await patch("/api/me", body);
        userUpdated(result.data);
        saved.textContent = result.message || "Profile saved.";
        saved.hidden = false;
        announce(saved.textContent);
      } catch (err) {
        showApiError(form, err);
      }
    }, "Saving…");
  });

  const everywhere = h(
    "button",
    {
      type: "button",
      class: "button secondary",
      "data-testid": "logout-everywhere",
      onclick: async () => {
        if (!window.confirm("Log out on every device and browser? Open interviews elsewhere will close.")) return;
        await logout({ everywhere: true });
        navigate("/login");
      },
    },
    "Log out everywhere",
  );

  main.append(
    h(
      "section",
      { class: "card narrow" },
      h("h1", {}, "Profile and preferences"),
      h("p", { class: "muted" }, `${me.email} · member since ${dateTime(me.created_at)}`),
      h("p", {}, "New interviews start from these preferences; you can change them per interview."),
      form,
    ),
    h(
      "section",
      { class: "card narrow", "aria-labelledby": "sessions-heading" },
      h("h2", { id: "sessions-heading" }, "Signed-in devices"),
      h("p", { class: "muted" }, "Lost a laptop or used a shared computer? End every login at once."),
      everywhere,
    ),
  );
}
