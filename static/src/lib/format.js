// Labels and formatting shared by the pages.

export const SESSION_TYPES = [
  ["behavioral", "Behavioral"],
  ["technical", "Technical"],
  ["coding", "Coding"],
  ["system_design", "System design"],
  ["mixed", "Mixed"],
];
export const DIFFICULTIES = [
  ["easy", "Easy"],
  ["medium", "Medium"],
  ["hard", "Hard"],
];
export const LANGUAGES = [
  ["python", "Python"],
  ["javascript", "JavaScript"],
  ["java", "Java"],
  ["go", "Go"],
];
export const LEVELS = [
  ["junior", "Junior"],
  ["mid", "Mid-level"],
  ["senior", "Senior"],
  ["staff", "Staff"],
];
export const STATUSES = [
  ["active", "Active"],
  ["completed", "Completed"],
];

const ALL = new Map([...SESSION_TYPES, ...DIFFICULTIES, ...LANGUAGES, ...LEVELS, ...STATUSES]);

/** Human label for an enum value ("system_design" -> "System design"). */
export function label(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (ALL.has(value)) return ALL.get(value);
  const text = String(value).replace(/[_-]+/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A score out of 10 with one decimal, or a dash. */
export function score(value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "—";
  return (Math.round(Number(value) * 10) / 10).toFixed(1);
}

export function dateTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function shortDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

/** mm:ss (or h:mm:ss) from milliseconds, never negative. */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h ? 2 : 1, "0");
  const ss = String(s).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
