// Reads a GeoJSON FeatureCollection from disk and checks its shape, so a wrong or broken boundary file fails with one clear message.
import { readFileSync, statSync } from "node:fs";
import type { FeatureCollection, Geometry, MultiPolygon, Polygon } from "geojson";
import { z } from "zod";
import { InputError } from "../src/lib/errors.ts";

export type GeometryType = Geometry["type"];

export const ALL_GEOMETRY_TYPES: readonly GeometryType[] = [
  "Point",
  "MultiPoint",
  "LineString",
  "MultiLineString",
  "Polygon",
  "MultiPolygon",
  "GeometryCollection",
];
export const POLYGON_TYPES: readonly GeometryType[] = ["Polygon", "MultiPolygon"];

export interface ReadGeoJsonOptions {
  /** Geometry types allowed (default: all). */
  geometryTypes?: readonly GeometryType[];
  /** Whether a feature may have a null geometry (default false). */
  allowNullGeometry?: boolean;
}

const position = z.array(z.number(), { error: "expected a position [longitude, latitude]" }).min(2, {
  error: "a position needs a longitude and a latitude",
});
const line = z.array(position).min(2, { error: "a line needs at least 2 positions" });
const ring = z
  .array(position)
  .min(4, { error: "a polygon ring needs at least 4 positions" })
  .refine((r) => r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1], {
    error: "a polygon ring must end where it starts",
  });
const polygon = z.array(ring).min(1, { error: "a polygon needs an exterior ring" });

const geometrySchemas: Record<GeometryType, z.ZodType> = {
  Point: z.object({ type: z.literal("Point"), coordinates: position }),
  MultiPoint: z.object({ type: z.literal("MultiPoint"), coordinates: z.array(position) }),
  LineString: z.object({ type: z.literal("LineString"), coordinates: line }),
  MultiLineString: z.object({ type: z.literal("MultiLineString"), coordinates: z.array(line) }),
  Polygon: z.object({ type: z.literal("Polygon"), coordinates: polygon }),
  MultiPolygon: z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(polygon).min(1) }),
  GeometryCollection: z.object({
    type: z.literal("GeometryCollection"),
    geometries: z.array(z.lazy(() => anyGeometry)),
  }),
};
const anyGeometry: z.ZodType = z.union(Object.values(geometrySchemas) as [z.ZodType, z.ZodType, ...z.ZodType[]]);

const topLevel = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(z.unknown()),
  crs: z.unknown().optional(),
});

const featureShape = z.object({
  type: z.literal("Feature", { error: 'expected "type": "Feature"' }),
  properties: z.record(z.string(), z.unknown(), { error: "properties must be an object or null" }).nullable().optional(),
  geometry: z.object({ type: z.string() }, { error: "geometry must be an object with a type, or null" }).nullable(),
});

function formatPath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
}

function firstIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  const where = formatPath(issue.path);
  return where ? `${prefix}${where}: ${issue.message}` : `${prefix.replace(/ $/, "")}: ${issue.message}`;
}

const WGS84_NAMES = /CRS84|EPSG:+4326|EPSG::4326/i;

/** The WGS84 check on the first position found, so projected (e.g. British National Grid) files are caught early. */
function firstPosition(coordinates: unknown): number[] | null {
  let c = coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return Array.isArray(c) && typeof c[0] === "number" ? (c as number[]) : null;
}

function geometryPositions(geometry: Geometry): number[] | null {
  return geometry.type === "GeometryCollection"
    ? geometry.geometries.length
      ? geometryPositions(geometry.geometries[0])
      : null
    : firstPosition(geometry.coordinates);
}

/**
 * Check an already parsed value is a FeatureCollection of the allowed geometry types with well-formed coordinates in
 * WGS84 longitude/latitude; `file` names it in errors. Returns the same object, typed. Throws InputError.
 */
export function validateFeatureCollection(
  value: unknown,
  file: string,
  options: ReadGeoJsonOptions = {},
): FeatureCollection<Geometry | null> {
  const allowed = options.geometryTypes ?? ALL_GEOMETRY_TYPES;
  const allowNull = options.allowNullGeometry ?? false;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(file, "is not a GeoJSON FeatureCollection (the file holds no JSON object)");
  }
  const type = (value as { type?: unknown }).type;
  if (type !== "FeatureCollection") {
    throw new InputError(
      file,
      `is not a GeoJSON FeatureCollection (its "type" is ${type === undefined ? "missing" : JSON.stringify(type)})`,
    );
  }
  const top = topLevel.safeParse(value);
  if (!top.success) throw new InputError(file, `is not a valid GeoJSON FeatureCollection: ${firstIssue(top.error, "")}`);
  const crsName = (top.data.crs as { properties?: { name?: unknown } } | undefined)?.properties?.name;
  if (typeof crsName === "string" && !WGS84_NAMES.test(crsName)) {
    throw new InputError(file, `uses coordinate reference system ${crsName}; reproject to WGS84 longitude/latitude (EPSG:4326)`);
  }
  if (top.data.features.length === 0) throw new InputError(file, "has no features");

  top.data.features.forEach((raw, i) => {
    const at = `feature ${i + 1}`;
    const feature = featureShape.safeParse(raw);
    if (!feature.success) throw new InputError(file, firstIssue(feature.error, `${at} `));
    // zod strips keys it was not told about, so the geometry is checked on the raw object
    const geometry = (raw as { geometry: { type: string } | null }).geometry;
    if (geometry === null) {
      if (!allowNull) throw new InputError(file, `${at} has no geometry (null)`);
      return;
    }
    if (!allowed.includes(geometry.type as GeometryType)) {
      const known = ALL_GEOMETRY_TYPES.includes(geometry.type as GeometryType);
      throw new InputError(
        file,
        `${at} has ${known ? "geometry type" : "unknown geometry type"} ${JSON.stringify(geometry.type)}; ` +
          `expected ${allowed.join(" or ")}`,
      );
    }
    const checked = geometrySchemas[geometry.type as GeometryType].safeParse(geometry);
    if (!checked.success) throw new InputError(file, firstIssue(checked.error, `${at} geometry.`));
    const p = geometryPositions(geometry as Geometry);
    if (p && (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90)) {
      throw new InputError(
        file,
        `${at} has coordinates (${p[0]}, ${p[1]}) that are not longitude/latitude ` +
          `(British National Grid metres?); reproject to WGS84 (EPSG:4326)`,
      );
    }
  });
  return value as FeatureCollection<Geometry | null>;
}

/** Read and check a GeoJSON FeatureCollection file. Throws InputError when it is missing, not JSON, or the wrong shape. */
export function readFeatureCollection(file: string, options: ReadGeoJsonOptions = {}): FeatureCollection<Geometry | null> {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new InputError(file, "is a folder, not a GeoJSON file");
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : `cannot be read (${(error as Error).message})`;
    throw new InputError(file, reason, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new InputError(file, `is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return validateFeatureCollection(value, file, options);
}

/** Read a boundary file: a FeatureCollection whose every feature is a Polygon or MultiPolygon. */
export function readBoundaries(file: string): FeatureCollection<Polygon | MultiPolygon> {
  return readFeatureCollection(file, { geometryTypes: POLYGON_TYPES }) as FeatureCollection<Polygon | MultiPolygon>;
}
