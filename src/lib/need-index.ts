// The composite-index engine: components → standardise → direction → weight → combine → rank (pure, browser-safe, fast).
//
// API (stable; the Workshop page recomputes it live on every weight change):
//   computeNeedIndex(components, n, options?) → NeedIndexResult
//     components: ComponentInput[] — each { key, label, weight, direction, method, values, nationalN? }
//       values: one number per area (NaN = missing), in the same area order for every component.
//       direction "higher": a higher value means more need; "lower": a lower value means more need
//         (IoD ranks, where rank 1 is the most deprived, are "lower").
//       method: "national_rank" | "place_rank" | "zscore" | "minmax" | "exponential" (Standardisation).
//         national_rank / exponential read `values` as national ranks 1..nationalN when nationalN is given
//         (exponential without nationalN ranks the values among the areas given).
//     result: score (weighted mean of the standardised components over the components present; NaN when
//       none), rank (1 = most need; ties share the lowest rank, "1224"; 0 = unranked), percentile
//       (0–100 within the areas: 100 = most need), missing (components missing per area), used/unused
//       components (a component without variation contributes nothing and is listed in `noVariation`).
//   standardise(values, direction, method, nationalN?) → Float64Array (higher = more need; NaN kept)
//   expTransform(R) → the IoD exponential transformation X = −23·ln(1 − R·(1 − e^(−100/23))), R in (0, 1]
//   rankDescending(score) → Int32Array ranks (1 = highest score; ties share the best rank; NaN → 0)
//   combine(matrix, weights, n, k) → Float64Array scores, the inner loop shared with need-uncertainty.ts
//   IMD_2025_WEIGHTS, imdComponents(domainRanks, N): the IMD itself as one configuration (seven domain ranks,
//     the published weights 22.5/22.5/13.5/13.5/9.3/9.3/9.3%, the exponential transformation)
//
// Standardisations follow the OECD/JRC Handbook on Constructing Composite Indicators (2008, section 5) and,
// for the exponential transformation, the English Indices of Deprivation 2025 technical report (the domain
// ranks scaled to (0, 1] with the most deprived = 1, then transformed so that the most deprived end is
// stretched: an exponential distribution on 0–100 with λ = 23, so roughly the most deprived 10% get 50–100).

export type Standardisation = "national_rank" | "place_rank" | "zscore" | "minmax" | "exponential";
export type Direction = "higher" | "lower";

export const STANDARDISATIONS: readonly { key: Standardisation; label: string; description: string }[] = Object.freeze([
  { key: "national_rank", label: "National percentile rank", description: "Where the area stands among all of England's LSOAs, 0–100 (100 = most need)." },
  { key: "place_rank", label: "Place percentile rank", description: "Where the area stands among the place's areas, 0–100 (100 = most need)." },
  { key: "zscore", label: "z-score", description: "Standard deviations above the place's mean (in the direction of more need)." },
  { key: "minmax", label: "Min–max", description: "0 at the place's least-need area, 100 at its most-need area, linear between." },
  { key: "exponential", label: "IoD exponential", description: "The Indices of Deprivation's transformation of ranks: 0–100, stretching the most deprived end." },
]);

export interface ComponentInput {
  key: string;
  label: string;
  /** Relative weight (any positive scale; re-normalised over the components present). 0 switches a component off. */
  weight: number;
  direction: Direction;
  method: Standardisation;
  /** One value per area, NaN when missing. */
  values: ArrayLike<number>;
  /** When the values are national ranks (1..nationalN), the number of areas ranked nationally (33,755 LSOAs). */
  nationalN?: number;
}

export interface NeedIndexOptions {
  /** Two scores closer than this (relative) are a tie. Default 1e-12: float noise, not a real difference. */
  tieTolerance?: number;
}

export interface NeedIndexResult {
  n: number;
  score: Float64Array;
  /** 1 = most need; ties share the best rank; 0 = unranked (no usable component). */
  rank: Int32Array;
  /** 0–100 among the ranked areas, 100 = most need; NaN when unranked. */
  percentile: Float64Array;
  /** Components with weight that were missing for the area (the rest were re-weighted). */
  missing: Uint8Array;
  /** The standardised matrix, area-major (area i, component j at i·k + j), NaN when missing or unused. */
  matrix: Float64Array;
  /** Weights actually used, normalised to sum 1 over the used components (0 for unused ones), in input order. */
  weights: Float64Array;
  components: readonly { key: string; label: string; used: boolean; reason: string | null }[];
  /** Keys of components that had no variation among the areas and so contribute nothing. */
  noVariation: string[];
  /** Number of ranked areas. */
  ranked: number;
}

/** The IMD 2025 domain weights (technical report, unchanged since 2004): income, employment, education, health, crime, barriers, living environment. */
export const IMD_2025_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  income: 0.225,
  employment: 0.225,
  education: 0.135,
  health: 0.135,
  crime: 0.093,
  barriers: 0.093,
  living_env: 0.093,
});

const LAMBDA = 23;
const EXP_CONST = 1 - Math.exp(-100 / LAMBDA);

/** The IoD exponential transformation of a scaled rank R in (0, 1] (1 = most deprived): 0 at R→0, 100 at R = 1. */
export function expTransform(R: number): number {
  return -LAMBDA * Math.log(1 - R * EXP_CONST);
}

/** Reusable buffers for rankDescending when it runs many times on the same number of areas. */
export interface RankScratch {
  order: Uint32Array;
  start: Int32Array;
}

export function rankScratch(n: number): RankScratch {
  return { order: new Uint32Array(n), start: new Int32Array(n + 1) };
}

/**
 * Area indices in descending order of value (NaN left out); returns how many there are. A bucket sort over the
 * value range with an insertion sort inside each bucket: linear on the spread-out scores an index produces, so
 * the uncertainty analysis can rank London a thousand times in well under a second.
 */
function orderDescending(v: Float64Array, scratch: RankScratch): number {
  const n = v.length;
  const { order, start } = scratch;
  let min = Infinity;
  let max = -Infinity;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x) continue;
    m++;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (m === 0) return 0;
  const span = max - min;
  const scale = span > 0 ? (m - 1) / span : 0;
  start.fill(0, 0, m + 1);
  for (let i = 0; i < n; i++) if (v[i] === v[i]) start[((max - v[i]) * scale) | 0]++;
  for (let b = 0, acc = 0; b <= m; b++) {
    const c = start[b];
    start[b] = acc;
    acc += c;
  }
  for (let i = 0; i < n; i++) if (v[i] === v[i]) order[start[((max - v[i]) * scale) | 0]++] = i;
  // start[b] now holds the end of bucket b; sort each bucket (descending value, then index) by insertion.
  for (let b = 0, lo = 0; b < m && lo < m; b++) {
    const hi = start[b];
    for (let p = lo + 1; p < hi; p++) {
      const idx = order[p];
      const x = v[idx];
      let q = p - 1;
      while (q >= lo && (v[order[q]] < x || (v[order[q]] === x && order[q] > idx))) {
        order[q + 1] = order[q];
        q--;
      }
      order[q + 1] = idx;
    }
    lo = hi;
  }
  return m;
}

/**
 * Ranks by descending value (1 = highest). Walking down the order, a value within `tolerance` (relative) of the
 * first value of its run shares that run's rank, and the next distinct value takes its position ("1224"), so
 * equal values and float noise tie. NaN → 0 (unranked).
 */
export function rankDescending(values: ArrayLike<number>, tolerance = 1e-12, scratch?: RankScratch): Int32Array {
  const n = values.length;
  const v = values instanceof Float64Array ? values : Float64Array.from(values);
  const s = scratch ?? rankScratch(n);
  const m = orderDescending(v, s);
  const rank = new Int32Array(n);
  let lead = 0;
  let leadRank = 0;
  for (let p = 0; p < m; p++) {
    const i = s.order[p];
    const x = v[i];
    if (p === 0 || lead - x > tolerance * (lead > 1 ? lead : lead < -1 ? -lead : 1)) {
      lead = x;
      leadRank = p + 1;
    }
    rank[i] = leadRank;
  }
  return rank;
}

/** Need-oriented value: flips the sign for "lower" so that higher always means more need. */
function oriented(v: number, direction: Direction): number {
  return direction === "higher" ? v : -v;
}

/** True when the component's non-missing values are all equal (or fewer than two are present). */
export function hasNoVariation(values: ArrayLike<number>): boolean {
  let first = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/** Whether a method's scale is relative to the areas given (so a constant component carries no information). */
function isRelative(method: Standardisation, nationalN: number | undefined): boolean {
  return !(method === "national_rank" || (method === "exponential" && nationalN !== undefined));
}

/**
 * Standardise one component so that higher = more need. NaN stays NaN.
 * - national_rank: values are national ranks; R = (N + 1 − r)/N for "lower" (rank 1 = most need), r/N for "higher"; → 100·R.
 * - place_rank: ranks among the areas given (ties share), 100·(n_present − rank)/(n_present − 1); a single area → 100.
 * - zscore: (v − mean)/sd (population sd), oriented.
 * - minmax: 100·(v − min)/(max − min), oriented.
 * - exponential: R from national ranks (as national_rank) or from ranks among the areas (R = (m + 1 − rank)/m), then expTransform.
 */
export function standardise(values: ArrayLike<number>, direction: Direction, method: Standardisation, nationalN?: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (method === "national_rank" || (method === "exponential" && nationalN !== undefined)) {
    if (!nationalN || nationalN < 1) throw new RangeError(`${method} needs nationalN, the number of areas ranked nationally`);
    for (let i = 0; i < n; i++) {
      const r = values[i];
      if (r !== r) continue;
      const R = direction === "lower" ? (nationalN + 1 - r) / nationalN : r / nationalN;
      out[i] = method === "national_rank" ? 100 * R : expTransform(R);
    }
    return out;
  }
  const o = new Float64Array(n);
  let m = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    o[i] = v === v ? oriented(v, direction) : NaN;
    if (v === v) {
      m++;
      sum += o[i];
      if (o[i] < min) min = o[i];
      if (o[i] > max) max = o[i];
    }
  }
  if (m === 0) return out;
  if (method === "zscore") {
    const mean = sum / m;
    let ss = 0;
    for (let i = 0; i < n; i++) if (o[i] === o[i]) ss += (o[i] - mean) ** 2;
    const sd = Math.sqrt(ss / m);
    for (let i = 0; i < n; i++) if (o[i] === o[i]) out[i] = sd > 0 ? (o[i] - mean) / sd : 0;
    return out;
  }
  if (method === "minmax") {
    const span = max - min;
    for (let i = 0; i < n; i++) if (o[i] === o[i]) out[i] = span > 0 ? (100 * (o[i] - min)) / span : 0;
    return out;
  }
  // place_rank and exponential on place ranks: rank 1 = most need among the m areas present (ties share).
  const rank = rankDescending(o, 0);
  for (let i = 0; i < n; i++) {
    if (o[i] !== o[i]) continue;
    if (method === "place_rank") out[i] = m === 1 ? 100 : (100 * (m - rank[i])) / (m - 1);
    else out[i] = expTransform((m + 1 - rank[i]) / m);
  }
  return out;
}

/**
 * Weighted mean over the components present, per area: Σ wⱼsᵢⱼ / Σ wⱼ over j with sᵢⱼ present. NaN when none present.
 * `matrix` is area-major (n × k); `weights` has k entries (0 = unused). Reused by the uncertainty analysis.
 */
export function combine(matrix: Float64Array, weights: ArrayLike<number>, n: number, k: number, out = new Float64Array(n)): Float64Array {
  for (let i = 0, base = 0; i < n; i++, base += k) {
    let s = 0;
    let w = 0;
    for (let j = 0; j < k; j++) {
      const v = matrix[base + j];
      const wj = weights[j];
      if (v === v && wj > 0) {
        s += wj * v;
        w += wj;
      }
    }
    out[i] = w > 0 ? s / w : NaN;
  }
  return out;
}

/** Standardised matrix (area-major), the used weights (normalised) and why any component is unused. */
export function prepareComponents(components: readonly ComponentInput[], n: number) {
  const k = components.length;
  const matrix = new Float64Array(n * k).fill(NaN);
  const weights = new Float64Array(k);
  const info: { key: string; label: string; used: boolean; reason: string | null }[] = [];
  const noVariation: string[] = [];
  components.forEach((c, j) => {
    if (c.values.length !== n) throw new RangeError(`component ${c.key} has ${c.values.length} values for ${n} areas`);
    if (!(c.weight >= 0) || !Number.isFinite(c.weight)) throw new RangeError(`component ${c.key} has weight ${c.weight}: weights must be 0 or more`);
    let reason: string | null = null;
    if (c.weight === 0) reason = "weight 0";
    else if (isRelative(c.method, c.nationalN) && hasNoVariation(c.values)) {
      reason = "no variation among the areas";
      noVariation.push(c.key);
    }
    info.push({ key: c.key, label: c.label, used: reason === null, reason });
    if (reason !== null) return;
    weights[j] = c.weight;
    const s = standardise(c.values, c.direction, c.method, c.nationalN);
    for (let i = 0; i < n; i++) matrix[i * k + j] = s[i];
  });
  const total = weights.reduce((a, b) => a + b, 0);
  if (total > 0) for (let j = 0; j < k; j++) weights[j] /= total;
  return { matrix, weights, components: info, noVariation };
}

/** Percentile 0–100 from ranks among `ranked` areas (100 = rank 1); a single ranked area → 100; unranked → NaN. */
export function percentileFromRank(rank: Int32Array, ranked: number): Float64Array {
  const out = new Float64Array(rank.length);
  for (let i = 0; i < rank.length; i++) {
    out[i] = rank[i] === 0 ? NaN : ranked <= 1 ? 100 : (100 * (ranked - rank[i])) / (ranked - 1);
  }
  return out;
}

/** The whole engine: standardise, weight (re-weighting around missing components), combine, rank. */
export function computeNeedIndex(components: readonly ComponentInput[], n: number, options: NeedIndexOptions = {}): NeedIndexResult {
  const k = components.length;
  const prepared = prepareComponents(components, n);
  const score = combine(prepared.matrix, prepared.weights, n, k);
  const rank = rankDescending(score, options.tieTolerance ?? 1e-12);
  const missing = new Uint8Array(n);
  let ranked = 0;
  for (let i = 0; i < n; i++) {
    if (rank[i] > 0) ranked++;
    for (let j = 0; j < k; j++) if (prepared.weights[j] > 0 && prepared.matrix[i * k + j] !== prepared.matrix[i * k + j]) missing[i]++;
  }
  return { n, score, rank, percentile: percentileFromRank(rank, ranked), missing, ranked, ...prepared };
}

const IMD_LABELS: Readonly<Record<string, string>> = {
  income: "Income",
  employment: "Employment",
  education: "Education, skills and training",
  health: "Health and disability",
  crime: "Crime",
  barriers: "Barriers to housing and services",
  living_env: "Living environment",
};

/** The IMD as one configuration of the engine: the seven domain ranks (1 = most deprived of nationalN), exponentially transformed, weighted as published. */
export function imdComponents(domainRanks: Readonly<Record<string, ArrayLike<number>>>, nationalN: number): ComponentInput[] {
  return Object.entries(IMD_2025_WEIGHTS).map(([key, weight]) => {
    const values = domainRanks[key];
    if (!values) throw new RangeError(`imdComponents: no ranks for the ${key} domain`);
    return { key, label: IMD_LABELS[key], weight, direction: "lower", method: "exponential", values, nationalN };
  });
}
