// A boundary file that is missing, not JSON or the wrong shape must fail with one message naming the file and the fault.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../pipelines/errors.ts";
import { readBoundaries, readFeatureCollection, validateFeatureCollection } from "../../geo/read.ts";
import { LSOA21_LONDON, square } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "chest-geo-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write a file with an awkward name (spaces, quotes, non-ASCII) and return its path. */
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const feature = (geometry: unknown, properties: unknown = { code: "A" }) => ({ type: "Feature", properties, geometry });
const fc = (...features: unknown[]) => JSON.stringify({ type: "FeatureCollection", features });
const polygon = { type: "Polygon", coordinates: [square(0, 51, 1)] };

function expectInputError(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InputError);
  expect((caught as InputError).exitCode).toBe(3);
  expect((caught as Error).message).toMatch(message);
}

describe("readFeatureCollection", () => {
  it("reads a valid file, with or without a byte-order mark, and returns it as parsed", () => {
    const path = file("ok 'quoted' é.geojson", `\uFEFF${fc(feature(polygon, { code: "A", n: 1 }))}`);
    const out = readBoundaries(path);
    expect(out.features).toHaveLength(1);
    expect(out.features[0].properties).toEqual({ code: "A", n: 1 });
  });

  it("names a missing file and a folder", () => {
    expectInputError(() => readFeatureCollection(join(dir, "absent.geojson")), /absent\.geojson: file not found$/);
    expectInputError(() => readFeatureCollection(dir), /is a folder, not a GeoJSON file/);
  });

  it("names a file that is not JSON", () => {
    expectInputError(() => readFeatureCollection(file("broken.geojson", '{"type": "FeatureCollection", ')), /broken\.geojson: is not valid JSON \(/);
    expectInputError(() => readFeatureCollection(file("empty.geojson", "")), /is not valid JSON/);
  });

  it("names JSON that is not a FeatureCollection", () => {
    expectInputError(() => readFeatureCollection(file("array.json", "[1, 2]")), /holds no JSON object/);
    expectInputError(() => readFeatureCollection(file("feature.json", JSON.stringify(feature(polygon)))), /its "type" is "Feature"/);
    expectInputError(() => readFeatureCollection(file("typeless.json", "{}")), /its "type" is missing/);
    expectInputError(
      () => readFeatureCollection(file("nofeatures.json", '{"type": "FeatureCollection", "features": {}}')),
      /not a valid GeoJSON FeatureCollection: features: /,
    );
    expectInputError(() => readFeatureCollection(file("none.json", fc())), /has no features/);
  });

  it("names the feature and the fault in bad features", () => {
    expectInputError(() => readFeatureCollection(file("f1.json", fc(feature(polygon), { type: "Thing" }))), /feature 2 type: expected "type": "Feature"/);
    expectInputError(() => readFeatureCollection(file("f2.json", fc(feature(null)))), /feature 1 has no geometry \(null\)/);
    expect(readFeatureCollection(file("f2b.json", fc(feature(null))), { allowNullGeometry: true }).features).toHaveLength(1);
    expectInputError(
      () => readBoundaries(file("f3.json", fc(feature(polygon), feature({ type: "LineString", coordinates: [[0, 0], [1, 1]] })))),
      /feature 2 has geometry type "LineString"; expected Polygon or MultiPolygon/,
    );
    expectInputError(() => readFeatureCollection(file("f4.json", fc(feature({ type: "Blob", coordinates: [] })))), /unknown geometry type "Blob"/);
    expectInputError(
      () => readFeatureCollection(file("f5.json", fc(feature({ type: "Polygon", coordinates: [[[0, 0], [1, 0], [0, 0]]] })))),
      /feature 1 geometry\.coordinates\[0\]: a polygon ring needs at least 4 positions/,
    );
    expectInputError(
      () => readFeatureCollection(file("f6.json", fc(feature({ type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] })))),
      /a polygon ring must end where it starts/,
    );
    expectInputError(
      () => readFeatureCollection(file("f7.json", fc(feature({ type: "Polygon", coordinates: [[[0, 0], [1, "0"], [1, 1], [0, 0]]] })))),
      /geometry\.coordinates\[0\]\[1\]\[1\]: /,
    );
    expectInputError(
      () => readFeatureCollection(file("f8.json", fc(feature({ type: "MultiPolygon", coordinates: [[[[0, 0]]]] })))),
      /geometry\.coordinates\[0\]\[0\]: a polygon ring needs at least 4 positions/,
    );
    expectInputError(() => readFeatureCollection(file("f9.json", fc(feature(polygon, "props")))), /feature 1 properties: /);
  });

  it("refuses projected coordinates with advice", () => {
    const bng = { type: "Polygon", coordinates: [[[530000, 180000], [531000, 180000], [531000, 181000], [530000, 180000]]] };
    expectInputError(() => readBoundaries(file("bng.geojson", fc(feature(bng)))), /coordinates \(530000, 180000\) that are not longitude\/latitude.*EPSG:4326/);
    const named = JSON.stringify({
      type: "FeatureCollection",
      crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::27700" } },
      features: [feature(polygon)],
    });
    expectInputError(() => readBoundaries(file("crs.geojson", named)), /uses coordinate reference system urn:ogc:def:crs:EPSG::27700/);
    const wgs = JSON.parse(named);
    wgs.crs.properties.name = "urn:ogc:def:crs:OGC:1.3:CRS84";
    expect(readBoundaries(file("crs84.geojson", JSON.stringify(wgs))).features).toHaveLength(1);
  });

  it("validates without reading from disk too", () => {
    expect(() => validateFeatureCollection({ type: "FeatureCollection", features: [feature(polygon)] }, "memory")).not.toThrow();
    expectInputError(() => validateFeatureCollection("text", "memory"), /^memory: /);
  });

  it("reads the London LSOA mirror", () => {
    const london = readBoundaries(LSOA21_LONDON);
    expect(london.features).toHaveLength(4994);
  });
});
