// Equity-of-spend statistics (concentration index, SII/RII as in PHEindicatormethods::phe_sii, spend by IMD decile, Core20 share), pure and browser-safe.
import { mulberry32, normalGenerator } from "./random.js";
//
// Conventions used throughout this module
// - Groups are ordered from the MOST deprived to the LEAST deprived (national IMD decile 1 first).
// - `population` is residents; `value` is the indicator per resident (for spend: spend per head),
//   so a group's spend is value × population.
// - Empty input, zero total population or zero total spend give `null`, never NaN.
// - Negative, NaN or infinite populations, values, spends or standard errors throw a TypeError
//   that names the field and the position of the offending row.
//
// References
// - Concentration index (grouped data): O'Donnell, van Doorslaer, Wagstaff & Lindelow (2008),
//   "Analyzing Health Equity Using Household Survey Data", World Bank, ch. 8; Kakwani, Wagstaff &
//   van Doorslaer (1997) J Econometrics 77:87–103. C = Σ_{t=2..T} (p_{t−1}L_t − p_t L_{t−1}).
// - SII/RII: PHEindicatormethods::phe_sii (UKHSA), R/SII_function.R and R/utils.R
//   (FindXValues, SimulationFunc), https://github.com/ukhsa-collaboration/PHEindicatormethods ;
//   Low & Low (2004) J Public Health 26:388–395.

/** One deprivation group (e.g. a national IMD decile), ordered most → least deprived. */
export interface EquityGroup {
  /** Residents in the group (≥ 0). */
  population: number;
  /** Indicator per resident (≥ 0); for spend, spend per head. */
  value: number;
}

/** A point on the concentration curve: cumulative population share p, cumulative spend share L. */
export interface CurvePoint {
  p: number;
  L: number;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------------------------

function checkNonNegative(x: unknown, what: string, where: string): number {
  if (typeof x !== "number" || !Number.isFinite(x)) {
    throw new TypeError(`${what} must be a finite number (${where}); got ${String(x)}`);
  }
  if (x < 0) {
    throw new TypeError(`${what} must not be negative (${where}); got ${x}`);
  }
  return x;
}

function checkGroups(groups: readonly EquityGroup[], fn: string): void {
  if (!Array.isArray(groups)) {
    throw new TypeError(`${fn}: groups must be an array of {population, value}`);
  }
  groups.forEach((g, i) => {
    if (g === null || typeof g !== "object") {
      throw new TypeError(`${fn}: group ${i} must be an object {population, value}`);
    }
    checkNonNegative(g.population, `${fn}: population`, `group ${i}`);
    checkNonNegative(g.value, `${fn}: value`, `group ${i}`);
  });
}

// ---------------------------------------------------------------------------------------------
// Concentration curve and index
// ---------------------------------------------------------------------------------------------

/**
 * Concentration curve points for plotting: starts at (0, 0) and, when there is any population and
 * spend, ends at (1, 1). p is the cumulative population share and L the cumulative share of total
 * spend (value × population), both cumulated from the most deprived group. A curve ABOVE the
 * diagonal means spend is concentrated in deprived areas.
 *
 * Returns null for empty input, zero total population or zero total spend.
 */
export function concentrationCurve(groups: readonly EquityGroup[]): CurvePoint[] | null {
  checkGroups(groups, "concentrationCurve");
  if (groups.length === 0) return null;
  let totalPop = 0;
  let totalSpend = 0;
  for (const g of groups) {
    totalPop += g.population;
    totalSpend += g.population * g.value;
  }
  if (totalPop === 0 || totalSpend === 0) return null;
  const points: CurvePoint[] = [{ p: 0, L: 0 }];
  let cumPop = 0;
  let cumSpend = 0;
  groups.forEach((g, i) => {
    cumPop += g.population;
    cumSpend += g.population * g.value;
    const last = i === groups.length - 1;
    // Pin the last point to exactly (1, 1) so floating-point sums do not leave it at 0.9999999.
    points.push({ p: last ? 1 : cumPop / totalPop, L: last ? 1 : cumSpend / totalSpend });
  });
  return points;
}

/**
 * Grouped concentration index, ranked from the most deprived group:
 *   C = Σ_{t=2..T} (p_{t−1} L_t − p_t L_{t−1})
 * (equivalently 1 − Σ_t (p_t − p_{t−1})(L_t + L_{t−1}), i.e. twice the area between the diagonal
 * and the concentration curve). Range −1…+1; 0 = spend per head equal across groups;
 * NEGATIVE = spend concentrated in the more deprived groups; positive = in the less deprived.
 *
 * Returns null for empty input, zero total population or zero total spend.
 */
export function concentrationIndex(groups: readonly EquityGroup[]): number | null {
  const curve = concentrationCurve(groups);
  if (curve === null) return null;
  let c = 0;
  for (let t = 1; t < curve.length; t++) {
    c += curve[t - 1].p * curve[t].L - curve[t].p * curve[t - 1].L;
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Slope and relative index of inequality (phe_sii)
// ---------------------------------------------------------------------------------------------

/** Options for {@link slopeIndex}; names follow phe_sii where it has an equivalent. */
export interface SlopeIndexOptions {
  /** Monte Carlo repetitions for the confidence limits (phe_sii `repetitions`). Default 100,000; minimum 1,000. */
  reps?: number;
  /** Confidence level, 0.9 ≤ c < 1, or 90 ≤ c < 100 as a percentage (phe_sii `confidence`). Default 0.95. */
  confidence?: number;
  /** Seed for the pseudo-random generator, so the limits are reproducible. Default 1. */
  seed?: number;
  /** Standard error of each group's value, aligned with `groups` (phe_sii `se`). */
  se?: readonly number[];
  /** 95% lower confidence limit of each group's value; used with `upperCl` when `se` is absent. */
  lowerCl?: readonly number[];
  /** 95% upper confidence limit of each group's value; used with `lowerCl` when `se` is absent. */
  upperCl?: readonly number[];
  /** Factor applied to SII and its limits; a negative multiplier also inverts RII (phe_sii `multiplier`). Default 1. */
  multiplier?: number;
}

/** Result of {@link slopeIndex}. All fields are null when the statistic cannot be computed. */
export interface SlopeIndexResult {
  /** Slope index of inequality: fitted value at the least deprived end (rank 1) minus the most deprived end (rank 0), × multiplier. */
  sii: number | null;
  /** Relative index of inequality: (intercept + slope) / intercept (inverted when multiplier < 0). */
  rii: number | null;
  /** Fitted value at rank 0, the most deprived end (phe_sii `intercept = TRUE`). */
  intercept: number | null;
  /** Lower confidence limit of SII (null when no standard errors or confidence limits were given). */
  lower: number | null;
  /** Upper confidence limit of SII. */
  upper: number | null;
  /** Lower confidence limit of RII. */
  riiLower: number | null;
  /** Upper confidence limit of RII. */
  riiUpper: number | null;
  /** Relative rank (cumulative-population midpoint) of each input group, aligned with the input; null for empty groups. */
  ranks: (number | null)[];
  /** Confidence level the limits refer to (0–1), or null when no limits were computed. */
  confidence: number | null;
  /** Repetitions used for the limits, or null when no limits were computed. */
  reps: number | null;
}

/** z for 97.5%: phe_sii hard-codes qnorm(0.975) when turning 95% limits into a standard error. */
const Z_975 = 1.959963984540054;

/**
 * Relative rank of each group: the midpoint of its slice of the cumulative population
 * distribution, ranked from the most deprived (0) to the least deprived (1). This is
 * PHEindicatormethods' FindXValues: prop/2 + cumulative prop of the groups before it.
 */
export function relativeRanks(populations: readonly number[]): number[] {
  const total = populations.reduce((s, x) => s + x, 0);
  if (total === 0) return populations.map(() => 0);
  let cum = 0;
  return populations.map((n) => {
    const share = n / total;
    const mid = cum + share / 2;
    cum += share;
    return mid;
  });
}

export { mulberry32, normalGenerator } from "./random.js";

/** R's round() for the percentile positions: IEC 60559 round half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const NULL_SII = (ranks: (number | null)[]): SlopeIndexResult => ({
  sii: null,
  rii: null,
  intercept: null,
  lower: null,
  upper: null,
  riiLower: null,
  riiUpper: null,
  ranks,
  confidence: null,
  reps: null,
});

/**
 * Slope index of inequality (SII) and relative index of inequality (RII), following
 * PHEindicatormethods::phe_sii for an untransformed indicator (value_type = 0, transform = FALSE):
 *
 * 1. Groups are taken in the order given, MOST deprived first (phe_sii sorts by quantile, with
 *    quantile 1 the most deprived). Each group's relative rank is the midpoint of its slice of the
 *    cumulative population (0 = most deprived end, 1 = least deprived end).
 * 2. value is regressed on rank by population-weighted least squares (phe_sii fits
 *    lm(√a·y ~ √a + √a·rank − 1) with a the population share, which is the same fit).
 * 3. SII = slope = fitted(rank 1) − fitted(rank 0): the least deprived end minus the most deprived
 *    end, exactly as phe_sii reports it. phe_sii has no rank-direction switch; its only sign control
 *    is `multiplier`, reproduced here. So for spend per head a NEGATIVE SII means more spend per
 *    head in deprived areas, the same direction as a negative concentration index.
 * 4. RII = (intercept + slope) / intercept = fitted least-deprived / fitted most-deprived
 *    (inverted when multiplier < 0, as phe_sii does). RII < 1: more per head in deprived areas.
 * 5. Confidence limits as phe_sii's SimulationFunc computes them: draw each group's value from
 *    Normal(value, se) `reps` times, refit, sort the simulated SIIs (and RIIs) and take the values
 *    at positions round(reps·(1−c′)) and round(reps·c′), c′ = confidence + (1−confidence)/2.
 *    Here the draws come from a seeded mulberry32 + Box–Muller generator (R uses its own RNG), so
 *    limits are reproducible for a given seed and agree with phe_sii to Monte Carlo error.
 *    Standard errors come from `se`, else from 95% limits as (upper − lower) / (2·1.959964), as in
 *    phe_sii. Without either, the limits are null (spend is a count, not a sample estimate).
 *
 * Differences from phe_sii, deliberately: groups with zero population are dropped (they carry zero
 * weight, so the fit is unchanged) where phe_sii stops with an error; phe_sii's 5–100 quantile
 * rule is not enforced (at least two populated groups are needed); the rate/proportion
 * transformations (value_type 1/2, transform = TRUE) are not implemented.
 *
 * Returns an object whose statistics are null when they cannot be computed: empty input, zero
 * total population, fewer than two populated groups; RII is also null when the intercept is 0
 * (e.g. no spend at all).
 */
export function slopeIndex(
  groups: readonly EquityGroup[],
  options: SlopeIndexOptions = {},
): SlopeIndexResult {
  checkGroups(groups, "slopeIndex");
  const reps = options.reps ?? 100_000;
  if (!Number.isInteger(reps) || reps < 1000) {
    throw new RangeError(`slopeIndex: reps must be a whole number of at least 1,000 (as in phe_sii); got ${reps}`);
  }
  let confidence = options.confidence ?? 0.95;
  if (typeof confidence !== "number" || !Number.isFinite(confidence)) {
    throw new TypeError(`slopeIndex: confidence must be a number; got ${String(confidence)}`);
  }
  if (confidence >= 90) confidence /= 100;
  if (!(confidence >= 0.9 && confidence < 1)) {
    throw new RangeError(
      `slopeIndex: confidence must be between 0.9 and 1 (or 90 and 100), as in phe_sii; got ${options.confidence}`,
    );
  }
  const multiplier = options.multiplier ?? 1;
  if (typeof multiplier !== "number" || !Number.isFinite(multiplier) || multiplier === 0) {
    throw new TypeError(`slopeIndex: multiplier must be a finite non-zero number; got ${String(multiplier)}`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) {
    throw new TypeError(`slopeIndex: seed must be an integer; got ${String(seed)}`);
  }

  // Standard errors, aligned with the input groups.
  let se: number[] | null = null;
  const alignedLength = (arr: readonly number[], name: string): void => {
    if (!Array.isArray(arr) || arr.length !== groups.length) {
      throw new TypeError(
        `slopeIndex: options.${name} must have one entry per group (${groups.length}); got ${Array.isArray(arr) ? arr.length : typeof arr}`,
      );
    }
  };
  if (options.se !== undefined) {
    alignedLength(options.se, "se");
    se = options.se.map((s, i) => checkNonNegative(s, "slopeIndex: se", `group ${i}`));
  } else if (options.lowerCl !== undefined || options.upperCl !== undefined) {
    if (options.lowerCl === undefined || options.upperCl === undefined) {
      throw new TypeError("slopeIndex: options.lowerCl and options.upperCl must be given together");
    }
    alignedLength(options.lowerCl, "lowerCl");
    alignedLength(options.upperCl, "upperCl");
    const lo = options.lowerCl;
    const hi = options.upperCl;
    se = groups.map((_, i) => {
      const l = lo[i];
      const u = hi[i];
      if (typeof l !== "number" || !Number.isFinite(l) || typeof u !== "number" || !Number.isFinite(u)) {
        throw new TypeError(`slopeIndex: confidence limits must be finite numbers (group ${i}); got ${l}, ${u}`);
      }
      if (u < l) {
        throw new TypeError(`slopeIndex: upper confidence limit is below the lower one (group ${i}): ${u} < ${l}`);
      }
      return (u - l) / Z_975 / 2;
    });
  }

  const totalPop = groups.reduce((s, g) => s + g.population, 0);
  if (groups.length === 0 || totalPop === 0) return NULL_SII(groups.map(() => null));

  // Drop empty groups (zero weight); remember where each kept group came from.
  const keep: number[] = [];
  groups.forEach((g, i) => {
    if (g.population > 0) keep.push(i);
  });
  const a = keep.map((i) => groups[i].population / totalPop);
  const x = relativeRanks(keep.map((i) => groups[i].population));
  const y = keep.map((i) => groups[i].value);
  const ranks: (number | null)[] = groups.map(() => null);
  keep.forEach((i, k) => {
    ranks[i] = x[k];
  });
  if (keep.length < 2) return NULL_SII(ranks);

  // Weighted least squares in closed form; slope = Σ c_k y_k, intercept = Σ d_k y_k.
  const n = keep.length;
  let xbar = 0;
  for (let k = 0; k < n; k++) xbar += a[k] * x[k];
  let sxx = 0;
  for (let k = 0; k < n; k++) sxx += a[k] * (x[k] - xbar) ** 2;
  if (!(sxx > 0)) return NULL_SII(ranks);
  const c = new Float64Array(n);
  const d = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    c[k] = (a[k] * (x[k] - xbar)) / sxx;
    d[k] = a[k] - xbar * c[k];
  }
  let slope = 0;
  let intercept = 0;
  for (let k = 0; k < n; k++) {
    slope += c[k] * y[k];
    intercept += d[k] * y[k];
  }
  const riiOf = (b: number, i0: number): number | null => {
    if (i0 === 0) return null;
    const r = (i0 + b) / i0;
    return multiplier < 0 ? 1 / r : r;
  };

  const result: SlopeIndexResult = {
    sii: multiplier * slope,
    rii: riiOf(slope, intercept),
    intercept,
    lower: null,
    upper: null,
    riiLower: null,
    riiUpper: null,
    ranks,
    confidence: null,
    reps: null,
  };
  if (se === null) return result;

  // Monte Carlo limits (phe_sii SimulationFunc, value_type = 0).
  const sd = keep.map((i) => (se as number[])[i]);
  const normal = normalGenerator(mulberry32(seed));
  const sims = new Float64Array(reps);
  const riiSims = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    let b = 0;
    let i0 = 0;
    for (let k = 0; k < n; k++) {
      const yk = y[k] + sd[k] * normal();
      b += c[k] * yk;
      i0 += d[k] * yk;
    }
    sims[r] = multiplier * b;
    const rr = (i0 + b) / i0;
    riiSims[r] = multiplier < 0 ? 1 / rr : rr;
  }
  sims.sort();
  riiSims.sort(); // NaN (0/0) sorts last in a typed array
  const cv = confidence + (1 - confidence) / 2;
  // phe_sii indexes the sorted vector (1-based) at these positions.
  const posLower = Math.min(reps, Math.max(1, roundHalfEven(reps * (1 - cv))));
  const posUpper = Math.min(reps, Math.max(1, roundHalfEven(reps * cv)));
  const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
  result.lower = sims[posLower - 1];
  result.upper = sims[posUpper - 1];
  result.riiLower = finiteOrNull(riiSims[posLower - 1]);
  result.riiUpper = finiteOrNull(riiSims[posUpper - 1]);
  result.confidence = confidence;
  result.reps = reps;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Spend by national IMD decile and Core20
// ---------------------------------------------------------------------------------------------

/** Input row: spend and residents in one national IMD decile (several rows per decile are summed). */
export interface DecileSpendRow {
  /** National IMD decile, 1 = most deprived 10% of LSOAs in England, 10 = least deprived. */
  decile: number;
  population: number;
  spend: number;
}

/** Output row of {@link spendPerHeadByDecile}. */
export interface DecileSpend {
  decile: number;
  population: number;
  spend: number;
  /** spend / population; null when the decile has no residents. */
  spendPerHead: number | null;
  /** Share of all spend in this decile (0–1); null when there is no spend at all. */
  shareOfSpend: number | null;
  /** Share of all residents in this decile (0–1); null when there are no residents at all. */
  shareOfPopulation: number | null;
}

function checkDecileRows(rows: readonly DecileSpendRow[], fn: string): void {
  if (!Array.isArray(rows)) {
    throw new TypeError(`${fn}: rows must be an array of {decile, population, spend}`);
  }
  rows.forEach((r, i) => {
    if (r === null || typeof r !== "object") {
      throw new TypeError(`${fn}: row ${i} must be an object {decile, population, spend}`);
    }
    if (!Number.isInteger(r.decile) || r.decile < 1 || r.decile > 10) {
      throw new TypeError(
        `${fn}: decile must be a whole number from 1 (most deprived) to 10 (least deprived) (row ${i}); got ${String(r.decile)}`,
      );
    }
    checkNonNegative(r.population, `${fn}: population`, `row ${i}`);
    checkNonNegative(r.spend, `${fn}: spend`, `row ${i}`);
  });
}

/**
 * Spend per head by national IMD decile: always ten rows, deciles 1 (most deprived) to 10, with
 * deciles absent from the input given zero population and spend. Rows for the same decile are
 * summed, so LSOA-level rows can be passed directly.
 */
export function spendPerHeadByDecile(rows: readonly DecileSpendRow[]): DecileSpend[] {
  checkDecileRows(rows, "spendPerHeadByDecile");
  const pop = new Array<number>(10).fill(0);
  const spend = new Array<number>(10).fill(0);
  for (const r of rows) {
    pop[r.decile - 1] += r.population;
    spend[r.decile - 1] += r.spend;
  }
  const totalPop = pop.reduce((s, x) => s + x, 0);
  const totalSpend = spend.reduce((s, x) => s + x, 0);
  return pop.map((p, i) => ({
    decile: i + 1,
    population: p,
    spend: spend[i],
    spendPerHead: p > 0 ? spend[i] / p : null,
    shareOfSpend: totalSpend > 0 ? spend[i] / totalSpend : null,
    shareOfPopulation: totalPop > 0 ? p / totalPop : null,
  }));
}

/**
 * Turn decile rows into {@link EquityGroup}s (decile 1 first) for concentrationIndex / slopeIndex.
 * Throws a TypeError when a decile has spend but no residents, because that spend could not be
 * shared out per head and would otherwise vanish from the statistics without a word.
 */
export function decileGroups(rows: readonly DecileSpendRow[]): EquityGroup[] {
  return spendPerHeadByDecile(rows).map((r) => {
    if (r.population === 0 && r.spend > 0) {
      throw new TypeError(
        `decileGroups: decile ${r.decile} has spend (${r.spend}) but no residents, so spend per head is undefined`,
      );
    }
    return { population: r.population, value: r.spendPerHead ?? 0 };
  });
}

/** Core20 share: national IMD deciles 1–2 (the most deprived 20% of LSOAs in England). */
export interface Core20Share {
  /** Share of spend reaching deciles 1–2 (0–1); null when there is no spend. */
  spendShare: number | null;
  /** Share of residents living in deciles 1–2 (0–1); null when there are no residents. */
  populationShare: number | null;
  /** spendShare / populationShare; > 1 means Core20 areas get more than their population share. Null when either is null or the population share is 0. */
  ratio: number | null;
}

/** Core20 deciles in the national IMD: 1 and 2 (NHS England Core20PLUS5). */
export const CORE20_DECILES: readonly number[] = [1, 2];

/** Share of spend reaching Core20 neighbourhoods (national IMD deciles 1–2) against their share of residents. */
export function core20Share(rows: readonly DecileSpendRow[]): Core20Share {
  checkDecileRows(rows, "core20Share");
  let pop = 0;
  let spend = 0;
  let corePop = 0;
  let coreSpend = 0;
  for (const r of rows) {
    pop += r.population;
    spend += r.spend;
    if (CORE20_DECILES.includes(r.decile)) {
      corePop += r.population;
      coreSpend += r.spend;
    }
  }
  const spendShare = spend > 0 ? coreSpend / spend : null;
  const populationShare = pop > 0 ? corePop / pop : null;
  const ratio =
    spendShare !== null && populationShare !== null && populationShare > 0 ? spendShare / populationShare : null;
  return { spendShare, populationShare, ratio };
}

// ---------------------------------------------------------------------------------------------
// Plain-English headline
// ---------------------------------------------------------------------------------------------

/** Whole-number percentage of a 0–1 share, e.g. 0.456 → "46%". */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/**
 * One plain sentence for the Equity page, e.g.
 * "In round 2, 46% of spend reached Core20 neighbourhoods, home to 38% of residents."
 * `round` is a round number (→ "In round 2"), a label used as written (→ "In spring 2025"), or
 * omitted (→ "Across all rounds"). Percentages are rounded to whole numbers.
 */
export function headline(share: Core20Share, round?: number | string): string {
  const when =
    round === undefined || round === null || round === ""
      ? "Across all rounds"
      : typeof round === "number"
        ? `In round ${round}`
        : `In ${round}`;
  if (share.populationShare === null) {
    return `${when}, there were no residents to compare spend against.`;
  }
  if (share.spendShare === null) {
    return `${when}, no spend was recorded; Core20 neighbourhoods are home to ${percent(share.populationShare)} of residents.`;
  }
  return `${when}, ${percent(share.spendShare)} of spend reached Core20 neighbourhoods, home to ${percent(share.populationShare)} of residents.`;
}

/** How each number is computed, in plain English, for tooltips and footnotes on the Equity page. */
export const EQUITY_NOTES = {
  spendPerHead:
    "Spend per head: grant money attributed to the neighbourhoods in each national deprivation decile, divided by the residents of those neighbourhoods. Decile 1 is the most deprived 10% of neighbourhoods in England.",
  core20:
    "Core20 share: the share of spend reaching neighbourhoods in the most deprived 20% nationally (IMD deciles 1 and 2), shown against the share of residents who live there. A ratio above 1 means those neighbourhoods received more than their population share.",
  concentrationIndex:
    "Concentration index: twice the area between the line of equal shares and the curve of cumulative spend against cumulative residents, ranked from the most deprived. It runs from −1 to +1; 0 means equal spend per head, below 0 means spend is concentrated in more deprived neighbourhoods.",
  sii:
    "Slope index of inequality (PHE method): the gap in spend per head between the least and the most deprived ends of a line fitted across the deciles, weighting each decile by its residents. Below 0 means more spend per head in more deprived neighbourhoods.",
  rii:
    "Relative index of inequality: the fitted spend per head at the least deprived end divided by that at the most deprived end. Below 1 means more spend per head in more deprived neighbourhoods.",
} as const;
