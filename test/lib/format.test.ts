import { describe, expect, it } from "vitest";
import { decileWords, formatDate, formatNumber, formatPercent, formatPounds, formatPoundsCompact, ordinal } from "../../src/lib/format.ts";

describe("UK formatting", () => {
  it("groups thousands with commas", () => {
    expect(formatNumber(1998709)).toBe("1,998,709");
    expect(formatNumber(0.12345, 2)).toBe("0.12");
    expect(formatNumber(null)).toBe("–");
    expect(formatNumber(Number.NaN)).toBe("–");
  });
  it("writes pounds with the sign before the symbol", () => {
    expect(formatPounds(1234)).toBe("£1,234");
    expect(formatPounds(1200.5, { pence: true })).toBe("£1,200.50");
    expect(formatPounds(-12)).toBe("−£12");
    expect(formatPoundsCompact(512_340)).toBe("£512K");
    expect(formatPoundsCompact(1_234_567)).toBe("£1.2M");
    expect(formatPoundsCompact(950)).toBe("£950");
  });
  it("writes percentages from shares", () => {
    expect(formatPercent(0.1234)).toBe("12.3%");
    expect(formatPercent(0.46, 0)).toBe("46%");
  });
  it("writes dates as 12 Mar 2025 whatever the time zone", () => {
    expect(formatDate("2025-03-12")).toBe("12 Mar 2025");
    expect(formatDate(new Date(Date.UTC(2024, 11, 31)))).toBe("31 Dec 2024");
    expect(formatDate("not a date")).toBe("–");
  });
  it("says in words that decile 1 is the most deprived", () => {
    expect(decileWords(1)).toMatch(/most deprived 10%/);
    expect(decileWords(10)).toMatch(/least deprived/);
    expect(decileWords(4)).toBe("decile 4 of 10 (1 = most deprived)");
    expect(ordinal(1)).toBe("1st");
    expect(ordinal(12)).toBe("12th");
    expect(ordinal(23)).toBe("23rd");
    expect(ordinal(296)).toBe("296th");
  });
});
