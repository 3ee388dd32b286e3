// Chart.js, loaded on demand (only the dashboard and the admin view draw charts).
let loading = null;

export function loadChart() {
  loading ||= import("./chart-setup.js").then((m) => m.Chart);
  return loading;
}

/** Colour-blind-friendly series colours (Okabe–Ito). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
