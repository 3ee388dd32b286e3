// Who is logged in: the cached /api/me profile, the periodic token refresh and logout.
// The token itself lives only in the httpOnly cookie; nothing here stores it.
import { ApiError, get, post, readCookie } from "./api.js";

const REFRESH_EVERY_MS = 10 * 60 * 1000;

let me = null;
let refreshTimer = null;
let lastRefresh = 0;
const listeners = new Set();

export function currentUser() {
  return me;
}

export function onUserChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setUser(user) {
  me = user;
  if (me) startRefreshing();
  else stopRefreshing();
  for (const listener of listeners) listener(me);
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
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) setUser(null);
    else throw err;
  }
  return me;
}

export function userLoggedIn(user) {
  lastRefresh = Date.now();
  setUser(user);
}

export function userUpdated(user) {
  setUser(user);
}

/** The login expired elsewhere (a 401): forget the user. */
export function userExpired() {
  if (me) setUser(null);
}

export async function logout() {
  try {
    await post("/api/auth/logout");
  } catch {
    // Already logged out or offline: either way the app forgets the user.
  }
  document.cookie = "coach_csrf=; Max-Age=0; Path=/; SameSite=Strict";
  setUser(null);
}

async function refresh() {
  try {
    const body = await post("/api/auth/refresh");
    lastRefresh = Date.now();
    if (body?.data?.user) me = { ...me, ...body.data.user };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) setUser(null);
    // Network errors: try again on the next tick.
  }
}

function onVisible() {
  if (document.visibilityState === "visible" && me && Date.now() - lastRefresh >= REFRESH_EVERY_MS) refresh();
}

function startRefreshing() {
  if (refreshTimer) return;
  if (!lastRefresh) lastRefresh = Date.now();
  refreshTimer = setInterval(() => {
    if (Date.now() - lastRefresh >= REFRESH_EVERY_MS - 1000) refresh();
  }, 60 * 1000);
  document.addEventListener("visibilitychange", onVisible);
}

function stopRefreshing() {
  clearInterval(refreshTimer);
  refreshTimer = null;
  lastRefresh = 0;
  document.removeEventListener("visibilitychange", onVisible);
}
