// Participatory budgeting over a pot (browser-safe, pure): greedy approval and the Method of Equal Shares, and how their results differ.
//
// Applicants (as in Barking and Dagenham) or residents vote for projects; a rule turns the votes into a set of
// projects that fits the pot. Two rules are offered, and the page shows both:
//
// GREEDY APPROVAL (what most cities use): rank projects by support (approvals, or points when votes carry
// points), highest first; ties go to the cheaper project, then to the tie order. Walk down the list and fund
// each project that still fits in what is left of the pot; a project that does not fit is skipped and the walk
// goes on (so a cheaper project further down can still be funded).
//
// METHOD OF EQUAL SHARES (Peters & Skowron; the definition for approval ballots on equalshares.net, "Explanation",
// "Completion" and "Computation"): the pot is divided equally among the voters. A project can be bought only by
// its supporters' remaining shares; its cost is split among them as equally as possible (whoever cannot pay the
// equal part pays everything they have left, the rest is split equally among the others), so the largest
// payment q is as small as possible. Its "effective vote count" is cost ÷ q: the number of supporters when all
// can pay an equal part, fewer when some cannot. Each round funds the affordable project with the highest
// effective vote count and charges its supporters. (In the terms of Peters, Pierczyński & Skowron, NeurIPS 2021,
// this is MES with cost utilities: a supporter's utility for a project is its cost.) With scored ballots a
// supporter pays q × their points, q being the price per point, and the effective vote count is cost ÷ q.
// Ties (same effective vote count) go to the cheaper project, then the higher raw support, then the tie order —
// equalshares.net's recommended procedure, the tie order standing for the lot it says to draw in advance.
//
// COMPLETION (equalshares.net's recommended method, "Add1U"): the plain method usually leaves part of the pot
// unspent, so it is run again with each voter's share raised by one unit (£1 by default) at a time; we keep the
// last outcome that still fits the real pot and stop when the outcome is exhaustive (no supported project left
// would fit in what remains) or when the next raise would overspend. Whatever is still left is then offered to
// the remaining projects by support, greedily, as in equalshares.net's reference code. Each funded project says
// which step funded it.

import { formatPounds } from "./format.js";

/** A project (an application) and what it would cost if funded. */
export interface PbProject {
  id: string;
  cost: number;
}

/** One vote: a voter supports a project. Approval ballots leave points out (= 1); scored ballots give points > 0. */
export interface PbVote {
  voter: string;
  project: string;
  points?: number;
}

export interface PbInput {
  /** The pot. */
  budget: number;
  projects: readonly PbProject[];
  votes: readonly PbVote[];
  /** Project ids in the order exact ties are broken (a lot drawn in advance); projects not listed follow in id order. */
  tieOrder?: readonly string[];
}

export type PbPhase = "greedy" | "equal-shares" | "completion-greedy";

export interface PbFunded {
  id: string;
  cost: number;
  /** Approvals (or points) the project received. */
  support: number;
  /** Which step funded it. */
  phase: PbPhase;
  /** Method of Equal Shares: the largest payment any supporter made (per point with scored ballots). */
  maxPayment?: number;
  /** Method of Equal Shares: cost ÷ maxPayment, the supporters who effectively paid a full equal share. */
  effectiveVotes?: number;
}

export interface PbNotFunded {
  id: string;
  cost: number;
  support: number;
  reason: string;
}

export interface PbOutcome {
  rule: "greedy" | "equal-shares";
  budget: number;
  /** Funded projects in the order they were chosen. */
  funded: PbFunded[];
  notFunded: PbNotFunded[];
  spent: number;
  left: number;
  /** Equal Shares only: each voter's virtual share in the run that was kept (after completion). */
  perVoterShare?: number;
  voters: number;
}

export interface MesOptions {
  /** Raise each voter's share by this much per completion step (equalshares.net: one currency unit). */
  completionStep?: number;
  /** Skip completion entirely (the plain method, for teaching and tests). */
  complete?: boolean;
  /** Skip the final greedy top-up. */
  greedyTopUp?: boolean;
}

export class PbInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PbInputError";
  }
}

interface Model {
  ids: string[];
  cost: number[];
  support: number[];
  /** supporters[p]: voter index and points. */
  supporters: { voter: number; points: number }[][];
  /** Position of each project in the tie order (lower wins). */
  tieRank: number[];
  voters: number;
  budget: number;
}

/** Slack for floating-point comparisons of money (a millionth of a penny on a £1,000 project). */
function slack(amount: number): number {
  return 1e-9 * Math.max(1, Math.abs(amount));
}

function buildModel(input: PbInput): Model {
  const { budget, projects, votes } = input;
  if (!(budget >= 0) || !Number.isFinite(budget)) throw new PbInputError(`the pot must be a finite amount of 0 or more (got ${budget})`);
  const index = new Map<string, number>();
  projects.forEach((p, i) => {
    if (index.has(p.id)) throw new PbInputError(`project "${p.id}" is listed twice`);
    if (!(p.cost > 0) || !Number.isFinite(p.cost)) throw new PbInputError(`project "${p.id}" must cost more than 0 (got ${p.cost})`);
    index.set(p.id, i);
  });
  const voterIndex = new Map<string, number>();
  const supporters: { voter: number; points: number }[][] = projects.map(() => []);
  const seen = new Set<string>();
  for (const v of votes) {
    const p = index.get(v.project);
    if (p === undefined) throw new PbInputError(`voter "${v.voter}" voted for "${v.project}", which is not a project`);
    const points = v.points ?? 1;
    if (!(points >= 0) || !Number.isFinite(points)) throw new PbInputError(`voter "${v.voter}" gave "${v.project}" ${points} points: points must be 0 or more`);
    const key = `${v.voter}\u0000${v.project}`;
    if (seen.has(key)) throw new PbInputError(`voter "${v.voter}" voted for "${v.project}" more than once`);
    seen.add(key);
    let i = voterIndex.get(v.voter);
    if (i === undefined) voterIndex.set(v.voter, (i = voterIndex.size));
    if (points > 0) supporters[p].push({ voter: i, points });
  }
  const order = new Map((input.tieOrder ?? []).map((id, k) => [id, k] as const));
  const byId = projects.map((p, i) => ({ id: p.id, i })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const tieRank = new Array<number>(projects.length);
  byId.forEach(({ id, i }, k) => (tieRank[i] = order.get(id) ?? order.size + k));
  return {
    ids: projects.map((p) => p.id),
    cost: projects.map((p) => p.cost),
    support: supporters.map((s) => s.reduce((a, b) => a + b.points, 0)),
    supporters,
    tieRank,
    voters: voterIndex.size,
    budget,
  };
}

/** Greedy order: more support first, then cheaper, then tie order. */
function greedyOrder(m: Model): number[] {
  return m.ids.map((_, i) => i).sort((a, b) => m.support[b] - m.support[a] || m.cost[a] - m.cost[b] || m.tieRank[a] - m.tieRank[b]);
}

/** Greedy approval: fund projects by support while they fit; a project that does not fit is skipped. */
export function greedyApproval(input: PbInput): PbOutcome {
  const m = buildModel(input);
  const funded: PbFunded[] = [];
  const notFunded: PbNotFunded[] = [];
  let left = m.budget;
  for (const p of greedyOrder(m)) {
    const base = { id: m.ids[p], cost: m.cost[p], support: m.support[p] };
    if (m.support[p] === 0) notFunded.push({ ...base, reason: "nobody voted for it" });
    else if (m.cost[p] <= left + slack(left)) {
      funded.push({ ...base, phase: "greedy" });
      left -= m.cost[p];
    } else notFunded.push({ ...base, reason: `did not fit: it costs ${money(m.cost[p])} and ${money(left)} was left when its turn came` });
  }
  return finish("greedy", m, funded, notFunded);
}

interface FixedRun {
  /** Chosen projects in order, with the largest payment per point q. */
  chosen: { p: number; q: number }[];
}

/**
 * The Method of Equal Shares with a fixed virtual share per voter, no completion. Projects are re-evaluated
 * lazily: a project's effective vote count can only fall as budgets fall, so candidates are visited in order of
 * their last count and the scan stops once the next one's last count is already below the best found this round
 * (the speed-up in equalshares.net's "Computation" page).
 */
function equalSharesFixed(m: Model, share: number): FixedRun {
  const budget = new Float64Array(m.voters).fill(share);
  const lastCount = new Float64Array(m.ids.length);
  let alive: number[] = [];
  for (let p = 0; p < m.ids.length; p++) if (m.support[p] > 0) (lastCount[p] = m.support[p]), alive.push(p);
  const chosen: { p: number; q: number }[] = [];
  const wins = (p: number, count: number, b: number, bestCount: number): boolean => {
    if (Math.abs(count - bestCount) > 1e-12 * Math.max(count, bestCount)) return count > bestCount;
    if (m.cost[p] !== m.cost[b]) return m.cost[p] < m.cost[b];
    if (m.support[p] !== m.support[b]) return m.support[p] > m.support[b];
    return m.tieRank[p] < m.tieRank[b];
  };
  for (;;) {
    let best = -1;
    let bestCount = 0;
    let bestQ = 0;
    // Nearly sorted from the last round, so this sort is cheap.
    alive.sort((a, b) => lastCount[b] - lastCount[a]);
    const dead = new Set<number>();
    for (const p of alive) {
      if (best >= 0 && lastCount[p] < bestCount * (1 - 1e-12)) break;
      const q = smallestMaxPayment(m, p, budget);
      if (q === null) {
        dead.add(p); // budgets only fall: it will never be affordable again in this run
        continue;
      }
      const count = m.cost[p] / q;
      lastCount[p] = count;
      if (best < 0 || wins(p, count, best, bestCount)) {
        best = p;
        bestCount = count;
        bestQ = q;
      }
    }
    if (best >= 0) dead.add(best);
    if (dead.size) alive = alive.filter((p) => !dead.has(p));
    if (best < 0) return { chosen };
    for (const s of m.supporters[best]) budget[s.voter] -= Math.min(budget[s.voter], bestQ * s.points);
    chosen.push({ p: best, q: bestQ });
  }
}

/** The smallest q such that Σ min(budget_i, q·points_i) over the supporters covers the cost; null when unaffordable. */
function smallestMaxPayment(m: Model, p: number, budget: Float64Array): number | null {
  const cost = m.cost[p];
  const sup = m.supporters[p];
  let total = 0;
  for (const s of sup) total += budget[s.voter];
  if (total < cost - slack(cost)) return null;
  const sorted = [...sup].sort((a, b) => budget[a.voter] / a.points - budget[b.voter] / b.points);
  let paid = 0;
  let points = m.support[p];
  for (const s of sorted) {
    const q = (cost - paid) / points;
    if (q * s.points <= budget[s.voter] + slack(cost)) return q;
    paid += budget[s.voter];
    points -= s.points;
  }
  // Everyone pays all they have and that covers the cost (to within rounding): q is the last supporter's ratio.
  const last = sorted[sorted.length - 1];
  return budget[last.voter] / last.points;
}

function costOf(m: Model, run: FixedRun): number {
  return run.chosen.reduce((a, c) => a + m.cost[c.p], 0);
}

/** No supported project outside the outcome would fit in what is left of the real pot. */
function exhaustive(m: Model, run: FixedRun): boolean {
  const inRun = new Set(run.chosen.map((c) => c.p));
  const left = m.budget - costOf(m, run);
  return !m.ids.some((_, p) => !inRun.has(p) && m.support[p] > 0 && m.cost[p] <= left + slack(left));
}

/** The Method of Equal Shares for approval (or points) ballots, completed by raising the shares, then topped up greedily. */
export function equalShares(input: PbInput, options: MesOptions = {}): PbOutcome {
  const m = buildModel(input);
  const step = options.completionStep ?? 1;
  if (!(step > 0)) throw new PbInputError(`the completion step must be more than 0 (got ${step})`);
  if (m.voters === 0) return finish("equal-shares", m, [], unfundedRest(m, new Set(), "nobody voted"), 0);
  let share = m.budget / m.voters;
  let run = equalSharesFixed(m, share);
  if (options.complete !== false) {
    // Beyond this share nobody ever runs out of money, so raising it further cannot change the outcome.
    const ceiling = m.cost.reduce((a, b) => a + b, 0);
    while (!exhaustive(m, run) && share + step <= ceiling + step) {
      const next = equalSharesFixed(m, share + step);
      if (costOf(m, next) > m.budget + slack(m.budget)) break;
      share += step;
      run = next;
    }
  }
  const funded: PbFunded[] = run.chosen.map(({ p, q }) => ({
    id: m.ids[p],
    cost: m.cost[p],
    support: m.support[p],
    phase: "equal-shares",
    maxPayment: q,
    effectiveVotes: m.cost[p] / q,
  }));
  const taken = new Set(run.chosen.map((c) => c.p));
  if (options.greedyTopUp !== false) {
    let left = m.budget - costOf(m, run);
    for (const p of greedyOrder(m)) {
      if (taken.has(p) || m.support[p] === 0 || m.cost[p] > left + slack(left)) continue;
      funded.push({ id: m.ids[p], cost: m.cost[p], support: m.support[p], phase: "completion-greedy" });
      taken.add(p);
      left -= m.cost[p];
    }
  }
  const reason = `its supporters' shares (${money(share)} each at the start) could not pay for it alongside the projects they had already helped fund, and it did not fit in what was left afterwards`;
  return finish("equal-shares", m, funded, unfundedRest(m, taken, reason), share);
}

function unfundedRest(m: Model, taken: ReadonlySet<number>, reason: string): PbNotFunded[] {
  return greedyOrder(m)
    .filter((p) => !taken.has(p))
    .map((p) => ({ id: m.ids[p], cost: m.cost[p], support: m.support[p], reason: m.support[p] === 0 ? "nobody voted for it" : reason }));
}

function finish(rule: PbOutcome["rule"], m: Model, funded: PbFunded[], notFunded: PbNotFunded[], share?: number): PbOutcome {
  const spent = funded.reduce((a, f) => a + f.cost, 0);
  const out: PbOutcome = { rule, budget: m.budget, funded, notFunded, spent, left: m.budget - spent, voters: m.voters };
  if (share !== undefined) out.perVoterShare = share;
  return out;
}

/** £1,234, or £1,234.56 when there are pence. */
function money(x: number): string {
  const rounded = Math.round(x * 100) / 100;
  return formatPounds(rounded, { pence: !Number.isInteger(rounded) });
}

// ------------------------------------------------------------------------------------------------ comparison

export interface PbSummary {
  projects: number;
  spent: number;
  /** Approvals (or points) the funded projects received between them. */
  support: number;
  /** Pounds spent per approval won: lower means the money went to projects more people backed. */
  costPerApproval: number | null;
  /** Voters with at least one project they backed funded. */
  votersServed: number;
  shareOfVotersServed: number | null;
}

export interface PbDifference {
  id: string;
  cost: number;
  support: number;
  costPerApproval: number | null;
}

export interface PbComparison {
  both: PbDifference[];
  onlyGreedy: PbDifference[];
  onlyEqualShares: PbDifference[];
  greedy: PbSummary;
  equalShares: PbSummary;
  /** One or two plain sentences saying how the rules differ on these votes. */
  summary: string;
}

function summarise(outcome: PbOutcome, votes: readonly PbVote[]): PbSummary {
  const ids = new Set(outcome.funded.map((f) => f.id));
  const support = outcome.funded.reduce((a, f) => a + f.support, 0);
  const served = new Set(votes.filter((v) => (v.points ?? 1) > 0 && ids.has(v.project)).map((v) => v.voter));
  return {
    projects: outcome.funded.length,
    spent: outcome.spent,
    support,
    costPerApproval: support > 0 ? outcome.spent / support : null,
    votersServed: served.size,
    shareOfVotersServed: outcome.voters > 0 ? served.size / outcome.voters : null,
  };
}

/** Run both rules on the same votes and say which projects differ, at what cost per approval. */
export function compareRules(input: PbInput, options: MesOptions = {}): PbComparison & { greedyOutcome: PbOutcome; equalSharesOutcome: PbOutcome } {
  const g = greedyApproval(input);
  const e = equalShares(input, options);
  const gIds = new Set(g.funded.map((f) => f.id));
  const eIds = new Set(e.funded.map((f) => f.id));
  const row = (f: PbFunded): PbDifference => ({ id: f.id, cost: f.cost, support: f.support, costPerApproval: f.support > 0 ? f.cost / f.support : null });
  const both = g.funded.filter((f) => eIds.has(f.id)).map(row);
  const onlyGreedy = g.funded.filter((f) => !eIds.has(f.id)).map(row);
  const onlyEqualShares = e.funded.filter((f) => !gIds.has(f.id)).map(row);
  const greedy = summarise(g, input.votes);
  const equal = summarise(e, input.votes);
  const summary =
    onlyGreedy.length === 0 && onlyEqualShares.length === 0
      ? `Both rules fund the same ${both.length} project${both.length === 1 ? "" : "s"}.`
      : `The rules agree on ${both.length} project${both.length === 1 ? "" : "s"}. Greedy approval alone funds ${onlyGreedy.length} ` +
        `(${onlyGreedy.map((d) => d.id).join(", ") || "none"}); Equal Shares alone funds ${onlyEqualShares.length} ` +
        `(${onlyEqualShares.map((d) => d.id).join(", ") || "none"}). Voters with at least one backed project funded: ` +
        `${greedy.votersServed} under greedy, ${equal.votersServed} under Equal Shares.`;
  return { both, onlyGreedy, onlyEqualShares, greedy, equalShares: equal, summary, greedyOutcome: g, equalSharesOutcome: e };
}
