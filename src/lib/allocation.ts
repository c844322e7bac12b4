// Splitting a pot between areas by proportionate universalism, with an optional gap-led pace of change, floors and caps, a theme split and exact rounding (pure, deterministic, browser-safe).
//
// The steps, in order (DESIGN.md, Methods → Allocation):
// 1. Proportionate universalism. Each area's share sᵢ = α·nᵢ/Σn + (1−α)·nᵢwᵢ/Σnw, with nᵢ residents and wᵢ ≥ 0 its
//    need weight (from the need index for the themes in play). α = 1 shares purely per head; α = 0 purely by need × head.
//    With a theme split (pot shares θₜ), sᵢ = Σₜ θₜ·[α·nᵢ/Σn + (1−α)·nᵢwₜᵢ/Σnwₜ] — the sum of each theme's own split.
// 2. Gap-led adjustment (optional), in the manner of the NHS fair-shares formula: NHS England's allocations set a target
//    share for each area from need, measure each area's distance from target against what it already receives, and move
//    allocations towards target at a chosen "pace of change" (NHS England, "Technical Guide to the formulae for ICB
//    allocations", sections on target allocations, distance from target and pace of change;
//    https://www.england.nhs.uk/allocations/). Here the target is that provision already funded (Cᵢ) plus this pot
//    should be shared as sᵢ: the gap-closing split is Gᵢ = max(0, sᵢλ − Cᵢ) with λ chosen so ΣG = P (areas already above
//    target get nothing more; money cannot be taken back). The current pattern is Kᵢ = P·Cᵢ/ΣC. With pace p,
//    rawᵢ = (1−p)·Kᵢ + p·Gᵢ: p = 1 reaches the target wherever it can; p = 0 keeps the current pattern of provision.
// 3. Floors and caps per area: amountᵢ = clamp(μ·rawᵢ, floorᵢ, capᵢ) with one μ so the amounts add up to the pot.
//    An infeasible set (floors above the pot, caps below it, a floor above its own cap) is refused with the reason.
// 4. Rounding to a unit (£1, £100, £1,000) by the largest-remainder method, so the parts add up to the pot exactly.
//    Floors are rounded up and caps down to the unit first, so rounding can never break them. A pot that is not a
//    whole number of units leaves less than one unit over: it goes to the area with the largest amount that has room.
//
// Monotonic: raising one area's need (others unchanged) never lowers its amount, through every step including the
// rounding (its remainder rises while every other area's falls or wraps, and each wrap frees one more unit).

/** Refused allocation: the message says why, in words a workshop can act on. */
export class AllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AllocationError";
  }
}

export interface ThemeSplit {
  key: string;
  label?: string;
  /** Share of the pot for this theme (any positive scale; normalised over the themes). */
  share: number;
  /** Need weight per area for this theme (≥ 0), in area order. */
  need: ArrayLike<number>;
}

export interface AreaBound {
  floor?: number;
  cap?: number;
}

export interface AllocationInput {
  /** Area codes, in order; every per-area array follows this order. */
  ids: readonly string[];
  /** Residents per area (≥ 0). */
  population: ArrayLike<number>;
  /** Need weight per area (≥ 0); ignored when `themes` is given. */
  need?: ArrayLike<number>;
  /** Split the pot by theme, each share allocated by that theme's need. */
  themes?: readonly ThemeSplit[];
}

export interface AllocationOptions {
  /** The pot in whole pounds. */
  pot: number;
  /** Universal share α, 0–1: the part of the pot shared per head whatever the need. */
  alpha: number;
  /** Round every amount to this many pounds (a whole number ≥ 1). Default 1. */
  unit?: number;
  /** Gap-led adjustment: provision already funded per area (£, in area order) and the pace of change 0–1. */
  gap?: { current: ArrayLike<number>; pace: number } | null;
  /** A floor and/or a cap for every area (£). */
  floor?: number;
  cap?: number;
  /** Per-area floors and caps by area code, overriding the common ones. */
  bounds?: Readonly<Record<string, AreaBound>>;
}

export interface AllocationResult {
  ids: readonly string[];
  pot: number;
  unit: number;
  /** Rounded amounts (£); they add up to the pot exactly. */
  amount: Float64Array;
  /** Amounts before rounding. */
  exact: Float64Array;
  /** Share of the pot (amount / pot). */
  share: Float64Array;
  /** The reasons, in pounds, adding up to `amount`: per-head part, need part, gap adjustment, floor/cap, rounding. */
  perHead: Float64Array;
  needPart: Float64Array;
  gapAdjustment: Float64Array;
  boundAdjustment: Float64Array;
  rounding: Float64Array;
  /** −1 held at its floor, 1 held at its cap, 0 free. */
  bound: Int8Array;
  /** With a theme split: each theme's part of each area's amount, to the pound (rows add up to `amount`). */
  themes: { key: string; label: string; amount: Float64Array; total: number }[];
  /** Plain-English notes on anything a reader should know (fallbacks, leftover after rounding). */
  notes: string[];
}

const pounds = (x: number): string => `£${Math.round(x).toLocaleString("en-GB")}`;

function checkArray(values: ArrayLike<number>, n: number, what: string, ids: readonly string[]): void {
  if (!values || values.length !== n) throw new AllocationError(`${what} must have one value per area (${n}); got ${values ? values.length : "none"}`);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(v >= 0) || !Number.isFinite(v)) throw new AllocationError(`${what} for ${ids[i]} must be a number of 0 or more; got ${v}`);
  }
}

function checkOptions(options: AllocationOptions): number {
  const { pot, alpha } = options;
  const unit = options.unit ?? 1;
  if (!Number.isInteger(pot) || pot < 0) throw new AllocationError(`the pot must be a whole number of pounds, 0 or more; got ${pot}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new AllocationError(`α (the universal share) must be between 0 and 1; got ${alpha}`);
  if (!Number.isInteger(unit) || unit < 1) throw new AllocationError(`the rounding unit must be a whole number of pounds, 1 or more; got ${unit}`);
  const pace = options.gap?.pace;
  if (pace !== undefined && !(pace >= 0 && pace <= 1)) throw new AllocationError(`the pace of change must be between 0 and 1; got ${pace}`);
  return unit;
}

/** Σᵢ xᵢ·yᵢ (or Σ xᵢ when y is absent). */
function dot(x: ArrayLike<number>, y?: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += y ? x[i] * y[i] : x[i];
  return s;
}

/**
 * Step 1: the proportionate-universalism split of `total` — per-head part, need part and, per theme, each area's share of
 * that theme's money (used to break the final amounts down by theme). A theme (or the whole pot) with no need anywhere
 * falls back to per head, with a note.
 */
export function proportionateUniversalism(input: AllocationInput, alpha: number, total: number, notes: string[] = []) {
  const n = input.ids.length;
  const pop = input.population;
  const sumN = dot(pop);
  const themes: ThemeSplit[] = input.themes?.length
    ? [...input.themes]
    : [{ key: "all", label: "All themes", share: 1, need: input.need ?? new Float64Array(n).fill(1) }];
  const shareTotal = themes.reduce((s, t) => s + t.share, 0);
  if (!(shareTotal > 0)) throw new AllocationError("the theme shares add up to 0: give at least one theme a share of the pot");
  const perHead = new Float64Array(n);
  const needPart = new Float64Array(n);
  const themeParts = themes.map(() => new Float64Array(n));
  if (sumN === 0) return { perHead, needPart, themeParts, themes, shareTotal };
  themes.forEach((t, k) => {
    const money = (total * t.share) / shareTotal;
    const sumNW = dot(pop, t.need);
    const needMoney = (1 - alpha) * money;
    if (sumNW === 0 && needMoney > 0) notes.push(`No area has any need for ${t.label ?? t.key}, so its need part is shared per head.`);
    for (let i = 0; i < n; i++) {
      const h = (alpha * money * pop[i]) / sumN;
      const d = sumNW > 0 ? (needMoney * pop[i] * t.need[i]) / sumNW : (needMoney * pop[i]) / sumN;
      perHead[i] += h;
      needPart[i] += d;
      themeParts[k][i] = h + d;
    }
  });
  return { perHead, needPart, themeParts, themes, shareTotal };
}

/**
 * Solve Σᵢ clamp(μ·slopeᵢ − offsetᵢ, loᵢ, hiᵢ) = target for μ ≥ 0 and return each term and μ. The sum is continuous,
 * non-decreasing and piecewise linear in μ, so a bracketed Newton iteration finds it: each pass steps along the linear
 * piece at both ends of the bracket (right of the lower end, left of the upper end) and keeps the steps that land
 * inside, halving the bracket only when neither does. On the right piece a step is exact, so a handful of passes over
 * the areas suffice — no sort of the breakpoints, which is what made a weight change slow for thousands of areas.
 * Exact up to floating point.
 */
function solveClamped(slope: Float64Array, offset: Float64Array, lo: Float64Array, hi: Float64Array, target: number): { values: Float64Array; mu: number } {
  const n = slope.length;
  let value = 0;
  let right = 0;
  let left = 0;
  /** The sum at μ, and the slopes of the pieces to its right (terms that can still rise) and to its left (terms that can still fall). */
  const at = (mu: number): void => {
    value = 0;
    right = 0;
    left = 0;
    for (let i = 0; i < n; i++) {
      const s = slope[i];
      if (!(s > 0)) {
        value += Math.min(hi[i], Math.max(lo[i], -offset[i]));
        continue;
      }
      const v = mu * s - offset[i];
      if (v < lo[i]) value += lo[i];
      else if (v > hi[i]) value += hi[i];
      else {
        value += v;
        if (v < hi[i]) right += s;
        if (v > lo[i]) left += s;
      }
    }
  };
  const tolerance = 1e-12 * Math.max(1, Math.abs(target));
  let a = 0;
  at(a);
  let mu = 0;
  if (value < target - tolerance) {
    let fa = value;
    let ra = right;
    // An upper end of the bracket: where the sum would reach the target if no cap held (Σ(μsᵢ − oᵢ) ≥ target with every
    // offset and floor paid), doubled while caps keep it short.
    let sumSlope = 0;
    let extra = 0;
    for (let i = 0; i < n; i++) if (slope[i] > 0) (sumSlope += slope[i]), (extra += Math.max(0, offset[i]) + Math.max(0, lo[i]));
    let b = sumSlope > 0 ? Math.max((Math.max(0, target) + extra) / sumSlope, 1e-300) : 1;
    for (at(b); value < target - tolerance && b < 1e300; at(b)) b *= 2;
    let fb = value;
    let lb = left;
    mu = b;
    for (let pass = 0; pass < 200 && fb > target + tolerance; pass++) {
      const fromA = ra > 0 ? a + (target - fa) / ra : Infinity;
      const fromB = lb > 0 ? b - (fb - target) / lb : -Infinity;
      const steps = [fromA, fromB].filter((x) => x > a && x < b);
      if (!steps.length) steps.push(a + (b - a) / 2);
      let done = false;
      for (const x of steps) {
        if (!(x > a && x < b)) continue;
        at(x);
        if (Math.abs(value - target) <= tolerance) {
          mu = x;
          done = true;
          break;
        }
        if (value < target) (a = x), (fa = value), (ra = right);
        else (b = x), (fb = value), (lb = left), (mu = b);
      }
      if (done || b - a <= 1e-15 * b) break;
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(hi[i], Math.max(lo[i], mu * slope[i] - offset[i]));
  return { values: out, mu };
}

/** Step 2: move from the current pattern of provision towards the need target at the given pace (see the file header). */
export function gapLed(share: Float64Array, current: ArrayLike<number>, pace: number, total: number): Float64Array {
  const n = share.length;
  const sumC = dot(current);
  const pattern = new Float64Array(n);
  for (let i = 0; i < n; i++) pattern[i] = sumC > 0 ? (total * current[i]) / sumC : total * share[i];
  const zero = new Float64Array(n);
  const inf = new Float64Array(n).fill(Infinity);
  const closing = total > 0 ? solveClamped(share, Float64Array.from(current), zero, inf, total).values : zero;
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = (1 - pace) * pattern[i] + pace * closing[i];
  return raw;
}

/** Effective floors and caps, rounded inwards to the unit, with every refusal explained. */
function boundsOf(input: AllocationInput, options: AllocationOptions, unit: number, target: number, raw: Float64Array) {
  const n = input.ids.length;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(Infinity);
  const named = options.bounds && Object.keys(options.bounds).length ? options.bounds : null; // no per-area lookups when none are named
  const none: AreaBound = {};
  for (let i = 0; i < n; i++) {
    const own = (named && named[input.ids[i]]) || none;
    const f = own.floor ?? options.floor ?? 0;
    const c = own.cap ?? options.cap ?? Infinity;
    if (!(f >= 0) || !(c >= 0)) throw new AllocationError(`the floor and cap for ${input.ids[i]} must be 0 or more; got ${f} and ${c}`);
    lo[i] = Math.ceil(f / unit) * unit;
    hi[i] = c === Infinity ? Infinity : Math.floor(c / unit) * unit;
    if (lo[i] > hi[i]) {
      const why = f > c ? `its floor ${pounds(f)} is above its cap ${pounds(c)}` : `no multiple of ${pounds(unit)} lies between its floor ${pounds(f)} and cap ${pounds(c)}`;
      throw new AllocationError(`${input.ids[i]}: ${why}.`);
    }
  }
  const floors = dot(lo);
  if (floors > target) throw new AllocationError(`The floors add up to ${pounds(floors)}, more than the ${pounds(target)} to share: lower some floors or raise the pot.`);
  let reachable = 0;
  let stuck = 0;
  for (let i = 0; i < n; i++) {
    reachable += raw[i] > 0 ? hi[i] : lo[i];
    if (!(raw[i] > 0) && hi[i] > lo[i]) stuck++;
  }
  if (reachable < target) {
    const extra = stuck ? ` (${stuck} area${stuck === 1 ? "" : "s"} with no share stay at their floor)` : "";
    throw new AllocationError(`The caps add up to ${pounds(reachable)}${extra}, less than the ${pounds(target)} to share: raise some caps or lower the pot.`);
  }
  return { lo, hi };
}

/** Step 4: largest remainder to whole units (ties to the earlier area), never crossing a bound. */
export function largestRemainder(exact: ArrayLike<number>, unit: number, target: number, hi?: ArrayLike<number>): Float64Array {
  const n = exact.length;
  const units = new Float64Array(n);
  const frac = new Float64Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const q = exact[i] / unit;
    units[i] = Math.floor(q + 1e-9);
    frac[i] = q - units[i];
    given += units[i];
  }
  let left = Math.round(target / unit - given);
  // Largest remainder first, ties to the earlier area: one native numeric sort of keys packing (1 − remainder) to 2⁻³¹
  // above the area's index (exact in a double for up to 2²¹ areas), instead of a comparator sort.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.floor(Math.min(1, Math.max(0, 1 - frac[i])) * 2 ** 31) * 2 ** 21 + i;
  keys.sort();
  for (let p = 0; p < n; p++) {
    const i = keys[p] % 2 ** 21;
    if (left <= 0) break;
    if (hi && (units[i] + 1) * unit > hi[i]) continue;
    units[i] += 1;
    left--;
  }
  if (left !== 0) throw new AllocationError(`rounding to ${pounds(unit)} could not place ${left} unit(s) within the caps`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = units[i] * unit;
  return out;
}

/** Less than one unit left over when the pot is not a whole number of units: to the largest amount with room (first on ties). */
function placeLeftover(amount: Float64Array, leftover: number, caps: ArrayLike<number>, ids: readonly string[], notes: string[]): void {
  if (leftover === 0) return;
  let best = -1;
  for (let i = 0; i < amount.length; i++) {
    if (amount[i] + leftover <= caps[i] && (best < 0 || amount[i] > amount[best])) best = i;
  }
  if (best < 0) throw new AllocationError(`${pounds(leftover)} is left over after rounding to the unit and every area is at its cap: choose a unit that divides the pot.`);
  amount[best] += leftover;
  notes.push(`The pot is not a whole number of units: the ${pounds(leftover)} left over goes to ${ids[best]}, the largest amount with room.`);
}

/** Break each area's rounded amount down by theme in proportion to its theme parts, to the pound (the unit is for awards, not their breakdown). */
function byTheme(amount: Float64Array, parts: Float64Array[]): Float64Array[] {
  const out = parts.map(() => new Float64Array(amount.length));
  const row = new Float64Array(parts.length);
  for (let i = 0; i < amount.length; i++) {
    let sum = 0;
    for (let k = 0; k < parts.length; k++) sum += parts[k][i];
    for (let k = 0; k < parts.length; k++) row[k] = sum > 0 ? (amount[i] * parts[k][i]) / sum : amount[i] / parts.length;
    const rounded = largestRemainder(row, 1, amount[i]);
    for (let k = 0; k < parts.length; k++) out[k][i] = rounded[k];
  }
  return out;
}

/** The whole allocation: proportionate universalism → gap-led pace of change → floors and caps → exact rounding. */
export function allocate(input: AllocationInput, options: AllocationOptions): AllocationResult {
  const n = input.ids.length;
  const unit = checkOptions(options);
  checkArray(input.population, n, "population", input.ids);
  if (input.themes?.length) input.themes.forEach((t) => checkArray(t.need, n, `need for ${t.label ?? t.key}`, input.ids));
  else if (input.need) checkArray(input.need, n, "need", input.ids);
  if (options.gap) checkArray(options.gap.current, n, "current provision", input.ids);
  if (n === 0) throw new AllocationError("there are no areas to share the pot between");
  if (dot(input.population) === 0) throw new AllocationError("the areas have no residents, so there is nothing to share the pot by");
  const notes: string[] = [];
  const leftover = options.pot % unit;
  const target = options.pot - leftover;
  const pu = proportionateUniversalism(input, options.alpha, target, notes);
  let raw: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = pu.perHead[i] + pu.needPart[i];
  if (options.gap) {
    if (dot(options.gap.current) === 0) notes.push("No provision is funded yet, so there is no gap to close: the need shares stand.");
    else {
      const share = new Float64Array(n);
      if (target > 0) for (let i = 0; i < n; i++) share[i] = raw[i] / target;
      raw = gapLed(share, options.gap.current, options.gap.pace, target);
    }
  }
  const { lo, hi } = boundsOf(input, options, unit, target, raw);
  const { values: exact, mu } = solveClamped(raw, new Float64Array(n), lo, hi, target);
  const amount = largestRemainder(exact, unit, target, hi);
  if (leftover !== 0) {
    const realCaps = input.ids.map((id) => options.bounds?.[id]?.cap ?? options.cap ?? Infinity);
    placeLeftover(amount, leftover, realCaps, input.ids, notes);
  }
  // The breakdown, in plain loops (a weight change recomputes it for every area).
  const share = new Float64Array(n);
  const gapAdjustment = new Float64Array(n);
  const boundAdjustment = new Float64Array(n);
  const rounding = new Float64Array(n);
  const bound = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    share[i] = options.pot > 0 ? amount[i] / options.pot : 0;
    gapAdjustment[i] = raw[i] - pu.perHead[i] - pu.needPart[i];
    boundAdjustment[i] = exact[i] - raw[i];
    rounding[i] = amount[i] - exact[i];
    const m = mu * raw[i];
    bound[i] = m < lo[i] ? -1 : m > hi[i] ? 1 : 0;
  }
  const result: AllocationResult = {
    ids: input.ids, pot: options.pot, unit, amount, exact, share, perHead: pu.perHead, needPart: pu.needPart,
    gapAdjustment, boundAdjustment, rounding, bound, themes: [], notes,
  };
  if (input.themes?.length) {
    const split = byTheme(amount, pu.themeParts);
    result.themes = pu.themes.map((t, k) => ({ key: t.key, label: t.label ?? t.key, amount: split[k], total: dot(split[k]) }));
  }
  return result;
}
