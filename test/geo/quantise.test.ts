// Rounding must give short, exact decimals and never leave repeated or unclosed rings behind.
import { describe, expect, it } from "vitest";
import {
  closeRing,
  dropRepeatedPoints,
  isUsableRing,
  quantiseRing,
  roundCoordinate,
  roundPosition,
} from "../../geo/quantise.ts";
import { square } from "./helpers.ts";

describe("quantise", () => {
  it("rounds to the requested decimals and prints them without float noise", () => {
    expect(roundCoordinate(51.5215714, 5)).toBe(51.52157);
    expect(roundCoordinate(-0.0972866, 5)).toBe(-0.09729);
    expect(JSON.stringify(roundPosition([0.1 + 0.2, 51.000005, 12], 5))).toBe("[0.3,51.00001]");
    expect(Object.is(roundCoordinate(-0.000001, 5), 0)).toBe(true); // no "-0"
  });

  it("drops consecutive repeats only", () => {
    expect(dropRepeatedPoints([[0, 0], [0, 0], [1, 0], [0, 0], [1, 1], [1, 1]])).toEqual([[0, 0], [1, 0], [0, 0], [1, 1]]);
  });

  it("closes open rings", () => {
    expect(closeRing([[0, 0], [1, 0], [1, 1]])).toEqual([[0, 0], [1, 0], [1, 1], [0, 0]]);
    const closed = square(0, 0, 1);
    expect(closeRing(closed)).toBe(closed);
  });

  it("says whether a ring can still be drawn", () => {
    expect(isUsableRing(square(0, 0, 1))).toBe(true);
    expect(isUsableRing([[0, 0], [1, 0], [0, 0]])).toBe(false); // too few positions
    expect(isUsableRing([[0, 0], [1, 0], [2, 0], [0, 0]])).toBe(false); // no area
    expect(isUsableRing([[0, 0], [1, 0], [1, 1], [0, 1]])).toBe(false); // not closed
  });

  it("collapses a ring smaller than the rounding step", () => {
    const tiny = square(0.123451, 51.123451, 0.000001);
    expect(quantiseRing(tiny, 5)).toEqual([[0.12345, 51.12345]]);
    expect(isUsableRing(quantiseRing(tiny, 5))).toBe(false);
    expect(isUsableRing(quantiseRing(tiny, 6))).toBe(true);
  });
});
