// Dashboard: overview numbers, recent sessions, score over time, ranked skills and the weakest
// skills with a one-click targeted session. Analytics endpoints may be missing (404): each panel
// then falls back to what the sessions list shows, or an empty state.
import { getOptional } from "../lib/api.js";
import { loadUser } from "../lib/auth.js";
import { PALETTE, loadChart } from "../lib/charts.js";
import { h, replace } from "../lib/dom.js";
import { busy } from "../lib/forms.js";
import { dateTime, label, score, shortDate } from "../lib/format.js";
import { scoreBadge } from "../interview/transcript.js";
import { startSession } from "./new-interview.js";

const data = (body) => (body && body.data !== undefined ? body.data : null);

/** Overview numbers from /api/analytics/summary, or computed from a page of sessions. */
export function overview(summary, sessions) {
  if (summary) return summary;
  const done = sessions.filter((s) => s.status === "completed");
  const scored = sessions.map((s) => s.score).filter((x) => typeof x === "number");
  return {
    sessions_completed: done.length,
    questions_answered: null,
    average_score: scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : null,
    best_score: scored.length ? Math.max(...scored) : null,
    streak_days: null,
  };
}

/** Chart.js line data from the progress series, or from scored sessions (oldest first). */
export function scoreSeries(progress, sessions) {
  const series = (progress?.series || []).filter((s) => s.points?.length);
  if (series.length) {
    const buckets = [...new Set(series.flatMap((s) => s.points.map((p) => p.bucket)))].sort();
    return {
      labels: buckets.map(shortDate),
      datasets: series.map((s, i) => {
        const byBucket = new Map(s.points.map((p) => [p.bucket, p.average_score]));
        return { label: label(s.type), data: buckets.map((b) => byBucket.get(b) ?? null), color: PALETTE[i % PALETTE.length] };
      }),
    };
  }
  const scored = sessions.filter((s) => typeof s.score === "number").sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  return {
    labels: scored.map((s) => shortDate(s.created_at)),
    datasets: scored.length ? [{ label: "Session score", data: scored.map((s) => s.score), color: PALETTE[0] }] : [],
  };
}

/** Per-skill averages from /api/analytics/skills, or from the sessions' own skill scores. */
export function skillAverages(skills, sessions) {
  if (skills?.length) return skills;
  const sums = new Map();
  for (const s of sessions) {
    for (const [skill, value] of Object.entries(s.skill_scores || {})) {
      if (typeof value !== "number") continue;
      const entry = sums.get(skill) || { total: 0, samples: 0 };
      entry.total += value;
      entry.samples += 1;
      sums.set(skill, entry);
    }
  }
  return [...sums].map(([skill, { total, samples }]) => ({ skill, average: total / samples, samples, trend: 0 }));
}

/** Weakest skills with the session to practise each: recommendations, else the lowest skill averages. */
export function weakest(recommendations, skills, summary, me) {
  if (recommendations?.length) return recommendations.slice(0, 3);
  const fallbackSession = { type: "mixed", difficulty: "medium", duration_minutes: 20, role: me?.target_role || "software engineer" };
  if (skills?.length) {
    return [...skills]
      .sort((a, b) => a.average - b.average)
      .slice(0, 3)
      .map((s) => ({ skill: s.skill, reason: `Average ${score(s.average)} over ${s.samples} ${s.samples === 1 ? "sample" : "samples"}.`, session: fallbackSession }));
  }
  return (summary?.weakest_skills || []).slice(0, 3).map((s) => {
    const skill = typeof s === "string" ? s : s.skill;
    return { skill, reason: typeof s === "object" && s.average !== undefined ? `Average ${score(s.average)}.` : "One of your lowest-scoring skills.", session: fallbackSession };
  });
}

/** Skills ranked by average: the strongest and the weakest `shown` each, and every skill (for "All skills"). */
export function rankedSkills(skills, shown = 5) {
  const all = [...skills].sort((a, b) => b.average - a.average || a.skill.localeCompare(b.skill));
  if (all.length <= shown * 2) return { strongest: all, weakest: [], all };
  return { strongest: all.slice(0, shown), weakest: all.slice(-shown), all };
}

function skillBars(list, name) {
  return h("ul", { class: "skill-bars", "aria-label": name, "data-testid": "skill-bars" }, list.map((s) => {
    const bar = h("span", { class: "bar-fill" });
    bar.style.width = `${Math.max(0, Math.min(100, s.average * 10))}%`;
    const trend = s.trend > 0 ? " ↑" : s.trend < 0 ? " ↓" : "";
    return h("li", { "data-testid": "skill-row" }, h("span", { class: "skill-name" }, label(s.skill)), h("span", { class: "bar", "aria-hidden": "true" }, bar), h("span", { class: "skill-score" }, `${score(s.average)}${trend}`));
  }));
}

function stat(name, value, testid) {
  return h("div", { class: "stat" }, h("dt", {}, name), h("dd", { "data-testid": testid }, value ?? "—"));
}

export async function render(main) {
  const charts = [];
  const cleanup = () => charts.forEach((c) => c.destroy());
  const me = await loadUser();
  const greeting = h("h1", {}, me?.name ? `Welcome back, ${me.name.split(" ")[0]}` : "Dashboard");
  const stats = h("dl", { class: "stats", "data-testid": "overview" });
  const recent = h("div", { "data-testid": "recent-sessions" }, h("p", { class: "muted" }, "Loading…"));
  const scoreCanvas = h("canvas", { "data-testid": "score-chart", role: "img", "aria-label": "Score over time: loading" });
  const scoreNote = h("p", { class: "muted small" });
  const skillList = h("div", { class: "skill-list" });
  const weak = h("div", { "data-testid": "weakest-skills" }, h("p", { class: "muted" }, "Loading…"));
  main.append(
    h("div", { class: "section-head" }, greeting, h("a", { class: "button", href: "#/new", "data-testid": "dashboard-new" }, "New interview")),
    h("section", { class: "card", "aria-labelledby": "ov-h" }, h("h2", { id: "ov-h", class: "visually-hidden" }, "Overview"), stats),
    h(
      "div",
      { class: "dash-grid" },
      h("section", { class: "card chart-card", "aria-labelledby": "score-h" }, h("h2", { id: "score-h" }, "Score over time"), h("div", { class: "chart-box" }, scoreCanvas), scoreNote),
      h("section", { class: "card chart-card", "aria-labelledby": "skills-h" }, h("h2", { id: "skills-h" }, "Skills"), skillList),
      h("section", { class: "card", "aria-labelledby": "weak-h" }, h("h2", { id: "weak-h" }, "Practise your weakest skills"), weak),
      h("section", { class: "card", "aria-labelledby": "recent-h" }, h("h2", { id: "recent-h" }, "Recent sessions"), recent),
    ),
  );

  const safe = (promise) => promise.catch(() => null);
  const [summaryBody, progressBody, skillsBody, recsBody, sessionsBody] = await Promise.all([
    safe(getOptional("/api/analytics/summary")),
    safe(getOptional("/api/analytics/progress", { bucket: "week" })),
    safe(getOptional("/api/analytics/skills")),
    safe(getOptional("/api/analytics/recommendations")),
    safe(getOptional("/api/sessions", { page: 1, per_page: 50 })),
  ]);
  if (!stats.isConnected) return cleanup;
  const sessions = data(sessionsBody) || [];
  const summary = data(summaryBody);
  const skills = skillAverages(data(skillsBody), sessions);

  // Overview
  const o = overview(summary, sessions);
  replace(
    stats,
    stat("Sessions completed", o.sessions_completed ?? "—", "stat-sessions"),
    stat("Questions answered", o.questions_answered ?? "—", "stat-questions"),
    stat("Average score", score(o.average_score), "stat-average"),
    stat("Best score", score(o.best_score), "stat-best"),
    stat("Streak", o.streak_days === null || o.streak_days === undefined ? "—" : `${o.streak_days} day${o.streak_days === 1 ? "" : "s"}`, "stat-streak"),
  );

  // Recent sessions
  if (sessions.length) {
    replace(
      recent,
      h(
        "ul",
        { class: "recent-list" },
        sessions.slice(0, 5).map((s) =>
          h(
            "li",
            {},
            h("a", { href: s.status === "active" ? `#/interview/${encodeURIComponent(s.id)}` : `#/history/${encodeURIComponent(s.id)}` }, `${label(s.type)} · ${label(s.difficulty)}`),
            h("span", { class: "muted small" }, ` ${dateTime(s.created_at)}${s.status === "active" ? " · in progress" : ""}`),
            scoreBadge(s.score),
          ),
        ),
      ),
      h("p", {}, h("a", { href: "#/history" }, "All sessions →")),
    );
  } else {
    replace(recent, h("p", { class: "empty" }, "No interviews yet. ", h("a", { href: "#/new" }, "Start one"), " to see your progress here."));
  }

  // Weakest skills
  const recs = weakest(data(recsBody), skills, summary, me);
  if (recs.length) {
    replace(
      weak,
      h(
        "ul",
        { class: "rec-list" },
        recs.map((rec) => {
          const button = h("button", { type: "button", class: "button small", "data-testid": "practise-button" }, "Practise this");
          const error = h("p", { class: "field-error", role: "alert", hidden: true });
          button.addEventListener("click", () =>
            busy(button, async () => {
              error.hidden = true;
              try {
                const s = rec.session || {};
                await startSession({
                  type: s.type || "mixed",
                  difficulty: s.difficulty || "medium",
                  duration_minutes: s.duration_minutes || 20,
                  role: s.role || me?.target_role || "software engineer",
                  language: s.language || me?.preferred_language || "python",
                });
              } catch (err) {
                error.textContent = err.message;
                error.hidden = false;
              }
            }, "Starting…"),
          );
          const s = rec.session || {};
          button.setAttribute("aria-label", `Practise this: ${label(rec.skill)}, a ${label(s.difficulty || "medium").toLowerCase()} ${label(s.type || "mixed").toLowerCase()} interview`);
          return h(
            "li",
            { class: "rec", "data-testid": "weak-skill" },
            h("div", {}, h("strong", {}, label(rec.skill)), rec.reason ? h("p", { class: "muted small" }, rec.reason) : null, h("p", { class: "small" }, `${label(s.type || "mixed")} · ${label(s.difficulty || "medium")} · ${s.duration_minutes || 20} min`)),
            h("div", {}, button, error),
          );
        }),
      ),
    );
  } else {
    replace(weak, h("p", { class: "empty" }, "Complete an interview and we will suggest what to practise next."));
  }

  // Charts
  const series = scoreSeries(data(progressBody), sessions);
  const hasScores = series.datasets.length > 0;
  scoreCanvas.setAttribute(
    "aria-label",
    hasScores ? `Score over time: ${series.datasets.map((d) => `${d.label} ${d.data.filter((x) => x !== null).map(score).join(", ")}`).join("; ")}` : "Score over time: no scores yet",
  );
  scoreNote.textContent = hasScores ? "Average score per week (0–10)." : "No scores yet: your scores appear here after your first evaluated answer.";
  const ranked = rankedSkills(skills);
  skillList.replaceChildren(
    ...(skills.length
      ? [
          ranked.weakest.length ? h("h3", { class: "small" }, "Strongest") : null,
          skillBars(ranked.strongest, ranked.weakest.length ? "Strongest skills" : "Average per skill"),
          ...(ranked.weakest.length
            ? [
                h("h3", { class: "small" }, "To work on"),
                skillBars(ranked.weakest, "Weakest skills"),
                h("details", { "data-testid": "all-skills" }, h("summary", {}, `All ${ranked.all.length} skills`), skillBars(ranked.all, "Every skill")),
              ]
            : []),
        ]
      : [h("p", { class: "muted small" }, "Skill scores appear once answers are evaluated.")]),
  );

  try {
    const Chart = await loadChart();
    if (!stats.isConnected) return cleanup;
    charts.push(
      new Chart(scoreCanvas, {
        type: "line",
        data: {
          labels: series.labels,
          datasets: series.datasets.map((d) => ({ label: d.label, data: d.data, borderColor: d.color, backgroundColor: d.color, spanGaps: true, tension: 0.25, pointRadius: 4, pointHoverRadius: 6 })),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { x: { offset: true }, y: { min: 0, max: 10, ticks: { stepSize: 2 } } },
          plugins: { legend: { display: series.datasets.length > 1 } },
        },
      }),
    );
  } catch {
    scoreNote.textContent = "The chart could not be drawn.";
  }
  return cleanup;
}
