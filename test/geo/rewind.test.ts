// Rings must reach d3 with exteriors clockwise and holes counter-clockwise, whichever way the source wound them.
import { rewind as turfRewind } from "@turf/turf";
import type { Feature, Polygon, Position } from "geojson";
import { describe, expect, it } from "vitest";
import { readBoundaries } from "../../geo/read.ts";
import {
  isClockwise,
  rewindFeatureCollection,
  rewindGeometry,
  rewindPolygonRings,
  ringSignedArea2,
  windRing,
} from "../../geo/rewind.ts";
import { LSOA21_LONDON, collection, geoArea, multiPolygonFeature, square } from "./helpers.ts";

const HALF_SPHERE = 2 * Math.PI; // d3.geoArea in steradians: more than this means the ring filled the globe

describe("ring winding", () => {
  it("measures signed area: positive anticlockwise, negative clockwise, zero when degenerate", () => {
    expect(ringSignedArea2(square(0, 0, 1))).toBe(2);
    expect(ringSignedArea2(square(0, 0, 1, true))).toBe(-2);
    expect(ringSignedArea2([[0, 0], [1, 1], [2, 2], [0, 0]])).toBe(0);
    expect(isClockwise(square(10, 50, 0.01, true))).toBe(true);
    expect(isClockwise(square(10, 50, 0.01))).toBe(false);
  });

  it("returns the same ring when it is already wound as asked, a reversed copy otherwise", () => {
    const cw = square(0, 0, 1, true);
    expect(windRing(cw, true)).toBe(cw);
    const ccw = square(0, 0, 1);
    const flipped = windRing(ccw, true);
    expect(flipped).not.toBe(ccw);
    expect(flipped).toEqual(square(0, 0, 1, true));
    expect(ccw).toEqual(square(0, 0, 1)); // input untouched
  });

  it("winds the exterior clockwise and holes anticlockwise, from either winding", () => {
    for (const outerClockwise of [true, false]) {
      const rings = rewindPolygonRings([square(0, 0, 10, outerClockwise), square(2, 2, 2, outerClockwise)]);
      expect(isClockwise(rings[0])).toBe(true);
      expect(isClockwise(rings[1])).toBe(false);
    }
  });

  it("rewinds every part of a MultiPolygon and leaves other geometries alone", () => {
    const multi = multiPolygonFeature("M", [[square(0, 0, 1)], [square(5, 5, 1, true), square(5.2, 5.2, 0.2, true)]]);
    const out = rewindGeometry(multi.geometry);
    expect(out.coordinates.map((p) => p.map(isClockwise))).toEqual([[true], [true, false]]);
    const point = { type: "Point" as const, coordinates: [0, 51] };
    expect(rewindGeometry(point)).toBe(point);
  });
});

describe("a real LSOA for d3", () => {
  const lsoa = readBoundaries(LSOA21_LONDON).features.find((f) => f.properties?.LSOA21CD === "E01000001")!;
  const asRfc = lsoa as Feature<Polygon>; // the mirror is wound anticlockwise (RFC 7946)
  const reversed: Feature<Polygon> = {
    ...asRfc,
    geometry: { type: "Polygon", coordinates: asRfc.geometry.coordinates.map((r: Position[]) => r.slice().reverse()) },
  };

  it("fills the globe in d3 as published, and a small area once rewound", () => {
    expect(isClockwise(asRfc.geometry.coordinates[0])).toBe(false);
    expect(geoArea(asRfc)).toBeGreaterThan(HALF_SPHERE);
    const fixed = rewindFeatureCollection(collection([asRfc])).features[0];
    expect(geoArea(fixed)).toBeLessThan(1e-6);
  });

  it("gives the same rings from both windings, and agrees with turf rewind {reverse: true}", () => {
    const fromRfc = rewindGeometry(asRfc.geometry);
    const fromReversed = rewindGeometry(reversed.geometry);
    expect(isClockwise(fromRfc.coordinates[0])).toBe(true);
    expect(fromReversed.coordinates[0]).toEqual(reversed.geometry.coordinates[0]); // already clockwise: unchanged
    expect(new Set(fromRfc.coordinates[0].map(String))).toEqual(new Set(fromReversed.coordinates[0].map(String)));
    for (const source of [asRfc, reversed]) {
      const turf = turfRewind(source, { reverse: true }) as Feature<Polygon>;
      expect(rewindGeometry(source.geometry).coordinates).toEqual(turf.geometry.coordinates);
    }
  });

  it("rewinds every London LSOA so that d3 sees a small area", () => {
    const all = rewindFeatureCollection(readBoundaries(LSOA21_LONDON));
    const globeFilling = all.features.filter((f) => geoArea(f) > HALF_SPHERE).map((f) => f.properties?.LSOA21CD);
    expect(globeFilling).toEqual([]);
  });
});
