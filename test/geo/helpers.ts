// Shared by the geo tests: where the data mirror is, a seeded random generator, the NEL borough list and small fixture builders.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
// d3 ships without type declarations and @types/d3 is not a dependency: the functions the tests use are typed below.
// @ts-ignore -- untyped module
import { geoArea as d3GeoArea, geoPath as d3GeoPath, geoTransverseMercator as d3GeoTransverseMercator } from "d3";
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from "geojson";
import { mulberry32 } from "../../src/lib/random.ts";

/** mulberry32: a small seeded generator returning numbers in [0, 1). */
export const seededRandom = mulberry32;

/** The mirror of official downloads, beside the repository (../shared/data). */
export const SHARED_DATA = process.env.CHEST_MIRROR ? `${process.env.CHEST_MIRROR.replace(/\/$/, "")}/` : fileURLToPath(new URL("../../../shared/data/", import.meta.url));
export const LSOA21_LONDON = `${SHARED_DATA}geography/boundaries/lsoa21_london_gen20m.geojson`;
export const CENTROIDS = `${SHARED_DATA}geography/lookups/lsoa21_population_weighted_centroids.csv`;

/** The 8 boroughs of NHS North East London (City of London, Barking and Dagenham, Hackney, Havering, Newham, Redbridge, Tower Hamlets, Waltham Forest). */
export const NEL_LADS = new Set([
  "E09000001", "E09000002", "E09000012", "E09000016", "E09000025", "E09000026", "E09000030", "E09000031",
]);

/** d3-geo's spherical area in steradians: more than 2π means the rings were wound the way that fills the globe. */
export const geoArea: (object: Feature | FeatureCollection) => number = d3GeoArea;

/** A d3-geo projection, as far as the tests use one. */
export interface Projection {
  rotate(angles: [number, number]): Projection;
  fitSize(size: [number, number], object: object): Projection;
}
/** d3-geo's transverse Mercator (what Plot's map projections run through): draws a map the way the pages do. */
export const geoTransverseMercator: () => Projection = d3GeoTransverseMercator;
/** d3-geo's path generator: SVG path data for a feature or collection under a projection. */
export const geoPath: (projection: Projection) => (object: object) => string | null = d3GeoPath;


/** ONS population-weighted centroids keyed by LSOA 2021 code (columns LSOA21CD, lon, lat). */
export function readCentroids(): Map<string, { lon: number; lat: number }> {
  const lines = readFileSync(CENTROIDS, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines[0].split(",");
  const [c, x, y] = ["LSOA21CD", "lon", "lat"].map((name) => header.indexOf(name));
  const out = new Map<string, { lon: number; lat: number }>();
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const cells = line.split(",");
    out.set(cells[c], { lon: Number(cells[x]), lat: Number(cells[y]) });
  }
  return out;
}

/** A closed square ring, anticlockwise (RFC 7946 winding) unless asked otherwise. */
export function square(x: number, y: number, size: number, clockwise = false): Position[] {
  const ring: Position[] = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]];
  return clockwise ? ring.reverse() : ring;
}

export function polygonFeature(code: string, rings: Position[][], extra: Record<string, unknown> = {}): Feature<Polygon> {
  return { type: "Feature", properties: { code, ...extra }, geometry: { type: "Polygon", coordinates: rings } };
}

export function multiPolygonFeature(code: string, polygons: Position[][][]): Feature<MultiPolygon> {
  return { type: "Feature", properties: { code }, geometry: { type: "MultiPolygon", coordinates: polygons } };
}

export function collection<G extends Polygon | MultiPolygon>(features: Feature<G>[]): FeatureCollection<G> {
  return { type: "FeatureCollection", features };
}
