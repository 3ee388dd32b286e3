import assert from "node:assert/strict";
import { test } from "node:test";
import { renewAt, tokenTimes } from "../src/lib/auth.js";
import { LiveSocket } from "../src/lib/socket.js";

class FakeWS {
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeWS.all.push(this);
  }
  send(data) { this.sent.push(JSON.parse(data)); }
  close(code) {
    this.readyState = 3;
    this.closedWith = code;
  }
  open() {
    this.readyState = 1;
    this.onopen();
  }
}

test("a token is renewed at three quarters of its life, never in the past", () => {
  assert.equal(renewAt({ expiresAt: 100_000, lifetimeMs: 40_000 }, 0), 90_000);
  assert.equal(renewAt({ expiresAt: 100_000, lifetimeMs: 40_000 }, 95_000), 96_000);
  const storage = { getItem: () => JSON.stringify({ expiresAt: 5, lifetimeMs: 10 }) };
  assert.deepEqual(tokenTimes(storage), { expiresAt: 5, lifetimeMs: 10 });
  assert.equal(tokenTimes({ getItem: () => "not json" }), null);
});

test("on a 4401 the socket renews the login and reconnects without reporting a break; drafts wait", async () => {
  FakeWS.all = [];
  const statuses = [];
  let renewals = 0;
  const socket = new LiveSocket("ws://x/ws", {
    WebSocketImpl: FakeWS, pingMs: 0, idleMs: 0, onStatus: (s) => statuses.push(s),
    onAuthClose: async () => { renewals += 1; return true; },
  });
  socket.start();
  FakeWS.all[0].open();
  FakeWS.all[0].readyState = 3;
  FakeWS.all[0].onclose({ code: 4401, reason: "token expired" });
  assert.equal(socket.send({ type: "answer.draft", seq: 2 }), true, "queued while renewing");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(renewals, 1);
  assert.equal(FakeWS.all.length, 2);
  FakeWS.all[1].open();
  assert.deepEqual(FakeWS.all[1].sent, [{ type: "answer.draft", seq: 2 }]);
  assert.deepEqual(statuses, ["connecting", "connected"], "no reconnecting or closed in between");
  socket.stop();
});

test("a refused renewal closes the socket for good", async () => {
  FakeWS.all = [];
  const statuses = [];
  const socket = new LiveSocket("ws://x/ws", {
    WebSocketImpl: FakeWS, pingMs: 0, idleMs: 0, onStatus: (s, info) => statuses.push([s, info.code]),
    onAuthClose: async () => false,
  });
  socket.start();
  FakeWS.all[0].open();
  FakeWS.all[0].onclose({ code: 4401, reason: "logged out" });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(FakeWS.all.length, 1);
  assert.deepEqual(statuses.at(-1), ["closed", 4401]);
  assert.equal(socket.send({ type: "ping" }), false);
});

test("renew() swaps the connection quietly after the login was renewed", () => {
  FakeWS.all = [];
  const statuses = [];
  const socket = new LiveSocket("ws://x/ws", { WebSocketImpl: FakeWS, pingMs: 0, idleMs: 0, onStatus: (s) => statuses.push(s) });
  socket.start();
  FakeWS.all[0].open();
  socket.renew();
  assert.equal(FakeWS.all[0].closedWith, 1000);
  assert.equal(socket.send({ type: "ping" }), true);
  FakeWS.all[1].open();
  assert.deepEqual(FakeWS.all[1].sent, [{ type: "ping" }]);
  assert.deepEqual(statuses, ["connecting", "connected"]);
  socket.stop();
});
