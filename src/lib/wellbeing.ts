// Wellbeing methods shared by the outcomes pipeline and the Outcomes page: SWEMWBS metric scores, paired change with a 95% CI, ONS4 bands.
//
// Sources (all checked against the published text; see README "Outcomes"):
// - SWEMWBS raw → metric conversion: the Rasch-based conversion table published by Warwick Medical School
//   (Stewart-Brown S, Tennant A, Tennant R, Platt S, Parkinson J, Weich S. Internal construct validity of the
//   Warwick-Edinburgh Mental Well-being Scale (WEMWBS): a Rasch analysis using data from the Scottish Health
//   Education Population Survey. Health Qual Life Outcomes 2009;7:15), as given in Warwick's "SWEMWBS conversion
//   table" (https://warwick.ac.uk/fac/sci/med/research/platform/wemwbs/using/howto: "raw scores need to be
//   transformed"). Raw totals 7–35 (seven items scored 1–5) map to metric scores 7.00–35.00.
// - Meaningful change: Shah N, Cader M, Andrews WP, Wijesekera D, Stewart-Brown SL. Responsiveness of the Short
//   Warwick Edinburgh Mental Well-Being Scale (SWEMWBS): evaluation a clinical sample. Health Qual Life Outcomes
//   2018;16:239 — "at individual level a change of between 1 and 3 points meets thresholds for statistically
//   important change" (2.77 SEM = 2.87 points). We count an improvement of at least 3 metric points, the
//   conservative end of that range.
// - Sample size: Warwick's guidance, "as a rule of thumb studies need to include at least 30 people with data at
//   two points in time" — comparisons on fewer than 30 pairs are flagged.
// - ONS4 thresholds: ONS personal well-being thresholds (life satisfaction, worthwhile, happiness: 0–4 low,
//   5–6 medium, 7–8 high, 9–10 very high; anxiety: 0–1 very low, 2–3 low, 4–5 medium, 6–10 high).

/** Metric score for raw totals 7..35 (index = raw − 7). Warwick Medical School's SWEMWBS conversion table. */
export const SWEMWBS_METRIC: readonly number[] = Object.freeze([
  7.0, 9.51, 11.25, 12.4, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59, 19.25,
  19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.7, 32.55, 35.0,
]);

/** Improvement in metric points counted as meaningful for one person (Shah et al. 2018: 1–3 points; we use 3). */
export const MEANINGFUL_CHANGE = 3;

/** Fewer pairs than this and a comparison is flagged (Warwick: "at least 30 people with data at two points in time"). */
export const MIN_PAIRS = 30;

/** SWEMWBS metric score for a raw total (an integer 7..35); throws RangeError otherwise. */
export function swemwbsMetric(raw: number): number {
  if (!Number.isInteger(raw) || raw < 7 || raw > 35) throw new RangeError(`SWEMWBS raw total must be a whole number from 7 to 35, got ${raw}`);
  return SWEMWBS_METRIC[raw - 7];
}

/** Raw total of the seven items (each a whole number 1..5); throws RangeError otherwise. */
export function swemwbsRaw(items: readonly number[]): number {
  if (items.length !== 7) throw new RangeError(`SWEMWBS has 7 items, got ${items.length}`);
  for (const v of items) if (!Number.isInteger(v) || v < 1 || v > 5) throw new RangeError(`SWEMWBS items are scored 1 to 5, got ${v}`);
  return items.reduce((a, b) => a + b, 0);
}

// ---------------------------------------------------------------------------------------------------
// ONS4 personal wellbeing

export const ONS4_MEASURES = ["life_satisfaction", "worthwhile", "happiness", "anxiety"] as const;
export type Ons4Measure = (typeof ONS4_MEASURES)[number];
export const ONS4_LABELS: Record<Ons4Measure, string> = {
  life_satisfaction: "Life satisfaction",
  worthwhile: "Things done in life are worthwhile",
  happiness: "Happiness yesterday",
  anxiety: "Anxiety yesterday",
};
export type Ons4Band = "low" | "medium" | "high" | "very high" | "very low";

/** ONS threshold band of a 0..10 rating; anxiety is banded the other way round (higher anxiety = lower wellbeing). */
export function ons4Band(measure: Ons4Measure, score: number): Ons4Band {
  if (!Number.isInteger(score) || score < 0 || score > 10) throw new RangeError(`ONS4 ratings are whole numbers 0 to 10, got ${score}`);
  if (measure === "anxiety") return score <= 1 ? "very low" : score <= 3 ? "low" : score <= 5 ? "medium" : "high";
  return score <= 4 ? "low" : score <= 6 ? "medium" : score <= 8 ? "high" : "very high";
}

/** The bands of a measure in order, worst wellbeing first. */
export function ons4Bands(measure: Ons4Measure): Ons4Band[] {
  return measure === "anxiety" ? ["high", "medium", "low", "very low"] : ["low", "medium", "high", "very high"];
}

// ---------------------------------------------------------------------------------------------------
// Student's t quantile (for the 95% CI of a mean change)

/** log Γ(x) by the Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the regularised incomplete beta (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (0 < p < 1, df > 0), by bisection on the CDF to 1e-12. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be between 0 and 1, got ${p}`);
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---------------------------------------------------------------------------------------------------
// Paired change

export interface ChangeSummary {
  /** Number of pairs. */
  n: number;
  /** Mean of (after − before). */
  mean: number | null;
  /** Sample standard deviation of the changes (n − 1 denominator). */
  sd: number | null;
  /** 95% confidence interval of the mean change (t distribution, n − 1 df); null below 2 pairs. */
  lower: number | null;
  upper: number | null;
  /** Pairs whose change is at least MEANINGFUL_CHANGE. */
  improved: number;
  /** True when n < MIN_PAIRS: the comparison is too small to rely on. */
  small: boolean;
}

/** Paired change per person: after − before (metric scores), in the order given. */
export function pairedChanges(pairs: readonly { before: number; after: number }[]): number[] {
  return pairs.map((p) => p.after - p.before);
}

/** Summary from the aggregates a database returns (n, mean, sample sd, improved count). */
export function summariseChange(n: number, mean: number | null, sd: number | null, improved: number, level = 0.95): ChangeSummary {
  if (n === 0 || mean === null) return { n, mean: null, sd: null, lower: null, upper: null, improved: 0, small: true };
  if (n < 2 || sd === null) return { n, mean, sd: null, lower: null, upper: null, improved, small: true };
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, lower: mean - half, upper: mean + half, improved, small: n < MIN_PAIRS };
}

/** Mean change with its 95% CI, and how many improved meaningfully, from the changes themselves. */
export function summariseChanges(changes: readonly number[], level = 0.95): ChangeSummary {
  const n = changes.length;
  if (n === 0) return summariseChange(0, null, null, 0, level);
  const mean = changes.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(changes.reduce((a, c) => a + (c - mean) ** 2, 0) / (n - 1)) : null;
  // A small tolerance so 3.00 computed as 2.9999999999 still counts (metric scores have two decimals).
  const improved = changes.filter((c) => c >= MEANINGFUL_CHANGE - 1e-9).length;
  return summariseChange(n, mean, sd, improved, level);
}
