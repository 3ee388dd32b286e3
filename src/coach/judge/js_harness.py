"""The JavaScript harness: the candidate's script runs in a worker thread with a deep stack, all cases in it."""

from __future__ import annotations

# The main thread only reads stdin and starts the worker: a worker's stack size can be set safely,
# and a recursive tree walk over a 10^4-deep chain needs more than Node's default.
SOURCE = r"""
"use strict";
const { Worker, isMainThread, workerData } = require("worker_threads");
const fs = require("fs");

if (isMainThread) {
  const payload = fs.readFileSync(0, "utf8");
  const worker = new Worker(__filename, { workerData: payload, resourceLimits: { stackSizeMb: 256 }, stdout: false });
  worker.on("error", (e) => { fs.writeSync(2, "harness worker failed: " + (e && e.stack || e) + "\n"); process.exitCode = 1; });
} else {
  const vm = require("vm");
  const payload = JSON.parse(workerData);
  const marker = payload.marker;
  const CAP = 4000;
  // stdout may be a non-blocking pipe: a large record meets EAGAIN until the reader catches up.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const emit = (rec) => {
    const buf = Buffer.from(marker + " " + JSON.stringify(rec) + "\n");
    let off = 0;
    while (off < buf.length) {
      try { off += fs.writeSync(1, buf, off, buf.length - off); }
      catch (e) { if (e.code !== "EAGAIN") throw e; Atomics.wait(pause, 0, 0, 2); }
    }
  };
  let captured = "";
  let capturedSize = 0;
  const capture = (...parts) => {
    const text = parts.map((p) => (typeof p === "string" ? p : safeInspect(p))).join(" ") + "\n";
    if (capturedSize < CAP) captured += text.slice(0, CAP - capturedSize);
    capturedSize += text.length;
  };
  const safeInspect = (v) => { try { return require("util").inspect(v); } catch (e) { return String(v); } };
  const takeCaptured = () => {
    const extra = capturedSize - CAP;
    const text = captured + (extra > 0 ? "\n... (" + extra + " more characters)" : "");
    captured = ""; capturedSize = 0;
    return text;
  };
  console.log = capture; console.info = capture; console.warn = capture; console.error = capture; console.debug = capture;
  process.stdout.write = (chunk) => { capture(String(chunk).replace(/\n$/, "")); return true; };

  function ListNode(val, next) { this.val = val === undefined ? 0 : val; this.next = next === undefined ? null : next; }
  function TreeNode(val, left, right) {
    this.val = val === undefined ? 0 : val; this.left = left === undefined ? null : left; this.right = right === undefined ? null : right;
  }
  globalThis.ListNode = ListNode;
  globalThis.TreeNode = TreeNode;
  globalThis.require = require;

  class Bad extends Error {}
  const toList = (vals) => { let head = null; for (let i = vals.length - 1; i >= 0; i--) head = new ListNode(vals[i], head); return head; };
  const toTree = (vals) => {
    if (!vals.length || vals[0] === null) return null;
    const nodes = vals.map((v) => (v === null ? null : new TreeNode(v)));
    const kids = [nodes[0]]; let pos = 1;
    for (let k = 0; k < kids.length; k++) {
      const node = kids[k];
      for (const side of ["left", "right"]) {
        if (pos < nodes.length) { node[side] = nodes[pos]; if (nodes[pos] !== null) kids.push(nodes[pos]); pos++; }
      }
    }
    return nodes[0];
  };
  const records = payload.records || {};
  const norm = (name) => name.replace(/_/g, "").toLowerCase();
  const recordArg = (t, v) => {
    const rec = records[t.name];
    const values = rec.fields.map((f, i) => arg(rec.items[i], v[f]));
    if ((payload.entry.records || {})[t.name] === "array") return values;
    return Object.fromEntries(rec.fields.map((f, i) => [f, values[i]]));
  };
  const recordOut = (t, v) => {
    const rec = records[t.name];
    if (Array.isArray(v)) {
      if (v.length !== rec.fields.length) throw new Bad("returned " + v.length + " values for a " + t.name + " of " + rec.fields.length + " fields");
      return Object.fromEntries(rec.fields.map((f, i) => [f, out(rec.items[i], v[i])]));
    }
    if (typeof v !== "object" || v instanceof Map || v instanceof Set) throw new Bad("returned " + kindOf(v) + " where a " + t.name + " object was expected");
    const keys = {};
    for (const k of Object.keys(v)) keys[norm(k)] = k;
    return Object.fromEntries(rec.fields.map((f, i) => {
      const key = f in v ? f : keys[norm(f)];
      if (key === undefined && rec.items[i].kind === "optional") return [f, null];
      if (key === undefined) throw new Bad("the returned " + t.name + " has no field " + f + " (it has " + rec.fields.join(", ") + ")");
      return [f, out(rec.items[i], v[key])];
    }));
  };
  const arg = (t, v) => {
    if (v === null || v === undefined) return null;
    if (t.kind === "record") return recordArg(t, v);
    if (t.kind === "ListNode") return toList(v);
    if (t.kind === "TreeNode") return toTree(v);
    if (t.kind === "array" || t.kind === "list") return v.map((x) => arg(t.items[0], x));
    if (t.kind === "optional") return arg(t.items[0], v);
    if (t.kind === "map") {
      // JSON object keys are text; a Map (entry.maps = "Map") gets numbers for int keys.
      const [kt, vt] = t.items;
      const entries = Object.entries(v).map(([k, x]) => [k, arg(vt, x)]);
      if (payload.entry.maps !== "Map") return Object.fromEntries(entries);
      const numeric = kt.kind === "int" || kt.kind === "long";
      return new Map(entries.map(([k, x]) => [numeric ? Number(k) : k, x]));
    }
    if (t.kind === "set") return new Set(v.map((x) => arg(t.items[0], x)));
    return v;
  };
  const kindOf = (v) => (v === null ? "null" : Array.isArray(v) ? "an array" : v instanceof Map ? "a Map" : v instanceof Set ? "a Set" : typeof v);
  const jsonOut = (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
    if (Array.isArray(v)) return v.map((x) => jsonOut(x));
    if (typeof v !== "object" || v instanceof Map || v instanceof Set) throw new Bad("returned " + kindOf(v) + " inside a JSON value (use plain objects and arrays)");
    // As JSON.stringify: a property that is undefined is left out.
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, jsonOut(x)]));
  };
  const out = (t, v) => {
    if ((t.kind === "ListNode" || t.kind === "TreeNode") && (v === null || v === undefined)) return [];
    if (t.kind === "void" || v === null || v === undefined) return null;
    if (t.kind === "ListNode") {
      const vals = [];
      while (v !== null && v !== undefined) { if (vals.length >= 1000000) throw new Bad("the returned list has a cycle (or over 10^6 nodes)"); vals.push(v.val); v = v.next; }
      return vals;
    }
    if (t.kind === "TreeNode") {
      const vals = []; const queue = [v];
      for (let at = 0; at < queue.length; at++) {
        if (at > 2000000) throw new Bad("the returned tree is too large or has a cycle");
        const node = queue[at];
        if (node === null || node === undefined) { vals.push(null); continue; }
        vals.push(node.val); queue.push(node.left === undefined ? null : node.left, node.right === undefined ? null : node.right);
      }
      while (vals.length && vals[vals.length - 1] === null) vals.pop();
      return vals;
    }
    if (t.kind === "optional") return out(t.items[0], v);
    if (t.kind === "record") return recordOut(t, v);
    if (t.kind === "json") return jsonOut(v);
    if (t.kind === "map") {
      let entries;
      if (v instanceof Map) entries = Array.from(v.entries());
      else if (typeof v === "object" && !Array.isArray(v) && !(v instanceof Set)) entries = Object.entries(v);
      else throw new Bad("returned " + kindOf(v) + " where a Map or an object was expected");
      return Object.fromEntries(entries.map(([k, x]) => [String(k), out(t.items[1], x)]));
    }
    if (t.kind === "set") {
      if (typeof v !== "object" || v instanceof Map || typeof v[Symbol.iterator] !== "function") throw new Bad("returned " + kindOf(v) + " where a Set was expected");
      return Array.from(v, (x) => out(t.items[0], x));
    }
    if (t.kind === "array" || t.kind === "list" || t.kind === "tuple") {
      if (typeof v === "string" || typeof v[Symbol.iterator] !== "function") throw new Bad("returned " + typeof v + " where a list was expected");
      const items = Array.from(v);
      if (t.kind === "tuple") {
        if (items.length !== t.items.length) throw new Bad("returned " + items.length + " values where " + t.items.length + " were expected");
        return items.map((x, i) => out(t.items[i], x));
      }
      return items.map((x) => out(t.items[0], x));
    }
    if (typeof v === "bigint") return Number(v);
    if (["number", "string", "boolean"].includes(typeof v)) return v;
    throw new Bad("returned " + typeof v + ", which is not a " + t.kind);
  };
  const where = (e) => {
    if (!(e instanceof Error)) return "threw " + String(e);
    const line = (e.stack || "").split("\n").find((l) => l.includes("solution.js:"));
    const m = line && line.match(/solution\.js:(\d+)/);
    return e.name + ": " + e.message + (m ? " (line " + m[1] + ")" : "");
  };

  const entry = payload.entry;
  let target;
  try {
    const code = fs.readFileSync("solution.js", "utf8");
    new vm.Script(code, { filename: "solution.js" }).runInThisContext();
    const name = payload.kind === "function" ? entry.name : entry.class;
    target = new vm.Script("typeof " + name + " === 'undefined' ? undefined : " + name, { filename: "lookup.js" }).runInThisContext();
    if (typeof target !== "function") {
      emit({ load_error: "no " + (payload.kind === "function" ? "function" : "class") + " named " + name + " is defined", stdout: takeCaptured() });
      process.exit(0);
    }
    if (payload.driver) {
      // The spec's trusted driver calls the code (same global scope); JudgeBad fails a case without counting as raising.
      globalThis.JudgeBad = Bad;
      new vm.Script(fs.readFileSync("driver.js", "utf8"), { filename: "driver.js" }).runInThisContext();
      target = new vm.Script("judgeDriver", { filename: "lookup.js" }).runInThisContext();
    }
  } catch (e) {
    let text = where(e);
    if (e instanceof SyntaxError) {
      const m = (e.stack || "").match(/solution\.js:(\d+)/);
      text = "SyntaxError: " + e.message + (m ? " (line " + m[1] + ")" : "");
    }
    emit({ load_error: text, stdout: takeCaptured() });
    process.exit(0);
  }
  emit({ ready: true, stdout: takeCaptured() });

  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const callFunction = (args) => {
    const values = payload.params.map((t, i) => arg(t, args[i]));
    const started = now();
    const result = target(...values);
    const took = now() - started;
    if (payload.mutates >= 0) return [out(payload.params[payload.mutates], values[payload.mutates]), took];
    return [out(payload.returns, result), took];
  };
  const callDesign = (args) => {
    const [ops, calls] = args;
    const results = [null];
    const ctor = payload.constructor.map((t, i) => arg(t, calls[0][i]));
    let started = now();
    const obj = new target(...ctor);
    let took = now() - started;
    for (let k = 1; k < ops.length; k++) {
      const method = payload.methods[ops[k]];
      const name = entry.methods[ops[k]];
      if (typeof obj[name] !== "function") throw new Bad(entry.class + " has no method " + name);
      const values = method.params.map((t, i) => arg(t, calls[k][i]));
      started = now();
      let result;
      try { result = obj[name](...values); } catch (e) { if (e instanceof Error) e.message += " at call " + (k + 1) + ": " + ops[k]; throw e; }
      took += now() - started;
      results.push(out(method.returns, result));
    }
    return [results, took];
  };
  // A driver may return a promise (asynchronous code under test): the case waits for it.
  const callDriver = async (args) => {
    const values = payload.params.map((t, i) => arg(t, args[i]));
    const started = now();
    let result = target(...values);
    if (result !== null && typeof result === "object" && typeof result.then === "function") result = await result;
    const took = now() - started;
    return [out(payload.returns, result), took];
  };
  const run = payload.kind === "function" ? callFunction : callDesign;
  (async () => {
    for (const c of payload.cases) {
      const rec = { i: c.i };
      try {
        const [value, took] = payload.driver ? await callDriver(c.args) : run(c.args);
        rec.ok = true; rec.out = value; rec.ms = took;
      } catch (e) {
        rec.ok = false;
        rec.raised = !(e instanceof Bad);
        rec.err = e instanceof Bad ? e.message : where(e);
      }
      rec.stdout = takeCaptured();
      emit(rec);
    }
    emit({ done: true });
  })();
}
"""

# Beside the worker's 256 MB stack the heap must stay under the sandbox's memory limit.
ARGV: tuple[str, ...] = ("node", "--max-old-space-size=384", "harness.js")
FILE = "solution.js"
DRIVER_FILE = "driver.js"
