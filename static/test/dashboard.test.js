import assert from "node:assert/strict";
import { test } from "node:test";
import { overview, rankedSkills, scoreSeries, skillAverages, weakest } from "../src/pages/dashboard.js";
import { defaults } from "../src/pages/new-interview.js";

const sessions = [
  { id: "a", status: "completed", score: 6, created_at: "2026-11-02T10:00:00Z", skill_scores: { sql: 4, apis: 8 } },
  { id: "b", status: "completed", score: 8, created_at: "2026-11-01T10:00:00Z", skill_scores: { sql: 6 } },
  { id: "c", status: "active", score: null, created_at: "2026-11-03T10:00:00Z", skill_scores: {} },
];

test("overview falls back to numbers computed from sessions", () => {
  const o = overview(null, sessions);
  assert.equal(o.sessions_completed, 2);
  assert.equal(o.average_score, 7);
  assert.equal(o.best_score, 8);
  assert.deepEqual(overview({ sessions_completed: 9 }, sessions), { sessions_completed: 9 });
});

test("score series come from progress, else from scored sessions oldest first", () => {
  const fallback = scoreSeries(null, sessions);
  assert.deepEqual(fallback.datasets[0].data, [8, 6]);
  const progress = { series: [{ type: "coding", points: [{ bucket: "2026-11-23", average_score: 5, count: 1 }] }, { type: "behavioral", points: [{ bucket: "2026-11-16", average_score: 7, count: 2 }] }] };
  const s = scoreSeries(progress, sessions);
  assert.equal(s.labels.length, 2);
  assert.deepEqual(s.datasets.map((d) => d.data), [[null, 5], [7, null]]);
});

test("skills and weakest skills fall back to session skill scores", () => {
  const skills = skillAverages(null, sessions);
  assert.deepEqual(skills.find((s) => s.skill === "sql"), { skill: "sql", average: 5, samples: 2, trend: 0 });
  const weak = weakest(null, skills, null, { target_role: "backend engineer" });
  assert.equal(weak[0].skill, "sql");
  assert.equal(weak[0].session.role, "backend engineer");
  const recs = [{ skill: "x", reason: "r", session: { type: "coding", difficulty: "hard", duration_minutes: 30, role: "dev" } }];
  assert.deepEqual(weakest(recs, skills, null, null), recs);
});

test("new-interview defaults come from the query, then the profile", () => {
  const me = { preferred_types: ["coding"], experience_level: "senior", target_role: "backend engineer", preferred_language: "go" };
  assert.deepEqual(defaults(me), { type: "coding", difficulty: "hard", duration_minutes: 30, role: "backend engineer", language: "go" });
  assert.deepEqual(defaults(null, { type: "behavioral", difficulty: "easy", duration_minutes: "45" }), { type: "behavioral", difficulty: "easy", duration_minutes: 45, role: "software engineer", language: "python" });
});

test("skills are ranked: all of a few, or the five strongest and five weakest of many", () => {
  const few = [{ skill: "b", average: 4 }, { skill: "a", average: 9 }];
  assert.deepEqual(rankedSkills(few).strongest.map((s) => s.skill), ["a", "b"]);
  assert.deepEqual(rankedSkills(few).weakest, []);
  const many = Array.from({ length: 14 }, (_, i) => ({ skill: `s${String(i).padStart(2, "0")}`, average: i / 2 }));
  const r = rankedSkills(many);
  assert.deepEqual(r.strongest.map((s) => s.average), [6.5, 6, 5.5, 5, 4.5]);
  assert.deepEqual(r.weakest.map((s) => s.average), [2, 1.5, 1, 0.5, 0]);
  assert.equal(r.all.length, 14);
});
