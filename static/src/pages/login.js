import { post } from "../lib/api.js";
import { userLoggedIn } from "../lib/auth.js";
import { h } from "../lib/dom.js";
import { busy, field, formAlert, showApiError, validateForm } from "../lib/forms.js";
import * as v from "../lib/validate.js";

/** Where to go after logging in: the page that sent us here, if it is one of ours. */
export function nextPath(query) {
  const next = query.next || "";
  return next.startsWith("/") && !next.startsWith("/login") && !next.startsWith("/register") ? next : "/dashboard";
}

export function render(main, { query }) {
  const email = field({ label: "Email", name: "email", type: "email", testid: "login-email", attrs: { required: true, autocomplete: "email" } });
  const password = field({ label: "Password", name: "password", type: "password", testid: "login-password", attrs: { required: true, autocomplete: "current-password" } });
  const submit = h("button", { type: "submit", class: "button", "data-testid": "login-submit" }, "Log in");
  const form = h("form", { class: "stack", novalidate: true, "data-testid": "login-form" }, formAlert("login-error"), email, password, submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ok = validateForm(form, {
      email: () => v.email(email.control.value),
      password: () => v.required(password.control.value, "Password"),
    });
    if (!ok) return;
    await busy(submit, async () => {
      try {
        const body = await post("/api/auth/login", { email: email.control.value.trim(), password: password.control.value });
        userLoggedIn(body.data.user, body.data.expires_in);
        const target = nextPath(query);
        location.hash = `#${target}`;
      } catch (err) {
        showApiError(form, err);
      }
    }, "Logging in…");
  });

  main.append(
    h(
      "section",
      { class: "card narrow" },
      h("h1", {}, "Log in"),
      query.expired ? h("p", { class: "notice", role: "status" }, "Your login expired. Please log in again.") : null,
      form,
      h("p", {}, "New to Coach? ", h("a", { href: "#/register" }, "Create an account"), "."),
    ),
  );
  email.control.focus();
}
