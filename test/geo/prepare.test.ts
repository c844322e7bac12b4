// Browser boundaries must be small, seamless, wound for d3, and keep every feature and every ring with an area they started with.
import { area } from "@turf/turf";
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from "geojson";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BOUNDARY_DEFAULTS,
  BoundaryBudgetError,
  byteLength,
  pickProperties,
  prepareBoundaries,
  prepareRing,
} from "../../geo/prepare.ts";
import { isUsableRing } from "../../geo/quantise.ts";
import { readBoundaries } from "../../geo/read.ts";
import { geoPath, geoTransverseMercator } from "./helpers.ts";
import { isClockwise } from "../../geo/rewind.ts";
import { LSOA21_LONDON, NEL_LADS, collection, geoArea, multiPolygonFeature, polygonFeature, square } from "./helpers.ts";

type Boundaries = FeatureCollection<Polygon | MultiPolygon>;

function polygonsOf(f: Feature<Polygon | MultiPolygon>): Position[][][] {
  return f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
}

/** Share of ring segments that another ring also has: about 1 for a seamless map of neighbours. */
function sharedSegmentShare(fc: Boundaries): number {
  const seen = new Map<string, number>();
  let total = 0;
  for (const f of fc.features) {
    for (const rings of polygonsOf(f)) {
      for (const ring of rings) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const a = String(ring[i]), b = String(ring[i + 1]);
          const key = a < b ? `${a}|${b}` : `${b}|${a}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          total++;
        }
      }
    }
  }
  let shared = 0;
  for (const count of seen.values()) if (count >= 2) shared += count;
  return shared / total;
}

describe("prepareBoundaries on small fixtures", () => {
  const fixtures = collection<Polygon | MultiPolygon>([
    polygonFeature(
      "E01000001",
      [
        [[0.1234567, 51.1234567], [0.1234567, 51.1234567], [1.1234567, 51.1234567], [1.1234567, 52.1234567], [0.1234567, 52.1234567], [0.1234567, 51.1234567]],
        square(0.5, 51.5, 0.2, true),
      ],
      { name: "Bow & Mile End — é", extra: 1, nothing: null },
    ),
    multiPolygonFeature("E01000002", [[square(2, 51, 1)], [square(4, 51, 0.000001)]]),
  ]);
  fixtures.features[1].properties = { code: "E01000002", name: "Tiny", extra: 2, nothing: null };
  const frozen = structuredClone(fixtures);

  it("keeps only the named properties, in order, renamed", () => {
    const out = prepareBoundaries(fixtures, {
      keep: ["name", "code", "nothing"],
      rename: { code: "id" },
      tolerance: 0,
      decimals: 5,
    });
    expect(out.collection.features.map((f) => f.properties)).toEqual([
      { name: "Bow & Mile End — é", id: "E01000001", nothing: null },
      { name: "Tiny", id: "E01000002", nothing: null },
    ]);
    expect(Object.keys(out.collection.features[0].properties!)).toEqual(["name", "id", "nothing"]);
  });

  it("rounds, drops repeated points and rewinds for d3", () => {
    const out = prepareBoundaries(fixtures, { keep: ["code"], tolerance: 0, decimals: 5 });
    const [outer, hole] = (out.collection.features[0].geometry as Polygon).coordinates;
    expect(outer).toEqual([[0.12346, 51.12346], [0.12346, 52.12346], [1.12346, 52.12346], [1.12346, 51.12346], [0.12346, 51.12346]]);
    expect(isClockwise(outer)).toBe(true);
    expect(isClockwise(hole)).toBe(false);
    for (const f of out.collection.features) expect(geoArea(f)).toBeLessThan(0.01);
  });

  it("never drops a feature or a ring: a ring smaller than the rounding step keeps its full precision", () => {
    const out = prepareBoundaries(fixtures, { keep: ["code"], tolerance: 0.01, decimals: 4 });
    expect(out.collection.features).toHaveLength(2);
    const tiny = (out.collection.features[1].geometry as MultiPolygon).coordinates[1][0];
    expect(isUsableRing(tiny)).toBe(true);
    expect(tiny).toEqual(square(4, 51, 0.000001, true));
    expect(out.stats).toMatchObject({ features: 2, rings: 4, ringsFullPrecision: 1 });
  });

  it("drops rings with no area even at full precision, as ONS BGC has in Plymouth, and holes of a dropped exterior", () => {
    // Parts of E01015182 and E01015145 as published (ONS BGC via the mirror): one point four times, and a line there and back.
    const point: Position[] = [[-4.13374, 50.36439], [-4.13374, 50.36439], [-4.13374, 50.36439], [-4.13374, 50.36439]];
    const line: Position[] = [[-4.18463, 50.39602], [-4.18467, 50.39602], [-4.18467, 50.39602], [-4.18463, 50.39602]];
    const body = square(-4.14, 50.36, 0.004);
    const input = collection<Polygon | MultiPolygon>([
      multiPolygonFeature("E01015182", [[point], [line, square(-4.18465, 50.39601, 0.00001, true)], [body]]),
    ]);
    const out = prepareBoundaries(input, { keep: ["code"], ...BOUNDARY_DEFAULTS });
    const polygons = (out.collection.features[0].geometry as MultiPolygon).coordinates;
    expect(polygons).toHaveLength(1);
    expect(new Set(polygons[0][0].map(String))).toEqual(new Set(body.map(String)));
    expect(isClockwise(polygons[0][0])).toBe(true);
    expect(out.stats).toMatchObject({ rings: 4, ringsDropped: 3, ringsFullPrecision: 0 });
    // d3-geo (as Plot draws the map) throws "Cannot read properties of undefined (reading '0')" on the one-point ring.
    const path = geoPath(geoTransverseMercator().rotate([4, 0]).fitSize([600, 600], out.collection));
    expect(path(out.collection)).toMatch(/^M[\d.,-]+L/);
    const raw = { type: "Feature", properties: {}, geometry: { type: "MultiPolygon", coordinates: [[[point[0]]], [body]] } };
    expect(() => geoPath(geoTransverseMercator().rotate([4, 0]).fitSize([600, 600], raw))(raw)).toThrow(TypeError);
  });

  it("names a feature left with no ring that encloses an area", () => {
    const input = collection<Polygon | MultiPolygon>([polygonFeature("E01099999", [[[0, 51], [1, 51], [0, 51], [0, 51]]])]);
    expect(() => prepareBoundaries(input, { keep: ["code"], tolerance: 0, decimals: 5, label: "LSOA boundaries" })).toThrow(
      /^LSOA boundaries: feature 1 \(E01099999\) has no ring that encloses an area$/,
    );
  });

  it("keeps a ring whose simplified form collapses, rounded instead", () => {
    // A thin triangle-ish ring: tolerance larger than the ring, rounding fine enough to keep it.
    const ring = [[0, 0], [0.001, 0.00001], [0.002, 0], [0.001, 0.00002], [0, 0]];
    expect(isUsableRing(prepareRing(ring, 0.1, 5)!)).toBe(true);
  });

  it("reports the UTF-8 size of the JSON it returns, and is deterministic", () => {
    const a = prepareBoundaries(fixtures, { keep: ["code", "name"], tolerance: 0.001, decimals: 5 });
    const b = prepareBoundaries(fixtures, { keep: ["code", "name"], tolerance: 0.001, decimals: 5 });
    expect(a.json).toBe(b.json);
    expect(a.bytes).toBe(Buffer.byteLength(a.json, "utf8"));
    expect(a.bytes).toBe(byteLength(a.json));
    expect(a.bytes).toBeGreaterThan(a.json.length); // "—" and "é" take more than one byte
    expect(JSON.parse(a.json)).toEqual(a.collection);
  });

  it("leaves its input untouched", () => {
    prepareBoundaries(fixtures, { keep: ["code"], tolerance: 0.01, decimals: 3 });
    expect(fixtures).toEqual(frozen);
  });

  it("throws a clear error over budget", () => {
    const run = () => prepareBoundaries(fixtures, { keep: ["code"], tolerance: 0, decimals: 5, budgetBytes: 100, label: "test LSOAs" });
    expect(run).toThrow(BoundaryBudgetError);
    expect(run).toThrow(/^Test LSOAs are \d{3} bytes after preparation, over the budget of 100 bytes \(2 features/);
  });

  it("rejects missing properties, bad options and non-polygon features", () => {
    expect(() => prepareBoundaries(fixtures, { keep: ["LSOA21CD"], tolerance: 0, decimals: 5 })).toThrow(
      /feature 1 has no property "LSOA21CD" \(it has: code, name, extra, nothing\)/,
    );
    expect(() => pickProperties(null, ["code"])).toThrow(/has no property "code" \(it has: none\)/);
    expect(() => prepareBoundaries(fixtures, { keep: ["code"], rename: { name: "n" }, tolerance: 0, decimals: 5 })).toThrow(
      /not in keep/,
    );
    expect(() => prepareBoundaries(fixtures, { keep: ["code", "name"], rename: { name: "code" }, tolerance: 0, decimals: 5 })).toThrow(
      /both be called "code"/,
    );
    expect(() => prepareBoundaries(fixtures, { keep: [], tolerance: -1, decimals: 5 })).toThrow(RangeError);
    expect(() => prepareBoundaries(fixtures, { keep: [], tolerance: 0, decimals: 2.5 })).toThrow(RangeError);
    const points = {
      type: "FeatureCollection",
      features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [0, 51] } }],
    } as unknown as Boundaries;
    expect(() => prepareBoundaries(points, { keep: [], tolerance: 0, decimals: 5 })).toThrow(/must be a Polygon or MultiPolygon, not Point/);
  });
});

describe("prepareBoundaries on London LSOAs at the defaults", () => {
  let london: Boundaries;
  let nel: Boundaries;
  beforeAll(() => {
    london = readBoundaries(LSOA21_LONDON);
    nel = { ...london, features: london.features.filter((f) => NEL_LADS.has(f.properties?.LAD22CD)) };
  });

  it("keeps all 1,087 NEL LSOAs, seamless, wound for d3 and under 600 KB", () => {
    const out = prepareBoundaries(nel, { keep: ["LSOA21CD", "LSOA21NM"], ...BOUNDARY_DEFAULTS, budgetBytes: 600_000 });
    expect(out.collection.features.map((f) => f.properties!.LSOA21CD)).toEqual(nel.features.map((f) => f.properties!.LSOA21CD));
    expect(out.stats.positionsOut).toBeLessThan(out.stats.positionsIn * 0.75);
    for (const f of out.collection.features) {
      for (const rings of polygonsOf(f)) {
        rings.forEach((ring, i) => {
          expect(isUsableRing(ring)).toBe(true);
          expect(isClockwise(ring)).toBe(i === 0);
        });
      }
      expect(geoArea(f)).toBeLessThan(1e-4);
    }
    // Shared edges stay shared (the source itself: 96.9% of segments), and the total area barely moves.
    expect(sharedSegmentShare(out.collection)).toBeGreaterThanOrEqual(sharedSegmentShare(nel) - 0.005);
    const before = nel.features.reduce((s, f) => s + area(f), 0);
    const after = out.collection.features.reduce((s, f) => s + area(f), 0);
    expect(Math.abs(after / before - 1)).toBeLessThan(0.001);
  });

  it("opens slivers between neighbours when rings are simplified one by one (why preserveTopology is the default)", () => {
    const out = prepareBoundaries(nel, { keep: ["LSOA21CD"], ...BOUNDARY_DEFAULTS, preserveTopology: false });
    expect(sharedSegmentShare(out.collection)).toBeLessThan(0.7);
  });

  it("keeps all London LSOAs under 3 MB", () => {
    const out = prepareBoundaries(london, { keep: ["LSOA21CD", "LSOA21NM"], ...BOUNDARY_DEFAULTS, budgetBytes: 3_000_000 });
    expect(out.collection.features).toHaveLength(4994);
    expect(out.stats.rings).toBe(5038);
  });
});
