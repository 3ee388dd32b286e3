import assert from "node:assert/strict";
import { test } from "node:test";
import { flattenStats } from "../src/pages/admin.js";

test("admin stats flatten into labelled rows whatever their shape", () => {
  assert.deepEqual(flattenStats({ users: 3, sessions: { active: 1, by_type: { coding: 2 } }, models: ["a", "b"], note: null }), [
    ["Users", 3],
    ["Sessions › Active", 1],
    ["Sessions › By type › Coding", 2],
    ["Models", "a, b"],
    ["Note", "—"],
  ]);
});
