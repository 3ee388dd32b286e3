// Boot: load the user, draw the navigation, route hash changes to pages.
// Each page is `render(main, ctx) -> cleanup?`; the cleanup runs when the route changes.
import { onUnauthorized } from "./lib/api.js";
import { currentUser, loadUser, logout, onLoginLost, onUserChange, userExpired } from "./lib/auth.js";
import { h, replace } from "./lib/dom.js";
import { matchRoute, navigate, parseHash } from "./lib/router.js";
import * as admin from "./pages/admin.js";
import * as dashboard from "./pages/dashboard.js";
import * as historyDetail from "./pages/history-detail.js";
import * as history from "./pages/history.js";
import * as interview from "./pages/interview.js";
import * as login from "./pages/login.js";
import * as newInterview from "./pages/new-interview.js";
import * as notFound from "./pages/not-found.js";
import * as profile from "./pages/profile.js";
import * as register from "./pages/register.js";

const ROUTES = [
  { path: "/login", page: login, title: "Log in", guest: true },
  { path: "/register", page: register, title: "Create account", guest: true },
  { path: "/dashboard", page: dashboard, title: "Dashboard", auth: true, nav: "dashboard" },
  { path: "/new", page: newInterview, title: "New interview", auth: true, nav: "new" },
  { path: "/interview/:id", page: interview, title: "Interview", auth: true, nav: "new" },
  { path: "/history", page: history, title: "History", auth: true, nav: "history" },
  { path: "/history/:id", page: historyDetail, title: "Session", auth: true, nav: "history" },
  { path: "/profile", page: profile, title: "Profile", auth: true, nav: "profile" },
  { path: "/admin", page: admin, title: "Admin", auth: true, admin: true, nav: "admin" },
];

const main = document.getElementById("main");
const nav = document.getElementById("nav");
let cleanup = null;
let renderSeq = 0;

function drawNav(active) {
  const user = currentUser();
  const link = (key, path, text) =>
    h("a", { href: `#${path}`, "aria-current": active === key ? "page" : null, "data-testid": `nav-${key}` }, text);
  if (!user) {
    replace(nav, h("div", { class: "nav-links" }, link("login", "/login", "Log in"), link("register", "/register", "Create account")));
    return;
  }
  replace(
    nav,
    h(
      "div",
      { class: "nav-links" },
      link("dashboard", "/dashboard", "Dashboard"),
      link("new", "/new", "New interview"),
      link("history", "/history", "History"),
      link("profile", "/profile", "Profile"),
      user.role === "admin" ? link("admin", "/admin", "Admin") : null,
    ),
    h(
      "div",
      { class: "nav-user" },
      h("span", { class: "user-name", "data-testid": "nav-user" }, user.name || user.email),
      h(
        "button",
        {
          type: "button",
          class: "button secondary small",
          "data-testid": "logout-button",
          onclick: async () => {
            await logout();
            navigate("/login");
          },
        },
        "Log out",
      ),
    ),
  );
}

async function route() {
  const seq = ++renderSeq;
  const { path, query } = parseHash(location.hash);
  if (path === "/") return navigate(currentUser() ? "/dashboard" : "/login");
  const match = matchRoute(ROUTES, path);
  const user = currentUser();
  if (match?.route.auth && !user) return navigate("/login", { next: location.hash.slice(1) });
  if (match?.route.guest && user) return navigate("/dashboard");

  if (cleanup) {
    try {
      cleanup();
    } catch (err) {
      console.warn("page cleanup failed", err);
    }
    cleanup = null;
  }
  const route = match?.route;
  const page = !match ? notFound : route.admin && user?.role !== "admin" ? notFound : route.page;
  document.title = `${route && page !== notFound ? route.title : "Not found"} · Coach`;
  drawNav(route?.nav);
  // Each render draws into a view of its own: a slower render of an earlier route that finishes
  // late fills its own detached view, never the page the user is on now (no doubled forms).
  const view = h("div", { class: "view" });
  main.replaceChildren(view);
  main.className = `page page-${(route?.path || "missing").split("/")[1] || "home"}`;
  const result = page.render(view, { params: match?.params || {}, query, user });
  const done = result instanceof Promise ? await result : result;
  if (seq !== renderSeq) {
    // The user navigated away while the page was loading.
    if (typeof done === "function") done();
    return;
  }
  cleanup = typeof done === "function" ? done : null;
  const heading = main.querySelector("h1");
  if (heading && !main.contains(document.activeElement)) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

async function start() {
  document.querySelector("[data-skip-link]")?.addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  onUnauthorized(() => {
    if (!currentUser()) return;
    userExpired();
    navigate("/login", { next: location.hash.slice(1), expired: "1" });
  });
  // The login could not be renewed (logged out in another tab, or everywhere): back to the login page.
  onLoginLost(() => navigate("/login", { next: location.hash.slice(1), expired: "1" }));
  onUserChange(() => drawNav(matchRoute(ROUTES, parseHash(location.hash).path)?.route.nav));
  try {
    await loadUser();
  } catch (err) {
    replace(main, h("div", { class: "card error-card", role: "alert" }, h("h1", {}, "Coach is unavailable"), h("p", {}, err.message)));
    return;
  }
  window.addEventListener("hashchange", () => {
    if (!location.hash.startsWith("#/") && location.hash !== "") return;
    route();
  });
  route();
}

start();
