import { post } from "../lib/api.js";
import { userLoggedIn } from "../lib/auth.js";
import { h } from "../lib/dom.js";
import { busy, field, formAlert, showApiError, validateForm } from "../lib/forms.js";
import * as v from "../lib/validate.js";

export function render(main) {
  const name = field({ label: "Name", name: "name", testid: "register-name", attrs: { required: true, autocomplete: "name", maxlength: 100 } });
  const email = field({ label: "Email", name: "email", type: "email", testid: "register-email", attrs: { required: true, autocomplete: "email" } });
  const password = field({
    label: "Password",
    name: "password",
    type: "password",
    hint: "At least 8 characters.",
    testid: "register-password",
    attrs: { required: true, autocomplete: "new-password", minlength: 8, maxlength: 128 },
  });
  const submit = h("button", { type: "submit", class: "button", "data-testid": "register-submit" }, "Create account");
  const form = h("form", { class: "stack", novalidate: true, "data-testid": "register-form" }, formAlert("register-error"), name, email, password, submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ok = validateForm(form, {
      name: () => v.required(name.control.value, "Name") || v.maxLength(name.control.value, 100, "Name"),
      email: () => v.email(email.control.value),
      password: () => v.password(password.control.value),
    });
    if (!ok) return;
    await busy(submit, async () => {
      try {
        const body = await post("/api/auth/register", {
          name: name.control.value.trim(),
          email: email.control.value.trim(),
          password: password.control.value,
        });
        userLoggedIn(body.data.user, body.data.expires_in);
        location.hash = "#/dashboard";
      } catch (err) {
        showApiError(form, err);
      }
    }, "Creating account…");
  });

  main.append(
    h(
      "section",
      { class: "card narrow" },
      h("h1", {}, "Create your account"),
      form,
      h("p", {}, "Already have an account? ", h("a", { href: "#/login" }, "Log in"), "."),
    ),
  );
  name.control.focus();
}
