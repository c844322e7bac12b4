// Reading a data table that may be paged (src/components/table.js: more than 50 rows are shown a page at a time): how
// many rows it holds, every row at once ("Show all"), or every row by paging with Next to the last page.
import type { Locator } from "playwright-core";
import { expect } from "vitest";

/** The pager under a table (empty when the table is short enough to be shown whole). */
export const pagerOf = (table: Locator): Locator => table.locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' table-paged ')][1]").locator(".table-pager");

/** The first data table in `where` (an element holding one, such as #gaps-table), or `where` itself when it is the table. */
const tableIn = async (where: Locator): Promise<Locator> => ((await where.evaluate((e) => e.tagName)) === "TABLE" ? where : where.locator("table.data-table").first());

/** "Rows 1–50 of 1,087" → 1087; "All 1,087 rows" → 1087. */
export function totalOf(status: string): number {
  const m = /^(?:Rows [\d,]+–[\d,]+ of ([\d,]+)|All ([\d,]+) rows)$/.exec(status.trim());
  if (!m) throw new Error(`not a table pager status: ${status}`);
  return Number((m[1] ?? m[2]).replaceAll(",", ""));
}

/** How many rows the table holds: its pager's "of N" when it is paged, else the rows shown. */
export async function rowCount(where: Locator): Promise<number> {
  const table = await tableIn(where);
  const pager = pagerOf(table);
  if ((await pager.count()) === 0) return table.locator("tbody tr").count();
  return totalOf((await pager.locator(".table-status").textContent()) ?? "");
}

/** Show every row of the table (its "Show all" button when it is paged) and return the row locator. */
export async function showAll(where: Locator): Promise<Locator> {
  const table = await tableIn(where);
  const rows = table.locator("tbody tr");
  const pager = pagerOf(table);
  if ((await pager.count()) === 0) return rows;
  const total = await rowCount(table);
  const toggle = pager.getByRole("button", { name: /^Show all / });
  if ((await toggle.count()) > 0) await toggle.click();
  await expect.poll(() => pager.locator(".table-status").textContent()).toBe(`All ${total.toLocaleString("en-GB")} rows`);
  expect(await rows.count()).toBe(total);
  return rows;
}

/**
 * Every row's text, read by pressing Next (with the keyboard) from the first page to the last: checks each page's status
 * ("Rows 51–100 of 1,087"), that Previous is unavailable on the first page and Next on the last, and that focus stays on Next.
 */
export async function pageThrough(where: Locator): Promise<string[]> {
  const table = await tableIn(where);
  const pager = pagerOf(table);
  const status = pager.locator(".table-status");
  const total = await rowCount(table);
  const previous = pager.getByRole("button", { name: /^Previous / });
  const next = pager.getByRole("button", { name: /^Next / });
  expect(await previous.getAttribute("aria-disabled")).toBe("true");
  const seen: string[] = [];
  for (let start = 1; start <= total; start += 50) {
    const end = Math.min(total, start + 49);
    expect(await status.textContent()).toBe(`Rows ${start.toLocaleString("en-GB")}–${end.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")}`);
    const texts = await table.locator("tbody tr").allTextContents();
    expect(texts).toHaveLength(end - start + 1);
    seen.push(...texts);
    if (end === total) break;
    await next.focus();
    await next.press("Enter");
    await expect.poll(() => status.textContent()).not.toMatch(new RegExp(`^Rows ${start.toLocaleString("en-GB")}–`));
    expect(await next.evaluate((b) => b === document.activeElement)).toBe(true);
  }
  expect(await next.getAttribute("aria-disabled")).toBe("true");
  expect(await previous.getAttribute("aria-disabled")).toBe("false");
  return seen;
}
