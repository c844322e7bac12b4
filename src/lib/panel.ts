// Panel members' own scores for applications (browser-safe, pure): centre and spread per criterion, and the mix with the evidence score.
//
// Each panel member scores each application on criteria of the panel's own (member, application, criterion,
// score) on a stated scale, e.g. 1–5. Per application and criterion we give the mean and the median, and the
// spread: lowest, highest, range and standard deviation (sample, n − 1). The panel's score for an application is
// the mean over its criteria of the chosen centre (mean or median), put on 0–100 by (x − min) / (max − min).
// The combined score is (1 − w) × evidence + w × panel with w the panel's weight; an application nobody on the
// panel scored keeps its evidence score and says so.

import type { AssessedApplication } from "./assessment.js";

export interface PanelScore {
  member: string;
  application: string;
  criterion: string;
  score: number;
}

export interface PanelScale {
  min: number;
  max: number;
}

export interface CriterionSummary {
  criterion: string;
  n: number;
  mean: number;
  median: number;
  min: number;
  max: number;
  range: number;
  /** Sample standard deviation; null with fewer than two scores. */
  sd: number | null;
}

export interface PanelSummary {
  application: string;
  members: string[];
  criteria: CriterionSummary[];
  /** Mean over criteria of the chosen centre, on 0–100. */
  score: number;
  /** The widest range among its criteria, on 0–100: how far apart the panel was. */
  widestRange: number;
  reason: string;
}

export class PanelInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PanelInputError";
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function summariseCriterion(criterion: string, values: number[]): CriterionSummary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const sd = n < 2 ? null : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { criterion, n, mean, median: median(values), min, max, range: max - min, sd };
}

const fmt = (x: number) => (Math.round(x * 10) / 10).toLocaleString("en-GB");

/** Centre and spread per application and criterion; refuses scores off the scale and a member scoring the same thing twice. */
export function summarisePanel(scores: readonly PanelScore[], scale: PanelScale, centre: "mean" | "median" = "mean"): PanelSummary[] {
  if (!(scale.max > scale.min)) throw new PanelInputError(`the panel's scale must run from a lower to a higher number (got ${scale.min}–${scale.max})`);
  const byApp = new Map<string, Map<string, Map<string, number>>>();
  for (const s of scores) {
    if (!Number.isFinite(s.score) || s.score < scale.min || s.score > scale.max)
      throw new PanelInputError(`${s.member} scored ${s.application} on "${s.criterion}" ${s.score}, outside the scale ${scale.min}–${scale.max}`);
    const crit = byApp.get(s.application) ?? new Map<string, Map<string, number>>();
    byApp.set(s.application, crit);
    const members = crit.get(s.criterion) ?? new Map<string, number>();
    crit.set(s.criterion, members);
    if (members.has(s.member)) throw new PanelInputError(`${s.member} scored ${s.application} on "${s.criterion}" more than once`);
    members.set(s.member, s.score);
  }
  const to100 = (x: number) => ((x - scale.min) / (scale.max - scale.min)) * 100;
  return [...byApp.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([application, crit]) => {
      const criteria = [...crit.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, m]) => summariseCriterion(c, [...m.values()]));
      const members = [...new Set([...crit.values()].flatMap((m) => [...m.keys()]))].sort();
      const score = criteria.reduce((a, c) => a + to100(c[centre]), 0) / criteria.length;
      const widest = criteria.reduce((a, c) => (c.range > a.range ? c : a), criteria[0]);
      const widestRange = (widest.range / (scale.max - scale.min)) * 100;
      const reason =
        `Panel (${members.length} member${members.length === 1 ? "" : "s"}): ${fmt(score)} of 100 from the ${centre} on ${criteria.length} criteri${criteria.length === 1 ? "on" : "a"} ` +
        `(${criteria.map((c) => `${c.criterion} ${fmt(c[centre])} of ${scale.max}`).join(", ")}); ` +
        (widest.range === 0 ? "all members agreed on every criterion." : `widest disagreement on ${widest.criterion}: ${fmt(widest.min)} to ${fmt(widest.max)}.`);
      return { application, members, criteria, score, widestRange, reason };
    });
}

export interface CombinedScore {
  id: string;
  evidence: number;
  panel: number | null;
  score: number;
  reason: string;
}

/** (1 − w) × evidence + w × panel for each assessed application; evidence alone where the panel gave no scores. */
export function combineScores(assessed: readonly AssessedApplication[], panel: readonly PanelSummary[], panelWeight: number): CombinedScore[] {
  if (!(panelWeight >= 0 && panelWeight <= 1)) throw new PanelInputError(`the panel's weight must be between 0 and 1 (got ${panelWeight})`);
  const byApp = new Map(panel.map((p) => [p.application, p]));
  return assessed.map((a) => {
    const p = byApp.get(a.id);
    if (!p) return { id: a.id, evidence: a.score, panel: null, score: a.score, reason: `Evidence ${fmt(a.score)} of 100; the panel gave no scores, so the evidence score stands alone.` };
    const score = (1 - panelWeight) * a.score + panelWeight * p.score;
    return {
      id: a.id,
      evidence: a.score,
      panel: p.score,
      score,
      reason: `${fmt(score)} of 100 = ${fmt((1 - panelWeight) * 100)}% of the evidence score ${fmt(a.score)} + ${fmt(panelWeight * 100)}% of the panel's ${fmt(p.score)}.`,
    };
  });
}
