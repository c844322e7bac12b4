// Coordinate checks must pass real English points and name the usual mistakes.
import { describe, expect, it } from "vitest";
import { ENGLAND_BOUNDS, describePointProblem, isInEnglandBounds } from "../../geo/point-checks.ts";

describe("isInEnglandBounds", () => {
  it("passes points across England and fails points outside the box", () => {
    expect(isInEnglandBounds(-0.0714, 51.5431)).toBe(true); // Hackney
    expect(isInEnglandBounds(-5.7, 50.07)).toBe(true); // Land's End
    expect(isInEnglandBounds(1.75, 52.48)).toBe(true); // Lowestoft
    expect(isInEnglandBounds(-2.03, 55.77)).toBe(true); // Berwick-upon-Tweed
    expect(isInEnglandBounds(2.35, 48.86)).toBe(false); // Paris
    expect(isInEnglandBounds(-3.19, 55.95)).toBe(false); // Edinburgh
    expect(isInEnglandBounds(51.54, -0.07)).toBe(false); // swapped
    expect(isInEnglandBounds(Number.NaN, 51.5)).toBe(false);
    expect(isInEnglandBounds(ENGLAND_BOUNDS.minLon, ENGLAND_BOUNDS.maxLat)).toBe(true); // edges included
  });
});

describe("describePointProblem", () => {
  it("says nothing about a good point", () => {
    expect(describePointProblem(-0.0714, 51.5431)).toBeNull();
  });

  it("names swapped coordinates, grid references, placeholders and missing values", () => {
    expect(describePointProblem(51.5431, -0.0714)).toMatch(/look swapped/);
    expect(describePointProblem(534_567, 184_321)).toMatch(/British National Grid/);
    expect(describePointProblem(0, 0)).toMatch(/placeholder/);
    expect(describePointProblem(Number.NaN, 51)).toMatch(/must both be numbers/);
    expect(describePointProblem(-200, 95)).toMatch(/not a longitude\/latitude pair/);
    expect(describePointProblem(2.35, 48.86)).toMatch(/outside England \(longitude -6.5 to 2, latitude 49.8 to 55.9\)/);
  });
});
