// Paging a long data table: which rows a page holds, and the words that say so ("Rows 51–100 of 1,087").
import { formatNumber } from "./format.js";

/**
 * Rows on one page of a long table. 50 fill the table's 28rem scroll box about three times over, so a page is a short
 * read and few clicks reach any row (1,087 neighbourhoods: 22 pages), while a page holds about 500 cells instead of
 * 10,000 (a page's whole table made screen readers, find-in-page and axe-core's checks slow).
 */
export const PAGE_ROWS = 50;

export interface PageBounds {
  /** Index of the page's first row (0-based). */
  start: number;
  /** Index after the page's last row. */
  end: number;
  /** The page asked for, brought within 0 … last. */
  page: number;
  /** Index of the last page. */
  last: number;
}

/** The rows of page `page` (0-based, clamped) of `total` rows, `size` to a page. */
export function pageBounds(page: number, size: number, total: number): PageBounds {
  const last = Math.max(0, Math.ceil(total / size) - 1);
  const p = Math.min(Math.max(0, Math.floor(page)), last);
  return { start: p * size, end: Math.min(total, (p + 1) * size), page: p, last };
}

/** "Rows 1–50 of 1,087", or "All 1,087 rows" when every row is shown. */
export function pageStatus(bounds: { start: number; end: number } | "all", total: number): string {
  if (bounds === "all" || (bounds.start === 0 && bounds.end >= total)) return `All ${formatNumber(total)} rows`;
  return `Rows ${formatNumber(bounds.start + 1)}–${formatNumber(bounds.end)} of ${formatNumber(total)}`;
}

/** A file name for a table's CSV from its caption: "Grant money by MSOA (all rounds)" → "grant-money-by-msoa-all-rounds.csv". */
export function csvFileName(caption: string): string {
  const slug = caption
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return `${slug || "table"}.csv`;
}
