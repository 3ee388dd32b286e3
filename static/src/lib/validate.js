// Client-side checks that mirror the server's rules; each returns an error sentence or null.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function required(value, what = "This field") {
  return String(value ?? "").trim() ? null : `${what} is required.`;
}

export function email(value) {
  return required(value, "Email") || (EMAIL.test(String(value).trim()) ? null : "Enter a valid email address, like name@example.com.");
}

export function password(value) {
  const text = String(value ?? "");
  if (!text) return "Password is required.";
  if (text.length < 8) return "Password must be at least 8 characters.";
  if (text.length > 128) return "Password must be at most 128 characters.";
  return null;
}

export function duration(value) {
  const n = Number(value);
  if (String(value ?? "").trim() === "" || !Number.isInteger(n)) return "Duration must be a whole number of minutes.";
  if (n < 10 || n > 90) return "Duration must be between 10 and 90 minutes.";
  return null;
}

export function maxLength(value, max, what = "This field") {
  return String(value ?? "").length > max ? `${what} must be at most ${max} characters.` : null;
}
