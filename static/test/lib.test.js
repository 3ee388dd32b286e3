import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, api, readCookie, withQuery } from "../src/lib/api.js";
import { clock, label, score } from "../src/lib/format.js";
import { href, matchRoute, parseHash } from "../src/lib/router.js";
import { LiveSocket, backoffDelay } from "../src/lib/socket.js";
import * as v from "../src/lib/validate.js";

test("readCookie finds one cookie and decodes it", () => {
  assert.equal(readCookie("coach_csrf", "a=1; coach_csrf=abc%3D%3D; b=2"), "abc==");
  assert.equal(readCookie("coach_csrf", "coach_csrf_other=1"), null);
});

function fakeFetch(status, body, calls) {
  return async (url, init) => {
    calls.push({ url, init });
    return { ok: status < 400, status, headers: { get: () => "application/json" }, json: async () => body };
  };
}

test("unsafe requests carry the CSRF header; safe ones do not", async () => {
  globalThis.document = { cookie: "coach_csrf=tok123" };
  const calls = [];
  await api("/api/me", { method: "PATCH", body: { name: "A" }, fetchImpl: fakeFetch(200, { data: {} }, calls) });
  await api("/api/me", { fetchImpl: fakeFetch(200, { data: {} }, calls) });
  assert.equal(calls[0].init.headers["X-CSRF-Token"], "tok123");
  assert.equal(calls[0].init.credentials, "same-origin");
  assert.equal(calls[0].init.body, '{"name":"A"}');
  assert.equal(calls[1].init.headers["X-CSRF-Token"], undefined);
  delete globalThis.document;
});

test("errors carry the server's code, message and field", async () => {
  const calls = [];
  await assert.rejects(
    api("/api/auth/register", { method: "POST", body: {}, fetchImpl: fakeFetch(409, { error: "email_taken", message: "That email is taken.", field: "email" }, calls) }),
    (err) => err instanceof ApiError && err.status === 409 && err.code === "email_taken" && err.field === "email" && err.message === "That email is taken.",
  );
  await assert.rejects(api("/x", { fetchImpl: async () => { throw new TypeError("offline"); } }), (err) => err.status === 0);
});

test("withQuery leaves out empty values", () => {
  assert.equal(withQuery("/api/sessions", { page: 2, type: "", status: null, difficulty: "easy" }), "/api/sessions?page=2&difficulty=easy");
});

test("routes match with params and queries", () => {
  assert.deepEqual(parseHash("#/history/abc?page=2"), { path: "/history/abc", query: { page: "2" } });
  assert.deepEqual(parseHash(""), { path: "/", query: {} });
  const routes = [{ path: "/history" }, { path: "/history/:id" }];
  assert.deepEqual(matchRoute(routes, "/history/a%20b").params, { id: "a b" });
  assert.equal(matchRoute(routes, "/nope"), null);
  assert.equal(href("/history", { type: "coding", page: "" }), "#/history?type=coding");
});

test("backoff grows exponentially with jitter and a cap", () => {
  assert.equal(backoffDelay(0, { random: () => 0 }), 250);
  assert.equal(backoffDelay(0, { random: () => 1 }), 500);
  assert.equal(backoffDelay(3, { random: () => 1 }), 4000);
  assert.equal(backoffDelay(30, { random: () => 1 }), 30_000);
  assert.ok(backoffDelay(30, { random: () => 0 }) >= 15_000);
});

test("the socket reconnects after a drop and stops on a fatal close", async () => {
  const sockets = [];
  class FakeWS {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      sockets.push(this);
    }
    send(data) { this.sent.push(data); }
    close() { this.readyState = 3; }
  }
  const statuses = [];
  const messages = [];
  const socket = new LiveSocket("ws://x/ws", { WebSocketImpl: FakeWS, pingMs: 0, idleMs: 0, onStatus: (s) => statuses.push(s), onMessage: (m) => messages.push(m), shouldReconnect: (e) => e.code !== 4403 });
  socket.start();
  sockets[0].readyState = 1;
  sockets[0].onopen();
  assert.equal(socket.send({ type: "ping" }), true);
  sockets[0].onmessage({ data: '{"type":"pong"}' });
  assert.deepEqual(messages, [{ type: "pong" }]);
  sockets[0].readyState = 3;
  sockets[0].onclose({ code: 1006 });
  assert.equal(statuses.at(-1), "reconnecting");
  assert.equal(socket.send({ type: "ping" }), false);
  socket.reconnectNow();
  assert.equal(sockets.length, 2);
  sockets[1].onclose({ code: 4403 });
  assert.equal(statuses.at(-1), "closed");
  socket.stop();
});

test("going offline drops an open socket at once and reconnects when back online", () => {
  const sockets = [];
  class FakeWS {
    constructor() {
      this.readyState = 0;
      sockets.push(this);
    }
    send() {}
    close(code) {
      this.readyState = 3;
      this.closedWith = code;
    }
  }
  const statuses = [];
  const socket = new LiveSocket("ws://x/ws", { WebSocketImpl: FakeWS, pingMs: 0, idleMs: 0, onStatus: (s) => statuses.push(s) });
  socket.start();
  sockets[0].readyState = 1;
  sockets[0].onopen();
  socket.onOffline();
  assert.equal(sockets[0].closedWith, 4000);
  assert.equal(sockets[0].onclose, null);
  assert.equal(statuses.at(-1), "reconnecting");
  assert.equal(socket.connected, false);
  socket.onOffline(); // nothing left to drop
  assert.equal(sockets.length, 1);
  socket.onOnline();
  assert.equal(sockets.length, 2);
  socket.stop();
  assert.equal(statuses.at(-1), "closed");
});

test("validation rules", () => {
  assert.equal(v.email("a@b.co"), null);
  assert.match(v.email("nope"), /valid email/);
  assert.match(v.password("short"), /at least 8/);
  assert.equal(v.password("long enough"), null);
  assert.equal(v.duration("10"), null);
  assert.equal(v.duration("90"), null);
  assert.match(v.duration("9"), /between 10 and 90/);
  assert.match(v.duration("91"), /between 10 and 90/);
  assert.match(v.duration("12.5"), /whole number/);
});

test("formatting", () => {
  assert.equal(label("system_design"), "System design");
  assert.equal(label("dynamic_programming"), "Dynamic programming");
  assert.equal(score(7.25), "7.3");
  assert.equal(score(null), "—");
  assert.equal(clock(65_000), "1:05");
  assert.equal(clock(3_600_000 + 5_000), "1:00:05");
  assert.equal(clock(-5), "0:00");
});
