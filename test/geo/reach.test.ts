// Walking-distance reach must find exactly the centroids a scan of every pair would find, in a stable order.
import { destination, distance } from "@turf/turf";
import { describe, expect, it } from "vitest";
import { searchBox, withinDistance } from "../../geo/reach.ts";
import { seededRandom } from "./helpers.ts";

const metresBetween = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) =>
  distance([a.lon, a.lat], [b.lon, b.lat], { units: "meters" });

describe("withinDistance", () => {
  // 0.01° of latitude is 1,111.95 m on turf's sphere.
  const centroids = [
    { code: "N", lon: 0, lat: 51.01 },
    { code: "S", lon: 0, lat: 50.99 },
    { code: "FAR", lon: 0.1, lat: 51 },
    { code: "HERE", lon: 0, lat: 51 },
  ];

  it("pairs each point with the centroids within the distance, nearest first, then by code", () => {
    const pairs = withinDistance([{ id: "p1", lon: 0, lat: 51 }, { id: "p2", lon: 5, lat: 55 }], centroids, 1200);
    expect(pairs.map((p) => [p.id, p.code])).toEqual([["p1", "HERE"], ["p1", "N"], ["p1", "S"]]);
    expect(pairs[0].metres).toBe(0);
    expect(pairs[1].metres).toBeCloseTo(1111.95, 1);
    expect(pairs[2].metres).toBeCloseTo(1111.95, 1);
  });

  it("includes a centroid exactly at the distance and excludes one just beyond", () => {
    const d = metresBetween({ lon: 0, lat: 51 }, { lon: 0, lat: 51.01 });
    const at = withinDistance([{ id: 1, lon: 0, lat: 51 }], [centroids[0]], d);
    expect(at).toHaveLength(1);
    expect(at[0].id).toBe(1);
    expect(withinDistance([{ id: 1, lon: 0, lat: 51 }], [centroids[0]], d - 0.001)).toEqual([]);
  });

  it("skips points and centroids that are not numbers, and rejects a bad distance", () => {
    const pairs = withinDistance([{ id: "x", lon: Number.NaN, lat: 51 }, { id: "y", lon: 0, lat: 51 }], [...centroids, { code: "BAD", lon: Number.NaN, lat: 51 }], 10);
    expect(pairs.map((p) => p.code)).toEqual(["HERE"]);
    expect(() => withinDistance([], centroids, -1)).toThrow(RangeError);
    expect(withinDistance([], [], 100)).toEqual([]);
  });

  it("matches a scan of every pair on seeded random points, in London and in the far north", () => {
    for (const [lat0, seed] of [[51.5, 11], [69.5, 12]]) {
      const random = seededRandom(seed);
      const place = () => ({ lon: -0.3 + random() * 0.6, lat: lat0 - 0.15 + random() * 0.3 });
      const cs = Array.from({ length: 400 }, (_, i) => ({ code: `C${String(i).padStart(3, "0")}`, ...place() }));
      const ps = Array.from({ length: 300 }, (_, i) => ({ id: i, ...place() }));
      const metres = 1200;
      const expected: string[] = [];
      for (const p of ps) {
        const near = cs
          .map((c) => ({ code: c.code, d: metresBetween(p, c) }))
          .filter((x) => x.d <= metres)
          .sort((a, b) => a.d - b.d || (a.code < b.code ? -1 : 1));
        for (const n of near) expected.push(`${p.id}:${n.code}`);
      }
      const got = withinDistance(ps, cs, metres).map((pair) => `${pair.id}:${pair.code}`);
      expect(got.length).toBeGreaterThan(100);
      expect(got).toEqual(expected);
    }
  });
});

describe("searchBox", () => {
  it("holds every point on the circle around the centre", () => {
    for (const lat of [0, 51.5, 80]) {
      const [minLon, minLat, maxLon, maxLat] = searchBox(0, lat, 5000);
      for (let bearing = 0; bearing < 360; bearing += 5) {
        const [lon, la] = destination([0, lat], 5000, bearing, { units: "meters" }).geometry.coordinates;
        expect(lon).toBeGreaterThanOrEqual(minLon);
        expect(lon).toBeLessThanOrEqual(maxLon);
        expect(la).toBeGreaterThanOrEqual(minLat);
        expect(la).toBeLessThanOrEqual(maxLat);
      }
    }
  });

  it("opens to every longitude next to a pole", () => {
    const [minLon, , maxLon] = searchBox(0, 89.99, 5000);
    expect(maxLon - minLon).toBeGreaterThanOrEqual(360);
  });
});
