// Money in whole pence for grant ledgers: parsing amounts as people write them, splitting a sum exactly, formatting pounds.
import { patterns, reasons, whole } from "./rules.ts";

/** A parsed amount: whole pence, plus a note when the written form had to be tidied (currency sign, commas, sub-penny digits). */
export type ParsedAmount = { ok: true; pence: number; note?: string } | { ok: false; reason: string };

const plain = whole(patterns.number);
const withCommas = whole(patterns.thousands);
const currencySign = new RegExp(`^${patterns.currencySign}`, "i");

/**
 * Read an amount in pounds. Numbers pass through; text may carry a leading £ (or "GBP") and thousands
 * separators ("£1,200.50"), which is tidied with a note. Anything else ("18k", "3 thousand") is refused.
 * Negative amounts parse (the caller decides whether they are allowed).
 */
export function parseAmount(value: unknown): ParsedAmount {
  let number: number;
  const notes: string[] = [];
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { ok: false, reason: "is not a finite number" };
    number = value;
  } else if (typeof value === "string") {
    let text = value.trim().replace(/\u00a0/g, " ");
    if (text === "") return { ok: false, reason: "is empty" };
    const sign = text.startsWith("-") ? "-" : "";
    if (sign) text = text.slice(1).trim();
    const stripped = text.replace(currencySign, "");
    if (stripped !== text) notes.push(reasons.amountNotes.sign);
    text = sign + stripped;
    if (withCommas.test(text)) {
      text = text.replaceAll(",", "");
      notes.push(reasons.amountNotes.thousands);
    }
    if (!plain.test(text)) return { ok: false, reason: reasons.notAmount };
    number = Number(text);
  } else {
    return { ok: false, reason: `is ${value === null ? "null" : typeof value}, not a number` };
  }
  const exact = number * 100;
  const pence = Math.round(exact);
  if (!Number.isSafeInteger(pence)) return { ok: false, reason: "is too large" };
  if (Math.abs(exact - pence) > 1e-6 * Math.max(1, Math.abs(exact))) notes.push(reasons.amountNotes.rounded);
  return notes.length ? { ok: true, pence: pence === 0 ? 0 : pence, note: notes.join("; ") } : { ok: true, pence: pence === 0 ? 0 : pence };
}

/**
 * Split a whole number `total` in proportion to non-negative `weights`, so the parts are whole numbers
 * that add up to `total` exactly (largest remainder; ties go to the earlier item).
 * With all weights zero the total is split equally.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError("total must be a whole number");
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError("cannot split a non-zero total over no parts");
    return [];
  }
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new RangeError("weights must be finite and non-negative");
  const sum = weights.reduce((a, b) => a + b, 0);
  const w = sum > 0 ? weights : weights.map(() => 1);
  const s = sum > 0 ? sum : weights.length;
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  const raw = w.map((x) => (abs * x) / s);
  const parts = raw.map(Math.floor);
  let left = abs - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k].i] += 1;
  return parts.map((p) => p * sign);
}

/** £1,234.56 (or £1,235 with `whole`); negative amounts as −£5.00. */
export function formatPounds(pence: number, options: { whole?: boolean } = {}): string {
  const digits = options.whole ? 0 : 2;
  const text = (Math.abs(pence) / 100).toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${pence < 0 ? "−" : ""}£${text}`;
}

/** Pence to pounds as a decimal string with two places ("1200.50"), exact for any safe integer. */
export function penceToDecimal(pence: number): string {
  const sign = pence < 0 ? "-" : "";
  const abs = Math.abs(pence);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
