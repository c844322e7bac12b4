// UK formatting for every page and report: £1,234, 12 Mar 2025, 12.3%, 1,998,709 — one place, so all numbers read alike.

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * One en-GB number formatter per number of digits, made once: toLocaleString with options builds a new formatter on
 * every call, which made long tables take hundreds of milliseconds to fill.
 */
const formatters = new Map<string, Intl.NumberFormat>();
function digitsFormat(minimumFractionDigits: number, maximumFractionDigits = minimumFractionDigits): Intl.NumberFormat {
  const key = `${minimumFractionDigits}-${maximumFractionDigits}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.NumberFormat("en-GB", { minimumFractionDigits, maximumFractionDigits })));
  return format;
}

/** 1998709 → "1,998,709"; digits after the point only when asked. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return digitsFormat(digits).format(value);
}

/** 1234 → "£1,234"; 1234.5 with pence → "£1,234.50"; negatives as "−£12". */
export function formatPounds(value: number | null | undefined, options: { pence?: boolean } = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const digits = options.pence ? 2 : 0;
  const text = digitsFormat(digits).format(Math.abs(value));
  return `${value < 0 ? "−" : ""}£${text}`;
}

/** Compact money for headlines: £512K, £1.2M. */
export function formatPoundsCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  const sign = value < 0 ? "−" : "";
  if (abs >= 1e6) return `${sign}£${digitsFormat(0, 1).format(abs / 1e6)}M`;
  if (abs >= 1e4) return `${sign}£${digitsFormat(0).format(Math.round(abs / 1e3))}K`;
  return formatPounds(value);
}

/** 0.1234 → "12.3%" (a share, not a percentage). */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "–";
  return `${digitsFormat(digits).format(share * 100)}%`;
}

/** A date (Date or ISO yyyy-mm-dd…) → "12 Mar 2025", read in UTC so the day never shifts with the time zone. */
export function formatDate(value: Date | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "–";
  const date = typeof value === "string" ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value) : value;
  if (Number.isNaN(date.getTime())) return "–";
  return `${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** 1 → "1st", 2 → "2nd", 11 → "11th". */
export function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${digitsFormat(0, 3).format(n)}${suffix}`;
}

/** "decile 1 (most deprived 10%)" style words for a national decile. */
export function decileWords(decile: number | null | undefined): string {
  if (decile === null || decile === undefined) return "no data";
  if (decile === 1) return "decile 1 — most deprived 10% in England";
  if (decile === 10) return "decile 10 — least deprived 10% in England";
  return `decile ${decile} of 10 (1 = most deprived)`;
}
