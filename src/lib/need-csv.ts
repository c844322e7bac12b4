// CSV text of exactly what a page's table shows (plain numbers in the file, UK formats stay on the page), and the 3×3 need × provision classes of the Gaps map (browser-safe).
import { csvCell } from "./csv.js";

/** One CSV field through the project's one formula-safe writer (csv.ts); null and non-finite numbers → empty. */
export function csvField(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return "";
  return csvCell(value);
}

/** CSV of rows under the given columns (header = label), CRLF line ends as RFC 4180 asks. */
export function toCsv(rows: readonly Record<string, unknown>[], columns: readonly { key: string; label: string }[]): string {
  const lines = [columns.map((c) => csvField(c.label)).join(",")];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c.key])).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** Terciles: 0 low, 1 middle, 2 high, from two cut points (a value equal to a cut point goes to the lower class); NaN → −1. */
export function tercile(value: number | null | undefined, cuts: readonly [number, number]): number {
  if (value === null || value === undefined || value !== value) return -1;
  return value <= cuts[0] ? 0 : value <= cuts[1] ? 1 : 2;
}

/** The 3×3 classes, indexed [need][provision]; colours from Joshua Stevens' bivariate scheme (need in red, provision in blue). */
export const BIVARIATE_COLOURS: readonly (readonly string[])[] = [
  ["#e8e8e8", "#b0d5df", "#64acbe"],
  ["#e4acac", "#ad9ea5", "#627f8c"],
  ["#c85a5a", "#985356", "#574249"],
];

/** Words for each class, [need][provision]: the corners say what they mean for a partnership. */
export function bivariateWords(need: number, provision: number): string {
  const n = ["Low need", "Middling need", "High need"][need];
  const p = ["little provision", "some provision", "much provision"][provision];
  if (need === 2 && provision === 0) return "High need, little provision — the gaps to look at first";
  if (need === 2 && provision === 2) return "High need, much provision — need is high but already served";
  if (need === 0 && provision === 0) return "Low need, little provision — quiet on both counts";
  if (need === 0 && provision === 2) return "Low need, much provision — provision beyond need";
  return `${n}, ${p}`;
}
