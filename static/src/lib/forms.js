// Form fields with labels, inline errors wired through aria-describedby/aria-invalid,
// and a form-level alert for errors that belong to no field.
import { ApiError } from "./api.js";
import { h, nextId } from "./dom.js";

/** A labelled input/select/textarea; returns the wrapper (the control is wrapper.control). */
export function field({ label, name, type = "text", options, hint, testid, attrs = {} }) {
  const id = nextId(`f-${name}`);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  let control;
  if (type === "select") {
    control = h("select", { id, name, ...attrs }, options.map(([value, text]) => h("option", { value }, text)));
  } else if (type === "textarea") {
    control = h("textarea", { id, name, ...attrs });
  } else {
    control = h("input", { id, name, type, ...attrs });
  }
  if (testid) control.setAttribute("data-testid", testid);
  if (hintId) control.setAttribute("aria-describedby", hintId);
  const wrapper = h(
    "div",
    { class: "field", "data-field": name },
    h("label", { for: id }, label, attrs.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    control,
    h("p", { class: "field-error", id: errorId, hidden: true }),
  );
  wrapper.control = control;
  return wrapper;
}

/** The top-of-form alert region (put it first inside the form). */
export function formAlert(testid) {
  return h("div", { class: "form-alert", role: "alert", hidden: true, "data-form-alert": "", "data-testid": testid });
}

function controlFor(form, name) {
  return form.querySelector(`[data-field="${CSS.escape(name)}"] :is(input, select, textarea, fieldset)`) ||
    form.querySelector(`[data-field="${CSS.escape(name)}"]`);
}

/** Show an error under a field. Returns false if the form has no such field. */
export function setFieldError(form, name, message) {
  const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!wrapper) return false;
  const control = controlFor(form, name);
  const error = wrapper.querySelector(".field-error");
  error.textContent = message;
  error.hidden = false;
  wrapper.classList.add("invalid");
  control.setAttribute("aria-invalid", "true");
  const ids = new Set((control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
  ids.add(error.id);
  control.setAttribute("aria-describedby", [...ids].join(" "));
  return true;
}

export function setFormError(form, message) {
  const alert = form.querySelector("[data-form-alert]");
  if (!alert) return;
  alert.textContent = message;
  alert.hidden = !message;
}

/** Clear every error shown on the form. */
export function clearErrors(form) {
  for (const wrapper of form.querySelectorAll(".field.invalid")) {
    wrapper.classList.remove("invalid");
    const error = wrapper.querySelector(".field-error");
    const control = controlFor(form, wrapper.dataset.field);
    control.removeAttribute("aria-invalid");
    const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== error.id);
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
    error.textContent = "";
    error.hidden = true;
  }
  setFormError(form, "");
}

/**
 * Run checks {fieldName: () => message|null}; show each failure and focus the first invalid field.
 * Returns true when all pass.
 */
export function validateForm(form, checks) {
  clearErrors(form);
  let first = null;
  for (const [name, check] of Object.entries(checks)) {
    const message = check();
    if (message) {
      setFieldError(form, name, message);
      first ??= controlFor(form, name);
    }
  }
  if (first) first.focus();
  return !first;
}

/** Show an API error next to its field when the form has it, otherwise at the top. */
export function showApiError(form, err) {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ApiError && err.field && setFieldError(form, err.field, message)) {
    controlFor(form, err.field)?.focus();
    return;
  }
  setFormError(form, message);
  form.querySelector("[data-form-alert]")?.focus?.();
}

/** Disable a form's submit button while an async action runs. */
export async function busy(button, action, busyText = "Working…") {
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = busyText;
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = text;
  }
}
