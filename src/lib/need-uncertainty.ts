// How sure a need ranking is: seeded Monte Carlo perturbation of the weights and a one-at-a-time sensitivity check (pure, browser-safe).
//
// API (stable):
//   analyseUncertainty(result, options?) → UncertaintyResult, where `result` is computeNeedIndex's output.
//     Each of `runs` runs multiplies every used weight by an independent uniform factor in [1 − spread, 1 + spread]
//     (seeded mulberry32), re-normalises, recombines the standardised components and re-ranks every area.
//     Per area: median rank, the 90% rank interval (5th and 95th percentiles, nearest-rank), the share of runs in
//     the top `topN` and in the top `topShare` of ranked areas, and the component whose weight its rank moves with
//     most (Pearson correlation over the runs, |r| ≥ 0.3, else −1).
//     oneAtATime(result) alone gives the per-component figure without the Monte Carlo runs.
//     Per component: the mean number of places areas move when its weight alone is raised by half (the others
//     re-normalised); `mostSensitive` is the component with the largest move.
//
// This is the uncertainty and sensitivity practice of the OECD/JRC Handbook on Constructing Composite Indicators
// (2008, step 7: "uncertainty analysis … sensitivity analysis", Monte Carlo on the weights, ranks reported as
// median and interval), applied to weights only: the standardised components do not change between runs.

import { mulberry32 } from "./random.js";
import { combine, rankDescending, rankScratch, type NeedIndexResult } from "./need-index.js";

export interface UncertaintyOptions {
  runs?: number;
  seed?: number;
  /** Each weight is multiplied by a factor uniform in [1 − spread, 1 + spread]. Default 0.5 (±50%). */
  spread?: number;
  topN?: number;
  /** Share of ranked areas counted as the top group. Default 0.2 (top 20%). */
  topShare?: number;
}

export interface UncertaintyResult {
  runs: number;
  spread: number;
  topN: number;
  topShare: number;
  medianRank: Float64Array;
  /** 5th percentile of the area's ranks over the runs (the better end); 0 when unranked. */
  rankLow: Int32Array;
  /** 95th percentile (the worse end); 0 when unranked. */
  rankHigh: Int32Array;
  /** Share of runs (0–1) in which the area ranked in the top `topN`. */
  inTopN: Float64Array;
  /** Share of runs (0–1) in which the area ranked in the top `topShare` of ranked areas. */
  inTopShare: Float64Array;
  /** Per area: index of the component its rank moves with most over the runs, or −1 when none clearly. */
  hinge: Int16Array;
  /** Per component, in input order: mean absolute rank change when its weight alone rises by half (0 for unused components). */
  sensitivity: Float64Array;
  /** Index of the component the ranking is most sensitive to, or −1. */
  mostSensitive: number;
}

/** Mean absolute rank change between two rankings, over the areas ranked in both. */
function meanShift(a: Int32Array, b: Int32Array): number {
  let s = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > 0 && b[i] > 0) {
      s += Math.abs(a[i] - b[i]);
      m++;
    }
  }
  return m ? s / m : 0;
}

/** One-at-a-time: raise each used weight by half, re-normalise, re-rank, and measure how far areas move (mean places, per component). */
export function oneAtATime(result: NeedIndexResult, k: number): Float64Array {
  const out = new Float64Array(k);
  const w = new Float64Array(k);
  const score = new Float64Array(result.n);
  for (let j = 0; j < k; j++) {
    if (!(result.weights[j] > 0)) continue;
    w.set(result.weights);
    w[j] *= 1.5;
    out[j] = meanShift(result.rank, rankDescending(combine(result.matrix, w, result.n, k, score)));
  }
  return out;
}

/** Moves the k-th smallest of a[left..right] (inclusive) to position k, smaller ones before it and larger after: three-way quickselect, linear even when most values are equal (an area's rank often is). */
function selectKth(a: Uint32Array, left: number, right: number, k: number): void {
  while (right > left) {
    const mid = (left + right) >>> 1;
    const x = a[left], y = a[mid], z = a[right];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = left;
    let gt = right;
    let i = left;
    while (i <= gt) {
      const v = a[i];
      if (v < pivot) {
        a[i++] = a[lt];
        a[lt++] = v;
      } else if (v > pivot) {
        a[i] = a[gt];
        a[gt--] = v;
      } else i++;
    }
    if (k < lt) right = lt - 1;
    else if (k > gt) left = gt + 1;
    else return;
  }
}

/** Reads each area's median and 5th/95th percentile run ranks (nearest-rank) by selection, not a full sort (reorders `ranks`). */
function summariseRanks(ranks: Uint32Array, n: number, runs: number, baseRank: Int32Array) {
  const medianRank = new Float64Array(n).fill(NaN);
  const rankLow = new Int32Array(n);
  const rankHigh = new Int32Array(n);
  const lo = Math.max(0, Math.ceil(0.05 * runs) - 1);
  const hi = Math.max(0, Math.ceil(0.95 * runs) - 1);
  const m2 = runs >> 1; // the upper middle (the middle when runs is odd)
  const m1 = runs % 2 ? m2 : m2 - 1;
  for (let i = 0; i < n; i++) {
    if (baseRank[i] === 0) continue;
    const s = ranks.subarray(i * runs, (i + 1) * runs);
    // lo ≤ m1 ≤ m2 ≤ hi: each selection searches only the range the one before left (and may reorder it, so each value is read at once).
    selectKth(s, 0, runs - 1, hi);
    rankHigh[i] = s[hi];
    selectKth(s, 0, hi, lo);
    rankLow[i] = s[lo];
    selectKth(s, lo, hi, m1);
    const a = s[m1];
    if (m2 !== m1) selectKth(s, m1 + 1, hi, m2);
    medianRank[i] = (a + s[m2]) / 2;
  }
  return { medianRank, rankLow, rankHigh };
}

/** Monte Carlo over the weights (seeded), plus the one-at-a-time sensitivity of the ranking to each component. */
export function analyseUncertainty(result: NeedIndexResult, options: UncertaintyOptions = {}): UncertaintyResult {
  const runs = options.runs ?? 1000;
  const spread = options.spread ?? 0.5;
  const topN = options.topN ?? 10;
  const topShare = options.topShare ?? 0.2;
  if (!(runs >= 1) || !Number.isInteger(runs)) throw new RangeError(`runs must be a whole number of at least 1 (got ${runs})`);
  if (!(spread >= 0 && spread < 1)) throw new RangeError(`spread must be at least 0 and below 1 (got ${spread})`);
  const { n, matrix } = result;
  const k = result.weights.length;
  const uniform = mulberry32(options.seed ?? 20250101);
  const topCut = Math.max(1, Math.round(topShare * result.ranked));
  const ranks = new Uint32Array(n * runs);
  const inTopN = new Float64Array(n);
  const inTopShare = new Float64Array(n);
  // Sums for the correlation between each weight and each area's rank over the runs.
  // The correlation sums run over the used components only (a switched-off weight never varies).
  const used: number[] = [];
  for (let j = 0; j < k; j++) if (result.weights[j] > 0) used.push(j);
  const ku = used.length;
  const sumWR = new Float64Array(n * ku);
  const sumR = new Float64Array(n);
  const sumR2 = new Float64Array(n);
  const sumW = new Float64Array(k);
  const sumW2 = new Float64Array(k);
  const w = new Float64Array(k);
  const wu = new Float64Array(ku);
  const score = new Float64Array(n);
  const scratch = rankScratch(n);
  for (let r = 0; r < runs; r++) {
    let total = 0;
    for (let j = 0; j < k; j++) {
      w[j] = result.weights[j] > 0 ? result.weights[j] * (1 - spread + 2 * spread * uniform()) : 0;
      total += w[j];
    }
    for (let j = 0; j < k; j++) {
      w[j] /= total;
      sumW[j] += w[j];
      sumW2[j] += w[j] * w[j];
    }
    for (let u = 0; u < ku; u++) wu[u] = w[used[u]];
    const rank = rankDescending(combine(matrix, w, n, k, score), 1e-12, scratch);
    for (let i = 0; i < n; i++) {
      const ri = rank[i];
      if (ri === 0) continue;
      ranks[i * runs + r] = ri;
      if (ri <= topN) inTopN[i]++;
      if (ri <= topCut) inTopShare[i]++;
      sumR[i] += ri;
      sumR2[i] += ri * ri;
      for (let u = 0, b = i * ku; u < ku; u++) sumWR[b + u] += wu[u] * ri;
    }
  }
  const hinge = new Int16Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    inTopN[i] /= runs;
    inTopShare[i] /= runs;
    const varR = sumR2[i] / runs - (sumR[i] / runs) ** 2;
    if (!(varR > 1e-12)) continue;
    let best = 0.3;
    for (let u = 0; u < ku; u++) {
      const j = used[u];
      const varW = sumW2[j] / runs - (sumW[j] / runs) ** 2;
      if (!(varW > 1e-18)) continue;
      const cov = sumWR[i * ku + u] / runs - (sumW[j] / runs) * (sumR[i] / runs);
      const corr = Math.abs(cov / Math.sqrt(varR * varW));
      if (corr >= best) {
        best = corr;
        hinge[i] = j;
      }
    }
  }
  const sensitivity = oneAtATime(result, k);
  let mostSensitive = -1;
  for (let j = 0; j < k; j++) if (sensitivity[j] > 0 && (mostSensitive < 0 || sensitivity[j] > sensitivity[mostSensitive])) mostSensitive = j;
  return { runs, spread, topN, topShare, ...summariseRanks(ranks, n, runs, result.rank), inTopN, inTopShare, hinge, sensitivity, mostSensitive };
}
