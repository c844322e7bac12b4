// Organisation size by annual income (browser-safe, pure): the bands applications state and the words they may be written in.
//
// The bands are NCVO's (UK Civil Society Almanac) size classes for voluntary organisations: micro under £10,000,
// small £10,000–£100,000, medium £100,000–£1 million, large £1–10 million, major £10–100 million, super-major
// over £100 million. Community Chests exist for the micro and small groups ("accessed funding where they
// wouldn't usually be eligible"), so assessment can give them a boost (src/lib/assessment.ts).

export type IncomeBand = "micro" | "small" | "medium" | "large" | "major" | "super_major";

export interface IncomeBandInfo {
  key: IncomeBand;
  label: string;
  /** Lower bound in pounds (inclusive) and upper bound (exclusive; null = none). */
  from: number;
  to: number | null;
}

export const INCOME_BANDS: readonly IncomeBandInfo[] = Object.freeze([
  { key: "micro", label: "Micro (annual income under £10,000)", from: 0, to: 10_000 },
  { key: "small", label: "Small (£10,000 to under £100,000)", from: 10_000, to: 100_000 },
  { key: "medium", label: "Medium (£100,000 to under £1 million)", from: 100_000, to: 1_000_000 },
  { key: "large", label: "Large (£1 million to under £10 million)", from: 1_000_000, to: 10_000_000 },
  { key: "major", label: "Major (£10 million to under £100 million)", from: 10_000_000, to: 100_000_000 },
  { key: "super_major", label: "Super-major (£100 million or more)", from: 100_000_000, to: null },
]);

const byKey = new Map(INCOME_BANDS.map((b) => [b.key, b]));

export function incomeBandLabel(band: IncomeBand | null | undefined): string {
  return band ? (byKey.get(band)?.label ?? band) : "Income band not given";
}

/** The band an annual income in pounds falls in. */
export function bandForIncome(pounds: number): IncomeBand | null {
  if (!Number.isFinite(pounds) || pounds < 0) return null;
  return INCOME_BANDS.find((b) => pounds >= b.from && (b.to === null || pounds < b.to))!.key;
}

/** "k", "m" and thousands separators read as people write them: "£10k" → 10000, "1.5m" → 1500000; null when not an amount. */
function amountIn(text: string): number | null {
  const m = /^£?\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(k|m|million|thousand)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1].replaceAll(",", ""));
  const unit = m[2];
  return unit === "k" || unit === "thousand" ? n * 1e3 : unit === "m" || unit === "million" ? n * 1e6 : n;
}

/**
 * Read an income band as written in an application form: a band key or name ("micro", "Small", "super-major"),
 * a range ("£10,000-£99,999", "10k to 100k", "under £10k", "over £100m") or a single annual income ("£45,000").
 * A range must fall within one band. Returns null when the text does not name exactly one band.
 */
export function parseIncomeBand(text: string): IncomeBand | null {
  const t = text.trim().toLowerCase().replace(/[–—]/g, "-");
  if (t === "") return null;
  const word = t.replace(/[^a-z]+/g, "_").replace(/^_|_$/g, "");
  if (byKey.has(word as IncomeBand)) return word as IncomeBand;
  const named = INCOME_BANDS.find((b) => word.startsWith(`${b.key}_`));
  if (named) return named.key;
  // "under £10k" names the first band only; "under £100k" would span two bands, so it is not an answer.
  const under = /^(?:under|below|less than|up to|<)\s*(.+)$/.exec(t);
  if (under) {
    const n = amountIn(under[1]);
    return n !== null && n > 0 && n <= INCOME_BANDS[0].to! ? INCOME_BANDS[0].key : null;
  }
  // Likewise "over £100m" names the last band only.
  const over = /^(?:over|above|more than|>)\s*(.+)$/.exec(t) ?? /^(.+?)\s*(?:\+|or more|and over)$/.exec(t);
  if (over) {
    const n = amountIn(over[1]);
    const last = INCOME_BANDS[INCOME_BANDS.length - 1];
    return n !== null && n >= last.from ? last.key : null;
  }
  const range = /^(.+?)\s*(?:-|to)\s*(.+)$/.exec(t);
  if (range) {
    const lo = amountIn(range[1]);
    const hi = amountIn(range[2]);
    if (lo === null || hi === null || hi < lo) return null;
    const a = bandForIncome(lo);
    // "£10,000-£100,000" and "£10,000-£99,999" both mean the small band: the upper figure may be the next band's floor.
    const b = INCOME_BANDS.some((x) => x.to === hi) ? bandForIncome(hi - 0.01) : bandForIncome(hi);
    return a !== null && a === b ? a : null;
  }
  const single = amountIn(t);
  return single === null ? null : bandForIncome(single);
}
