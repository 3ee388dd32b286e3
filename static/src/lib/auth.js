// Who is logged in: the cached /api/me profile, the periodic token refresh and logout.
// The token itself lives only in the httpOnly cookie; nothing here stores it.
import { ApiError, get, post, readCookie } from "./api.js";

// Renew at three quarters of the token's life: the server closes open sockets (4401) at its end.
const RENEW_AT = 0.75;
const EXPIRY_KEY = "coach:token";

let me = null;
let renewTimer = null;
let renewing = null;
const listeners = new Set();
const renewedListeners = new Set();
const lostListeners = new Set();

export function currentUser() {
  return me;
}

export function onUserChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called after the login cookie was renewed (in this tab or another): open sockets reconnect with it. */
export function onTokenRenewed(listener) {
  renewedListeners.add(listener);
  return () => renewedListeners.delete(listener);
}

/** Called when the login is gone for good (renewal refused): the app shows the login page. */
export function onLoginLost(listener) {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

function setUser(user) {
  me = user;
  if (me) scheduleRenewal();
  else stopRenewing();
  for (const listener of listeners) listener(me);
}

/** When the token's life ends, as told by login/refresh (`expires_in`); shared by the tabs of this browser. */
export function tokenTimes(storage = globalThis.localStorage) {
  try {
    const raw = JSON.parse(storage?.getItem(EXPIRY_KEY) || "null");
    return raw && Number.isFinite(raw.expiresAt) && Number.isFinite(raw.lifetimeMs) ? raw : null;
  } catch {
    return null;
  }
}

/** When to renew a token of this life that ends at `expiresAt` (never before now + 1 s). */
export function renewAt({ expiresAt, lifetimeMs }, now = Date.now()) {
  return Math.max(now + 1000, expiresAt - lifetimeMs * (1 - RENEW_AT));
}

function rememberExpiry(expiresIn) {
  const seconds = Number(expiresIn);
  if (!Number.isFinite(seconds) || seconds <= 0) return;
  try {
    globalThis.localStorage?.setItem(EXPIRY_KEY, JSON.stringify({ expiresAt: Date.now() + seconds * 1000, lifetimeMs: seconds * 1000 }));
  } catch {
    // Storage disabled: this tab still renews on its own timer.
  }
  scheduleRenewal();
}

/** Load the profile from the server; null when not logged in. */
export async function loadUser() {
  // Login sets the readable coach_csrf cookie beside the httpOnly token: without it nobody is
  // logged in, so skip the call (and the 401 it would log in the console).
  if (!readCookie("coach_csrf")) {
    setUser(null);
    return me;
  }
  try {
    const body = await get("/api/me");
    setUser(body.data);
    const times = tokenTimes();
    // Unknown or past expiry (a cookie renewed by the server on the way): renew now to learn it.
    if (!times || times.expiresAt <= Date.now()) renewLogin();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) setUser(null);
    else throw err;
  }
  return me;
}

export function userLoggedIn(user, expiresIn) {
  setUser(user);
  rememberExpiry(expiresIn);
}

export function userUpdated(user) {
  setUser(user);
}

/** The login expired elsewhere (a 401): forget the user. */
export function userExpired() {
  if (me) setUser(null);
}

export async function logout({ everywhere = false } = {}) {
  try {
    // Everywhere: every token of the user is revoked and their open sockets close on every device.
    await post(everywhere ? "/api/auth/logout-all" : "/api/auth/logout");
  } catch {
    // Already logged out or offline: either way the app forgets the user.
  }
  document.cookie = "coach_csrf=; Max-Age=0; Path=/; SameSite=Strict";
  try {
    globalThis.localStorage?.removeItem(EXPIRY_KEY);
  } catch {
    // nothing to forget
  }
  setUser(null);
}

function loginLost() {
  const had = Boolean(me);
  setUser(null);
  if (had) for (const listener of lostListeners) listener();
}

/**
 * Renew the login cookie (POST /api/auth/refresh). Resolves true when there is a valid login
 * afterwards (renewed here, or already renewed by another tab), false when it is gone (then the
 * login-lost listeners run). One renewal at a time, however many callers.
 */
export function renewLogin() {
  if (!renewing) {
    renewing = (async () => {
      try {
        const body = await post("/api/auth/refresh", {});
        if (body?.data?.user) me = { ...me, ...body.data.user };
        rememberExpiry(body?.data?.expires_in);
        for (const listener of renewedListeners) listener();
        return true;
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) return true; // offline: the socket retries
        // Another tab may have renewed the shared cookie first (the old token is then spent).
        try {
          await get("/api/me");
          return true;
        } catch {
          loginLost();
          return false;
        }
      } finally {
        renewing = null;
      }
    })();
  }
  return renewing;
}

function scheduleRenewal() {
  clearTimeout(renewTimer);
  renewTimer = null;
  if (!me) return;
  const times = tokenTimes();
  if (!times) return;
  const at = renewAt(times);
  renewTimer = setTimeout(() => {
    renewTimer = null;
    const latest = tokenTimes();
    // Another tab renewed in the meantime: wait for the new token's time instead.
    if (latest && renewAt(latest) > Date.now() + 1000) scheduleRenewal();
    else renewLogin();
  }, at - Date.now());
}

function onVisible() {
  // Timers are throttled in background tabs: catch up when the tab is seen again.
  const times = tokenTimes();
  if (document.visibilityState === "visible" && me && times && renewAt(times) <= Date.now() + 1000) renewLogin();
}

function onStorage(event) {
  if (event.key !== EXPIRY_KEY || !me) return;
  scheduleRenewal();
  if (event.newValue) for (const listener of renewedListeners) listener();
}

function stopRenewing() {
  clearTimeout(renewTimer);
  renewTimer = null;
}

globalThis.document?.addEventListener("visibilitychange", onVisible);
globalThis.addEventListener?.("storage", onStorage);
