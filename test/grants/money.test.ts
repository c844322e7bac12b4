// Amounts as people write them, and splitting pence exactly (largest remainder).
import { describe, expect, it } from "vitest";
import { formatPounds, largestRemainder, parseAmount, penceToDecimal } from "../../pipelines/grants/money.ts";

describe("parseAmount", () => {
  it.each([
    [1200.5, 120050, undefined],
    ["1200.50", 120050, undefined],
    ["£1,200.50", 120050, "currency sign removed; thousands separators removed"],
    ["GBP 2,000", 200000, "currency sign removed; thousands separators removed"],
    [" 300 ", 30000, undefined],
    ["-50", -5000, undefined],
    ["£-20", -2000, "currency sign removed"],
    ["10.005", 1001, "rounded to the nearest penny"],
    [51625696.54, 5162569654, undefined],
    [0.1 + 0.2, 30, undefined],
  ])("reads %j as %i pence", (input, pence, note) => {
    const r = parseAmount(input);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.pence).toBe(pence);
      expect(r.note).toBe(note);
    }
  });

  it.each(["18k", "3 thousand pounds", "1,20", "12,3456", "(100)", "", "£", "1.2.3"])("refuses %j", (input) => {
    expect(parseAmount(input).ok).toBe(false);
  });

  it("refuses non-numbers and non-finite numbers", () => {
    expect(parseAmount(null).ok).toBe(false);
    expect(parseAmount(Number.NaN).ok).toBe(false);
    expect(parseAmount({}).ok).toBe(false);
  });
});

describe("largestRemainder", () => {
  it("splits exactly, giving leftover pence to the largest remainders", () => {
    expect(largestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(largestRemainder(1000, [2333, 1811, 1788, 1779])).toEqual([302, 235, 232, 231]); // 302.55, 234.86, 231.88, 230.71: the three largest fractions get a penny;
    expect(largestRemainder(7, [0, 0])).toEqual([4, 3]);
    expect(largestRemainder(-10, [1, 2])).toEqual([-3, -7]);
  });

  it("always adds up to the total", () => {
    for (let t = 0; t < 500; t += 7) {
      const weights = [3, 0, 17, 5.5, 1e-9, 40];
      expect(largestRemainder(t, weights).reduce((a, b) => a + b, 0)).toBe(t);
    }
  });

  it("rejects bad input", () => {
    expect(() => largestRemainder(1.5, [1])).toThrow();
    expect(() => largestRemainder(1, [-1])).toThrow();
    expect(() => largestRemainder(1, [])).toThrow();
  });
});

describe("formatting", () => {
  it("formats pounds and exact decimals", () => {
    expect(formatPounds(120050)).toBe("£1,200.50");
    expect(formatPounds(-500, { whole: true })).toBe("−£5");
    expect(penceToDecimal(5162569654)).toBe("51625696.54");
    expect(penceToDecimal(-5)).toBe("-0.05");
  });
});
