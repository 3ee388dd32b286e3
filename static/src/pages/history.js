import { get } from "../lib/api.js";
import { h, nextId } from "../lib/dom.js";
import { DIFFICULTIES, SESSION_TYPES, STATUSES, dateTime, label } from "../lib/format.js";
import { href, navigate } from "../lib/router.js";
import { scoreBadge } from "../interview/transcript.js";

const PER_PAGE = 10;
let refocus = null; // the filter that changed, focused again after the page redraws

function filterSelect(name, text, options, value) {
  const id = nextId(`filter-${name}`);
  const select = h("select", { id, name, "data-testid": `filter-${name}` }, h("option", { value: "" }, "All"), options.map(([v, t]) => h("option", { value: v }, t)));
  select.value = value || "";
  return h("div", { class: "field" }, h("label", { for: id }, text), select);
}

export async function render(main, { query }) {
  const page = Math.max(1, Number.parseInt(query.page, 10) || 1);
  const filters = { type: query.type || "", difficulty: query.difficulty || "", status: query.status || "" };
  const form = h(
    "form",
    { class: "filters", "data-testid": "history-filters", "aria-label": "Filter sessions" },
    filterSelect("type", "Type", SESSION_TYPES, filters.type),
    filterSelect("difficulty", "Difficulty", DIFFICULTIES, filters.difficulty),
    filterSelect("status", "Status", STATUSES, filters.status),
  );
  // Filters apply on change (no extra button needed); a hidden submit keeps Enter working.
  const apply = (event) => {
    event?.preventDefault();
    refocus = event?.target?.name || null;
    const data = Object.fromEntries(new FormData(form));
    navigate("/history", { ...data, page: 1 });
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", apply);
  const results = h("div", { class: "results", "aria-live": "polite", "aria-busy": "true" }, h("p", { class: "muted" }, "Loading sessions…"));
  main.append(
    h("section", { class: "card" }, h("div", { class: "section-head" }, h("h1", {}, "History"), h("a", { class: "button", href: "#/new" }, "New interview")), form, results),
  );
  if (refocus) form.elements[refocus]?.focus();
  refocus = null;

  let body;
  try {
    body = await get("/api/sessions", { page, per_page: PER_PAGE, ...filters });
  } catch (err) {
    results.replaceChildren(h("p", { class: "form-alert", role: "alert" }, err.message));
    results.setAttribute("aria-busy", "false");
    return;
  }
  const sessions = body.data || [];
  const pagination = body.pagination || { page, per_page: PER_PAGE, total: sessions.length };
  const pages = Math.max(1, Math.ceil((pagination.total || 0) / (pagination.per_page || PER_PAGE)));
  results.setAttribute("aria-busy", "false");
  if (!sessions.length) {
    const filtered = Object.values(filters).some(Boolean);
    results.replaceChildren(
      h("div", { class: "empty", "data-testid": "history-empty" }, h("p", {}, filtered ? "No sessions match these filters." : "No interviews yet."), h("a", { href: "#/new" }, "Start your first interview")),
    );
    return;
  }
  const rows = sessions.map((s) =>
    h(
      "tr",
      { "data-testid": "history-row", "data-session-id": s.id },
      h("td", {}, h("a", { href: `#/history/${encodeURIComponent(s.id)}` }, dateTime(s.created_at))),
      h("td", {}, label(s.type)),
      h("td", {}, label(s.difficulty)),
      h("td", {}, s.role || "—"),
      h("td", {}, h("span", { class: `status-pill ${s.status}` }, label(s.status))),
      h("td", { class: "num" }, scoreBadge(s.score)),
      h("td", { class: "num" }, s.total_questions ?? "—"),
      h("td", {}, s.status === "active" ? h("a", { href: `#/interview/${encodeURIComponent(s.id)}` }, "Resume") : null),
    ),
  );
  const pager = h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    page > 1 ? h("a", { class: "button secondary small", href: href("/history", { ...filters, page: page - 1 }), "data-testid": "history-prev", rel: "prev" }, "Previous") : h("span"),
    h("span", { "data-testid": "history-page" }, `Page ${page} of ${pages} · ${pagination.total} sessions`),
    page < pages ? h("a", { class: "button secondary small", href: href("/history", { ...filters, page: page + 1 }), "data-testid": "history-next", rel: "next" }, "Next") : h("span"),
  );
  results.replaceChildren(
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "table", "data-testid": "history-list" },
        h("caption", { class: "visually-hidden" }, "Your interview sessions"),
        h("thead", {}, h("tr", {}, ["Date", "Type", "Difficulty", "Role", "Status", "Score", "Questions"].map((t) => h("th", { scope: "col", class: t === "Score" || t === "Questions" ? "num" : null }, t)), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
        h("tbody", {}, rows),
      ),
    ),
    pager,
  );
}
