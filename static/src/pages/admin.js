// Admin live view: counts pushed over /ws/admin/live, drawn in place and as a small live chart,
// plus the key/values of GET /api/admin/stats.
import { getOptional } from "../lib/api.js";
import { onTokenRenewed, renewLogin } from "../lib/auth.js";
import { PALETTE, loadChart } from "../lib/charts.js";
import { h, replace } from "../lib/dom.js";
import { label } from "../lib/format.js";
import { LiveSocket, socketUrl } from "../lib/socket.js";

const WINDOW = 60; // points kept on the live chart
const METRICS = [
  ["open_sockets", "Open sockets", "admin-open-sockets"],
  ["active_sessions", "Active sessions", "admin-active-sessions"],
  ["evaluations_in_flight", "Evaluations in flight", "admin-evaluations"],
];

/** Flatten nested stats into [key path, display value] rows. */
export function flattenStats(value, prefix = "") {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [[prefix || "value", Array.isArray(value) ? value.map((v) => (typeof v === "object" ? JSON.stringify(v) : v)).join(", ") : value ?? "—"]];
  }
  return Object.entries(value).flatMap(([k, v]) => flattenStats(v, prefix ? `${prefix} › ${label(k)}` : label(k)));
}

export function render(main) {
  const values = Object.fromEntries(METRICS.map(([key, , testid]) => [key, h("dd", { "data-testid": testid }, "—")]));
  const updated = h("p", { class: "muted small", "data-testid": "admin-updated" }, "Waiting for data…");
  const status = h("span", { class: "conn-status connecting", "data-testid": "connection-status" }, "Connecting…");
  const canvas = h("canvas", { "data-testid": "admin-chart", role: "img", "aria-label": "Live counts over the last minutes" });
  const statsBox = h("div", { "data-testid": "admin-stats" }, h("p", { class: "muted" }, "Loading…"));
  main.append(
    h("div", { class: "section-head" }, h("h1", {}, "Admin: live view"), h("p", { class: "status-line", role: "status" }, status)),
    h(
      "section",
      { class: "card", "aria-labelledby": "live-h" },
      h("h2", { id: "live-h" }, "Right now"),
      h("dl", { class: "stats" }, METRICS.map(([key, text]) => h("div", { class: "stat" }, h("dt", {}, text), values[key]))),
      updated,
      h("div", { class: "chart-box" }, canvas),
    ),
    h("section", { class: "card", "aria-labelledby": "stats-h" }, h("h2", { id: "stats-h" }, "Totals"), statsBox),
  );

  let chart = null;
  const pending = [];
  function push(msg) {
    const at = msg.at ? new Date(msg.at) : new Date();
    const row = { label: at.toLocaleTimeString(), values: METRICS.map(([key]) => Number(msg[key]) || 0) };
    if (!chart) {
      pending.push(row);
      if (pending.length > WINDOW) pending.shift();
      return;
    }
    chart.data.labels.push(row.label);
    chart.data.datasets.forEach((d, i) => d.data.push(row.values[i]));
    if (chart.data.labels.length > WINDOW) {
      chart.data.labels.shift();
      chart.data.datasets.forEach((d) => d.data.shift());
    }
    chart.update("none");
  }

  const socket = new LiveSocket(socketUrl("/ws/admin/live"), {
    pingMs: 0,
    idleMs: 0,
    shouldReconnect: (event) => ![4001, 4003, 4401, 4403].includes(event.code),
    onAuthClose: () => renewLogin(), // the token expired or was revoked: renew, then reconnect quietly
    onStatus: (state) => {
      status.textContent = { connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", closed: "Disconnected" }[state] || state;
      status.className = `conn-status ${state}`;
    },
    onMessage: (msg) => {
      if (msg.type !== "admin.live") return;
      for (const [key] of METRICS) if (msg[key] !== undefined) values[key].textContent = String(msg[key]);
      updated.textContent = `Updated ${msg.at ? new Date(msg.at).toLocaleTimeString() : new Date().toLocaleTimeString()}`;
      push(msg);
    },
  });
  const stopRenewed = onTokenRenewed(() => socket.renew());
  socket.start();

  loadChart()
    .then((Chart) => {
      if (!canvas.isConnected) return;
      chart = new Chart(canvas, {
        type: "line",
        data: {
          labels: pending.map((r) => r.label),
          datasets: METRICS.map(([, text], i) => ({ label: text, data: pending.map((r) => r.values[i]), borderColor: PALETTE[i], backgroundColor: PALETTE[i], pointRadius: 0, tension: 0 })),
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
    })
    .catch(() => {});

  getOptional("/api/admin/stats")
    .then((body) => {
      if (!statsBox.isConnected) return;
      if (!body?.data) {
        replace(statsBox, h("p", { class: "muted" }, "No statistics available yet."));
        return;
      }
      replace(statsBox, h("dl", { class: "kv" }, flattenStats(body.data).map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, String(v))))));
    })
    .catch((err) => replace(statsBox, h("p", { class: "form-alert", role: "alert" }, err.message)));

  return () => {
    stopRenewed();
    socket.stop();
    chart?.destroy();
  };
}
