// The index must give the same answer as testing every polygon, only faster, and put each LSOA's centroid in that LSOA.
import { booleanPointInPolygon, pointToPolygonDistance } from "@turf/turf";
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from "geojson";
import { beforeAll, describe, expect, it } from "vitest";
import { readBoundaries } from "../../geo/read.ts";
import { UNSURE, featureContains, flattenRings } from "../../geo/flat-rings.ts";
import { PackedRTree, buildSpatialIndex, geometryBox, hilbertIndex, locateBruteForce } from "../../geo/spatial-index.ts";
import {
  LSOA21_LONDON,
  NEL_LADS,
  collection,
  multiPolygonFeature,
  polygonFeature,
  readCentroids,
  seededRandom,
  square,
} from "./helpers.ts";

describe("PackedRTree", () => {
  it("finds exactly the boxes a brute-force scan finds", () => {
    const random = seededRandom(1);
    const n = 1000;
    const boxes = new Float64Array(4 * n);
    for (let i = 0; i < n; i++) {
      const x = random() * 100, y = random() * 100;
      boxes.set([x, y, x + random() * 5, y + random() * 5], 4 * i);
    }
    const tree = new PackedRTree(boxes, 8);
    expect(tree.size).toBe(n);
    for (let q = 0; q < 200; q++) {
      const x = random() * 100, y = random() * 100, w = random() * 10;
      const expected: number[] = [];
      for (let i = 0; i < n; i++) {
        if (boxes[4 * i] <= x + w && boxes[4 * i + 1] <= y + w && boxes[4 * i + 2] >= x && boxes[4 * i + 3] >= y) {
          expected.push(i);
        }
      }
      expect(tree.search(x, y, x + w, y + w).sort((a, b) => a - b)).toEqual(expected);
    }
  });

  it("copes with no items, one item and touching boxes", () => {
    expect(new PackedRTree([]).search(0, 0, 1, 1)).toEqual([]);
    const one = new PackedRTree([0, 0, 1, 1]);
    expect(one.search(1, 1, 2, 2)).toEqual([0]); // touching counts
    expect(one.search(1.1, 1.1, 2, 2)).toEqual([]);
    expect(() => new PackedRTree([1, 1, 0, 0])).toThrow(/not a valid/);
  });

  it("orders cells along a Hilbert curve: each coarse cell follows an adjacent one", () => {
    // The first 3 levels of the 16-level curve, read at the corner of each cell of an 8 × 8 grid.
    const step = 1 << 13;
    const cellOf = new Map<number, [number, number]>();
    for (let x = 0; x < 8; x++) for (let y = 0; y < 8; y++) cellOf.set(Math.floor(hilbertIndex(x * step, y * step) / step ** 2), [x, y]);
    expect([...cellOf.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    for (let d = 1; d < 64; d++) {
      const [x0, y0] = cellOf.get(d - 1)!;
      const [x1, y1] = cellOf.get(d)!;
      expect(Math.abs(x1 - x0) + Math.abs(y1 - y0)).toBe(1);
    }
  });
});

describe("buildSpatialIndex on small fixtures", () => {
  // A: a 2×2 square with a hole; H: the area filling the hole; B: to the right of A, sharing its edge x=2;
  // M: a MultiPolygon of two separate squares; holes and islands must be told apart.
  const fixtures = collection<Polygon | MultiPolygon>([
    polygonFeature("A", [square(0, 0, 2), square(0.5, 0.5, 1, true)]),
    polygonFeature("H", [square(0.5, 0.5, 1)]),
    polygonFeature("B", [square(2, 0, 2, true)]), // wound the other way on purpose
    multiPolygonFeature("M", [[square(10, 10, 1)], [square(20, 20, 1)]]),
  ]);
  const index = buildSpatialIndex(fixtures, { codeProperty: "code" });

  it("locates points inside polygons, in holes and in each part of a MultiPolygon", () => {
    expect(index.size).toBe(4);
    expect(index.locate(0.25, 0.25)).toBe("A");
    expect(index.locate(1, 1)).toBe("H"); // inside A's hole
    expect(index.locate(3, 1)).toBe("B");
    expect(index.locate(10.5, 10.5)).toBe("M");
    expect(index.locate(20.5, 20.5)).toBe("M");
    expect(index.locate(15, 15)).toBeNull(); // between M's parts, inside its bounding box
    expect(index.locate(-1, -1)).toBeNull();
  });

  it("puts a point on a shared edge in the area with the smaller code, whatever the feature order", () => {
    expect(index.locate(2, 1)).toBe("A");
    expect(index.locateAll(2, 1)).toEqual(["A", "B"]);
    expect(index.locate(1.5, 1)).toBe("A"); // on the hole's edge: A and H both touch it
    expect(index.locateAll(1.5, 1)).toEqual(["A", "H"]);
    const reversed = buildSpatialIndex({ ...fixtures, features: [...fixtures.features].reverse() }, { codeProperty: "code" });
    expect(reversed.locate(2, 1)).toBe("A");
    expect(reversed.locate(1.5, 1)).toBe("A");
    expect(index.locate(4, 2)).toBe("B"); // a corner on the outside edge is still inside
  });

  it("locates many points in order, and nowhere for non-numbers", () => {
    expect(index.locateMany([{ lon: 3, lat: 1 }, { lon: 50, lat: 50 }, { lon: 0.25, lat: 0.25 }])).toEqual(["B", null, "A"]);
    expect(index.locate(Number.NaN, 1)).toBeNull();
    expect(index.locateAll(Number.POSITIVE_INFINITY, 1)).toEqual([]);
  });

  it("rejects features without a code or without an area", () => {
    const noCode = collection([polygonFeature("", [square(0, 0, 1)])]);
    expect(() => buildSpatialIndex(noCode, { codeProperty: "code" })).toThrow(/no "code" code/);
    const line = {
      type: "FeatureCollection",
      features: [{ type: "Feature", properties: { code: "L" }, geometry: { type: "LineString", coordinates: [[0, 0], [1, 1]] } }],
    } as FeatureCollection;
    expect(() => buildSpatialIndex(line, { codeProperty: "code" })).toThrow(/LineString, not a Polygon/);
  });

  it("boxes a geometry by its exterior rings", () => {
    expect(geometryBox({ type: "MultiPolygon", coordinates: [[square(10, 10, 1)], [square(20, 20, 1)]] })).toEqual([10, 10, 21, 21]);
  });
});

describe("buildSpatialIndex's grid against brute force on a tiled fixture", () => {
  // A 6 × 6 board of unit squares coded by position (codes out of feature order), one with a hole that another area
  // fills, one with an empty hole, a triangle pair sharing a diagonal and a MultiPolygon, so points land on shared
  // edges, shared corners, hole edges and a diagonal edge (where doubles cannot settle the orientation).
  const features: Feature<Polygon | MultiPolygon>[] = [];
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      const code = `T${String((7 * i + 5 * j) % 36).padStart(2, "0")}`;
      if (i === 2 && j === 2) features.push(polygonFeature(code, [square(i, j, 1), square(i + 0.25, j + 0.25, 0.5, true)]));
      else if (i === 4 && j === 1) features.push(polygonFeature(code, [square(i, j, 1), square(i + 0.25, j + 0.25, 0.5, true)]));
      else if (i === 5 && j === 5) {
        features.push(polygonFeature("D1", [[[5, 5], [6, 5], [6, 6], [5, 5]]]));
        features.push(polygonFeature("D0", [[[5, 5], [6, 6], [5, 6], [5, 5]]]));
      } else if (i !== 0 || j !== 5) features.push(polygonFeature(code, [square(i, j, 1)]));
    }
  }
  features.push(polygonFeature("HOLE", [square(2.25, 2.25, 0.5)])); // fills (2, 2)'s hole; (4, 1)'s stays empty
  features.push(multiPolygonFeature("M", [[square(0, 5, 0.5)], [square(0.5, 5.5, 0.5)]])); // half of cell (0, 5)
  const board = collection<Polygon | MultiPolygon>(features);
  const random = seededRandom(11);
  const points: [number, number][] = [];
  for (let k = 0; k < 3000; k++) points.push([random() * 6.4 - 0.2, random() * 6.4 - 0.2]);
  for (let k = 0; k < 2000; k++) points.push([Math.round(random() * 24) / 4, Math.round(random() * 24) / 4]); // edges, corners, hole edges
  for (let k = 0; k < 200; k++) {
    const t = Math.round(random() * 64) / 64;
    points.push([5 + t, 5 + t]); // on the shared diagonal
  }
  const allBrute = (x: number, y: number) =>
    features.filter((f) => booleanPointInPolygon([x, y], f)).map((f) => f.properties!.code as string).sort();

  it("gives brute force's answer for every point, with few cells or many", () => {
    for (const cellsPerArea of [1, 16, 400]) {
      const index = buildSpatialIndex(board, { codeProperty: "code", cellsPerArea });
      for (const [x, y] of points) {
        expect(index.locate(x, y), `${x}, ${y} at ${cellsPerArea} cells per area`).toBe(locateBruteForce(board, "code", x, y));
        expect(index.locateAll(x, y)).toEqual(allBrute(x, y));
      }
    }
  });

  it("names the smaller code on a shared edge, corner, hole edge and diagonal; nothing in an empty hole", () => {
    const index = buildSpatialIndex(board, { codeProperty: "code", cellsPerArea: 400 });
    const code = (i: number, j: number) => `T${String((7 * i + 5 * j) % 36).padStart(2, "0")}`;
    expect(index.locateAll(1, 0.5)).toEqual([code(0, 0), code(1, 0)].sort());
    expect(index.locate(1, 0.5)).toBe([code(0, 0), code(1, 0)].sort()[0]);
    expect(index.locateAll(1, 1)).toEqual([code(0, 0), code(1, 0), code(0, 1), code(1, 1)].sort());
    expect(index.locateAll(2.25, 2.5)).toEqual([code(2, 2), "HOLE"].sort());
    expect(index.locate(2.5, 2.5)).toBe("HOLE");
    expect(index.locate(4.5, 1.5)).toBeNull(); // the empty hole
    expect(index.locateAll(4.25, 1.5)).toEqual([code(4, 1)]); // its edge still belongs to the area around it
    expect(index.locate(5.5, 5.5)).toBe("D0");
    expect(index.locateAll(5.5, 5.5)).toEqual(["D0", "D1"]);
    expect(index.locate(0.75, 5.25)).toBeNull(); // the part of cell (0, 5) that M leaves out
    expect(index.locate(0.75, 5.75)).toBe("M");
  });

  it("hands turf the points whose orientation doubles cannot settle", () => {
    const flat = flattenRings([features.find((f) => f.properties!.code === "D0")!.geometry]);
    expect(featureContains(flat, 0, 5.5, 5.5)).toBe(UNSURE); // exactly on the diagonal
    expect(featureContains(flat, 0, 5.25, 5.75)).toBe(1);
    expect(featureContains(flat, 0, 5.75, 5.25)).toBe(0);
  });
});

describe("buildSpatialIndex on London LSOAs", () => {
  let london: FeatureCollection<Polygon | MultiPolygon>;
  let index: ReturnType<typeof buildSpatialIndex>;
  beforeAll(() => {
    london = readBoundaries(LSOA21_LONDON);
    index = buildSpatialIndex(london, { codeProperty: "LSOA21CD" });
  });

  it("puts over 99% of NEL population-weighted centroids in their own LSOA, and the rest within 20 m of it", () => {
    const centroids = readCentroids();
    const nel = london.features.filter((f) => NEL_LADS.has(f.properties?.LAD22CD));
    expect(nel).toHaveLength(1087);
    const misplaced: { code: string; found: string | null; metres: number }[] = [];
    for (const f of nel) {
      const code = f.properties!.LSOA21CD as string;
      const c = centroids.get(code);
      expect(c, `centroid for ${code}`).toBeDefined();
      const found = index.locate(c!.lon, c!.lat);
      if (found !== code) {
        misplaced.push({ code, found, metres: pointToPolygonDistance([c!.lon, c!.lat], f, { units: "meters" }) });
      }
    }
    // Measured on the 20 m generalised file: 1,079 of 1,087 (99.26%). The 8 others fall in a neighbouring LSOA
    // 0.04–14.6 m beyond their own boundary: generalisation moved the boundary past the centroid.
    expect(misplaced.length).toBe(8);
    expect((nel.length - misplaced.length) / nel.length).toBeGreaterThan(0.99);
    for (const m of misplaced) {
      expect(m.found, m.code).not.toBeNull();
      expect(m.metres, m.code).toBeLessThan(20);
    }
  });

  it("agrees with brute force on seeded random points, LSOA vertices and points beside them", () => {
    // Brute force: every LSOA, with a box check (computed here, not by the index) before turf's point-in-polygon.
    const boxes = london.features.map((f) => {
      const rings = f.geometry.type === "Polygon" ? [f.geometry.coordinates[0]] : f.geometry.coordinates.map((p) => p[0]);
      const xs = rings.flat().map((p) => p[0]);
      const ys = rings.flat().map((p) => p[1]);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    });
    const bruteForce = (lon: number, lat: number): string | null => {
      let best: string | null = null;
      london.features.forEach((f, i) => {
        const [x0, y0, x1, y1] = boxes[i];
        if (lon < x0 || lon > x1 || lat < y0 || lat > y1) return;
        const code = f.properties!.LSOA21CD as string;
        if ((best === null || code < best) && booleanPointInPolygon([lon, lat], f)) best = code;
      });
      return best;
    };
    const random = seededRandom(2025);
    const points: { lon: number; lat: number }[] = [];
    for (let i = 0; i < 4000; i++) points.push({ lon: -0.52 + random() * 0.87, lat: 51.28 + random() * 0.42 });
    for (let i = 0; i < 1000; i++) {
      const f = london.features[Math.floor(random() * london.features.length)];
      const ring = f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      const [lon, lat] = ring[Math.floor(random() * (ring.length - 1))];
      points.push({ lon, lat }); // exactly on a boundary: the tie rule is exercised
      points.push({ lon: lon + (random() - 0.5) * 1e-5, lat: lat + (random() - 0.5) * 1e-5 });
    }
    const fast = index.locateMany(points);
    expect(fast).toEqual(points.map((p) => bruteForce(p.lon, p.lat)));
    expect(fast.filter((c) => c !== null).length).toBeGreaterThan(4000); // most points landed somewhere
    // The library's own brute force (no boxes) says the same on a few of them.
    for (const p of points.slice(0, 100).concat(points.slice(4000, 4100))) {
      expect(locateBruteForce(london, "LSOA21CD", p.lon, p.lat)).toBe(index.locate(p.lon, p.lat));
    }
  });
});
