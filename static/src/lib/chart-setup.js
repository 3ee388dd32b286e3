// Only the Chart.js parts the app draws (line charts), so the bundle stays small.
import {
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Tooltip, Legend);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.color = "#374151";
if (globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches) Chart.defaults.animation = false;

export { Chart };
