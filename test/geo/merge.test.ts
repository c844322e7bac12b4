// Layers merged from LSOA shapes (geo/merge.ts) cover the same ground as the official layers and share their edges exactly.
import { readFileSync } from "node:fs";
import { area } from "@turf/turf";
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from "geojson";
import { describe, expect, it } from "vitest";
import { mergeLsoas, mergeShapes } from "../../geo/merge.ts";
import { BOUNDARY_DEFAULTS, prepareBoundaries } from "../../geo/prepare.ts";
import { isUsableRing } from "../../geo/quantise.ts";
import { isClockwise } from "../../geo/rewind.ts";
import { mirrorDir } from "../support/pipeline.ts";

type Area = Polygon | MultiPolygon;
const read = (rel: string) => JSON.parse(readFileSync(`${mirrorDir}geography/boundaries/${rel}`, "utf8")) as FeatureCollection<Area>;
const square = (x: number, y: number): Polygon => ({ type: "Polygon", coordinates: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]] });

function rings(geometry: Area): Position[][] {
  return (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates).flat();
}

/** Undirected segments of a layer → the features that use them. */
function segments(features: Feature<Area>[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  features.forEach((f, i) => {
    for (const ring of rings(f.geometry))
      for (let j = 0; j + 1 < ring.length; j++) {
        const a = `${ring[j]}`;
        const b = `${ring[j + 1]}`;
        const k = a < b ? `${a}|${b}` : `${b}|${a}`;
        out.set(k, [...(out.get(k) ?? []), i]);
      }
  });
  return out;
}

describe("mergeShapes on exact cases", () => {
  it("two squares sharing an edge become one rectangle, wound clockwise for d3", () => {
    const merged = mergeShapes([square(0, 0), square(1, 0)]) as Polygon;
    expect(merged.type).toBe("Polygon");
    expect(merged.coordinates).toHaveLength(1);
    expect(area({ type: "Feature", properties: {}, geometry: merged })).toBeCloseTo(area({ type: "Feature", properties: {}, geometry: square(0, 0) }) * 2, -3);
    expect(new Set(merged.coordinates[0].map(String))).toEqual(new Set(["0,0", "1,0", "2,0", "2,1", "1,1", "0,1"]));
    expect(isClockwise(merged.coordinates[0])).toBe(true);
  });

  it("eight squares around a ninth give a polygon with a hole; apart they give a MultiPolygon", () => {
    const ring = [[0, 0], [1, 0], [2, 0], [0, 1], [2, 1], [0, 2], [1, 2], [2, 2]].map(([x, y]) => square(x, y));
    const donut = mergeShapes(ring) as Polygon;
    expect(donut.type).toBe("Polygon");
    expect(donut.coordinates).toHaveLength(2);
    expect(isClockwise(donut.coordinates[1])).toBe(false);
    const apart = mergeShapes([square(0, 0), square(5, 5)]) as MultiPolygon;
    expect(apart.type).toBe("MultiPolygon");
    expect(apart.coordinates).toHaveLength(2);
  });

  it("reports LSOAs assigned to an area but absent from the LSOA layer", () => {
    const lsoas: FeatureCollection<Area> = { type: "FeatureCollection", features: [{ type: "Feature", properties: { code: "A" }, geometry: square(0, 0) }] };
    const result = mergeLsoas(lsoas, new Map([["A", "X"], ["B", "X"]]), new Map([["X", "Area X"]]));
    expect(result.missingLsoas).toEqual(["B"]);
    expect(result.collection.features[0].properties).toEqual({ code: "X", name: "Area X", lsoas: 1 });
  });
});

describe.each([
  ["Plymouth", "plymouth/lsoa21.geojson", "plymouth/msoa21.geojson", "plymouth/lad.geojson", 33, 0.01],
  ["London", "lsoa21_london_gen20m.geojson", "msoa21_london_gen20m.geojson", "lad22_london_gen20m.geojson", 1002, 0.01],
])("%s: MSOAs and districts merged from LSOAs", (_name, lsoaFile, msoaFile, ladFile, msoas, tolerance) => {
  const lsoa = read(lsoaFile);
  const official = read(msoaFile);
  const lad = read(ladFile);
  const merge = (by: string) =>
    mergeLsoas(lsoa, new Map(lsoa.features.map((f) => [String(f.properties!.LSOA21CD), String(f.properties![by])])), new Map(), "LSOA21CD").collection;
  const msoa = merge("MSOA21CD");
  const district = merge("LAD22CD");

  it("cover the same ground as the official MSOA layer (area within 1% per MSOA)", () => {
    expect(msoa.features).toHaveLength(msoas);
    const officialArea = new Map(official.features.map((f) => [String(f.properties!.MSOA21CD), area(f)]));
    const worst = Math.max(...msoa.features.map((f) => Math.abs(area(f) / officialArea.get(f.properties.code)! - 1)));
    expect(worst).toBeLessThan(tolerance);
  });

  it("district outlines cover the same ground as the official district layer (within 1%)", () => {
    const officialArea = new Map(lad.features.map((f) => [String(f.properties!.LAD22CD), area(f)]));
    for (const f of district.features) expect(Math.abs(area(f) / officialArea.get(f.properties.code)! - 1)).toBeLessThan(0.01);
  });

  it("neighbouring MSOAs share edges exactly, and district outlines run along the same edges", () => {
    const msoaSegments = segments(msoa.features);
    const outline = segments(district.features);
    let shared = 0;
    for (const [k, users] of msoaSegments) {
      expect(users.length === 1 || (users.length === 2 && users[0] !== users[1])).toBe(true);
      if (users.length === 2) shared++;
      // An edge on the edge of the place (one MSOA) is on one district's outline; an edge between two districts is on both.
      if (users.length === 1) expect(outline.get(k)).toHaveLength(1);
    }
    expect(shared).toBeGreaterThan(msoas);
    for (const [k, users] of outline) expect(msoaSegments.get(k)).toHaveLength(users.length);
  });
});

it("Plymouth: MSOAs merged from the prepared (simplified, quantised) LSOAs are within 1% of the official MSOAs prepared the same way", () => {
  const lsoa = read("plymouth/lsoa21.geojson");
  const official = read("plymouth/msoa21.geojson");
  const prepared = prepareBoundaries(lsoa, { keep: ["LSOA21CD", "MSOA21CD"], rename: { LSOA21CD: "code" }, ...BOUNDARY_DEFAULTS }).collection;
  const assign = new Map(prepared.features.map((f) => [String(f.properties!.code), String(f.properties!.MSOA21CD)]));
  const merged = mergeLsoas(prepared, assign).collection;
  const officialPrepared = prepareBoundaries(official, { keep: ["MSOA21CD"], ...BOUNDARY_DEFAULTS }).collection;
  const officialArea = new Map(officialPrepared.features.map((f) => [String(f.properties!.MSOA21CD), area(f)]));
  const errors = merged.features.map((f) => Math.abs(area(f) / officialArea.get(f.properties.code)! - 1));
  expect(merged.features).toHaveLength(33);
  expect(Math.max(...errors)).toBeLessThan(0.01);
});

it("Plymouth: the prepared LSOAs keep no ring without area (d3-geo would throw), and MSOAs merged from them still share edges exactly", () => {
  const lsoa = read("plymouth/lsoa21.geojson");
  const prepared = prepareBoundaries(lsoa, { keep: ["LSOA21CD", "MSOA21CD"], rename: { LSOA21CD: "code" }, ...BOUNDARY_DEFAULTS });
  // ONS BGC holds three such rings in Plymouth: one point repeated (E01015182, E01034160) and a line there and back (E01015145).
  expect(prepared.stats.ringsDropped).toBe(3);
  expect(prepared.collection.features).toHaveLength(164);
  for (const f of prepared.collection.features) for (const ring of rings(f.geometry)) expect(isUsableRing(ring)).toBe(true);
  const assign = new Map(prepared.collection.features.map((f) => [String(f.properties!.code), String(f.properties!.MSOA21CD)]));
  const merged = mergeLsoas(prepared.collection, assign).collection;
  for (const users of segments(merged.features).values()) expect(users.length === 1 || (users.length === 2 && users[0] !== users[1])).toBe(true);
  for (const f of merged.features) for (const ring of rings(f.geometry)) expect(isUsableRing(ring)).toBe(true);
});
