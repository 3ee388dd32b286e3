// The fetch wrapper: same-origin cookies, JSON in and out, CSRF header on every state-changing call,
// and one error type carrying the server's {error, message, field}.

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ApiError extends Error {
  constructor(status, { error = "error", message, field = null } = {}) {
    super(message || defaultMessage(status));
    this.name = "ApiError";
    this.status = status;
    this.code = error;
    this.field = field;
  }
}

function defaultMessage(status) {
  if (status === 0) return "Could not reach the server. Check your connection and try again.";
  if (status === 401) return "Please log in again.";
  if (status === 403) return "You are not allowed to do that.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many attempts. Wait a minute and try again.";
  if (status >= 500) return "The server had a problem. Please try again.";
  return "The request failed.";
}

/** Read one cookie by name from a cookie string (document.cookie by default). */
export function readCookie(name, cookies = globalThis.document?.cookie ?? "") {
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return part.slice(eq + 1).trim();
      }
    }
  }
  return null;
}

/** Build "path?query" from an object, leaving out empty values. */
export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

const unauthorizedListeners = new Set();
/** Called with the ApiError whenever a non-auth call answers 401 (the login has expired). */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/**
 * Call the API. Resolves with the whole envelope ({data, message, pagination?});
 * rejects with ApiError (status 0 for network failures).
 */
export async function api(path, { method = "GET", body, query, signal, fetchImpl = globalThis.fetch } = {}) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", signal };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (UNSAFE.has(method.toUpperCase())) {
    const csrf = readCookie("coach_csrf");
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  let response;
  try {
    response = await fetchImpl(withQuery(path, query), init);
  } catch (err) {
    if (err?.name === "AbortError") throw err;
    throw new ApiError(0, {});
  }
  let payload = null;
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) {
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, payload && typeof payload === "object" ? payload : {});
    if (response.status === 401 && !path.startsWith("/api/auth/")) {
      for (const listener of unauthorizedListeners) listener(error);
    }
    throw error;
  }
  return payload ?? { data: null };
}

export const get = (path, query, opts) => api(path, { ...opts, query });
export const post = (path, body, opts) => api(path, { ...opts, method: "POST", body });
export const patch = (path, body, opts) => api(path, { ...opts, method: "PATCH", body });

/** GET that treats 404 (an endpoint not built yet, or no data) as null instead of an error. */
export async function getOptional(path, query, opts) {
  try {
    return await get(path, query, opts);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
