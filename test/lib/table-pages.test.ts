// Paging a long data table: the rows of each page and the words of the pager's status.
import { describe, expect, it } from "vitest";
import { csvFileName, pageBounds, pageStatus, PAGE_ROWS } from "../../src/lib/table-pages.ts";

describe("pageBounds", () => {
  it("cuts 1,087 rows into 22 pages of 50, the last holding 37", () => {
    expect(PAGE_ROWS).toBe(50);
    expect(pageBounds(0, 50, 1087)).toEqual({ start: 0, end: 50, page: 0, last: 21 });
    expect(pageBounds(1, 50, 1087)).toEqual({ start: 50, end: 100, page: 1, last: 21 });
    expect(pageBounds(21, 50, 1087)).toEqual({ start: 1050, end: 1087, page: 21, last: 21 });
  });

  it("keeps the page within the table: before the first is the first, past the last is the last", () => {
    expect(pageBounds(-1, 50, 120).page).toBe(0);
    expect(pageBounds(9, 50, 120)).toEqual({ start: 100, end: 120, page: 2, last: 2 });
    expect(pageBounds(1, 50, 100)).toEqual({ start: 50, end: 100, page: 1, last: 1 });
    expect(pageBounds(3, 50, 0)).toEqual({ start: 0, end: 0, page: 0, last: 0 });
  });

  it("reaches every row exactly once, in order", () => {
    for (const total of [1, 49, 50, 51, 218, 1087]) {
      const seen: number[] = [];
      const { last } = pageBounds(0, 50, total);
      for (let p = 0; p <= last; p++) {
        const b = pageBounds(p, 50, total);
        for (let i = b.start; i < b.end; i++) seen.push(i);
      }
      expect(seen).toEqual([...Array(total).keys()]);
    }
  });
});

describe("pageStatus", () => {
  it("says which rows are shown, numbers written the UK way with an en dash", () => {
    expect(pageStatus({ start: 0, end: 50 }, 1087)).toBe("Rows 1–50 of 1,087");
    expect(pageStatus({ start: 1050, end: 1087 }, 1087)).toBe("Rows 1,051–1,087 of 1,087");
    expect(pageStatus("all", 1087)).toBe("All 1,087 rows");
    expect(pageStatus({ start: 0, end: 12 }, 12)).toBe("All 12 rows");
  });
});

describe("csvFileName", () => {
  it("makes a short file name of the caption's words", () => {
    expect(csvFileName("Grant money by MSOA (all rounds, all funders), most per resident first")).toBe("grant-money-by-msoa-all-rounds-all-funders-most-per-resident-first.csv");
    expect(csvFileName("Neighbourhoods with no activity within 1,200 m (220)")).toBe("neighbourhoods-with-no-activity-within-1-200-m-220.csv");
    expect(csvFileName("£ — ")).toBe("table.csv");
    expect(csvFileName("x".repeat(200)).length).toBe(84);
  });
});
