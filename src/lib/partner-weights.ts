// Every workshop partner's weights, the group's (median by default, mean on request), where partners disagree, and which areas' shares swing most across their weightings (pure, browser-safe).

export type GroupMethod = "median" | "mean";

export interface Partner {
  /** Role or label the facilitator types ("GP lead", "Table 3"); never stored anywhere but the page and its URL. */
  label: string;
  /** Weight per component key (0 or more, any scale; the need index normalises). */
  weights: Readonly<Record<string, number>>;
}

/** Median of numbers (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Quantile by linear interpolation between order statistics (R's type 7, the default in R and numpy). */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

const weightOf = (p: Partner, key: string): number => {
  const w = p.weights[key];
  return typeof w === "number" && Number.isFinite(w) && w >= 0 ? w : 0;
};

/** The group's weight per component: the median (or mean) of the partners' weights, component by component. */
export function groupWeights(partners: readonly Partner[], keys: readonly string[], method: GroupMethod = "median"): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keys) {
    const ws = partners.map((p) => weightOf(p, key));
    out[key] = ws.length === 0 ? 0 : method === "mean" ? ws.reduce((s, x) => s + x, 0) / ws.length : median(ws);
  }
  return out;
}

export interface ComponentSpread {
  key: string;
  min: number;
  max: number;
  median: number;
  q1: number;
  q3: number;
  /** max − min, as a share of each partner's own total so differently scaled sliders compare. */
  range: number;
  /** Partners giving the lowest and the highest share (labels). */
  lowest: string[];
  highest: string[];
}

/** Each partner's weights as shares of their own total (all zero stays zero). */
export function normalisedWeights(partner: Partner, keys: readonly string[]): Record<string, number> {
  const total = keys.reduce((s, k) => s + weightOf(partner, k), 0);
  return Object.fromEntries(keys.map((k) => [k, total > 0 ? weightOf(partner, k) / total : 0]));
}

/** Where partners disagree: per component, the spread of the share of weight each partner gives it, widest first. */
export function weightSpread(partners: readonly Partner[], keys: readonly string[]): ComponentSpread[] {
  const shares = partners.map((p) => normalisedWeights(p, keys));
  return keys
    .map((key) => {
      const ws = shares.map((s) => s[key]);
      const min = ws.length ? Math.min(...ws) : NaN;
      const max = ws.length ? Math.max(...ws) : NaN;
      return {
        key,
        min,
        max,
        median: median(ws),
        q1: quantile(ws, 0.25),
        q3: quantile(ws, 0.75),
        range: max - min,
        lowest: partners.filter((_, i) => ws[i] === min).map((p) => p.label),
        highest: partners.filter((_, i) => ws[i] === max).map((p) => p.label),
      };
    })
    .sort((a, b) => b.range - a.range || keys.indexOf(a.key) - keys.indexOf(b.key));
}

export interface AreaSwing {
  index: number;
  id: string;
  /** Smallest and largest share of the pot across the partners' weightings. */
  min: number;
  max: number;
  range: number;
  /** Partner whose weights give the smallest / largest share. */
  minPartner: string;
  maxPartner: string;
}

/**
 * Which areas' shares swing most across the partners' weightings: `shares[p][i]` is area i's share of the pot under
 * partner p's weights. Sorted by range, widest first (ties by area order); `top` keeps the first few.
 */
export function shareSwing(shares: readonly ArrayLike<number>[], ids: readonly string[], labels: readonly string[], top = Infinity): AreaSwing[] {
  if (!shares.length) return [];
  const out: AreaSwing[] = [];
  for (let i = 0; i < ids.length; i++) {
    let lo = 0;
    let hi = 0;
    for (let p = 1; p < shares.length; p++) {
      if (shares[p][i] < shares[lo][i]) lo = p;
      if (shares[p][i] > shares[hi][i]) hi = p;
    }
    out.push({ index: i, id: ids[i], min: shares[lo][i], max: shares[hi][i], range: shares[hi][i] - shares[lo][i], minPartner: labels[lo], maxPartner: labels[hi] });
  }
  out.sort((a, b) => b.range - a.range || a.index - b.index);
  return out.slice(0, top);
}
