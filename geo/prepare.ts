// Prepares boundaries for the browser: named properties only, simplified without gaps between neighbours, quantised, rewound for d3, held to a size budget.
import type { Feature, FeatureCollection, GeoJsonProperties, MultiPolygon, Polygon, Position } from "geojson";
import { ChestError, ExitCode } from "../src/lib/errors.ts";
import { closeRing, dropRepeatedPoints, isUsableRing, quantiseRing } from "./quantise.ts";
import { rewindPolygonRings } from "./rewind.ts";
import { simplifyRing, simplifySharedRings } from "./simplify.ts";

export type BoundaryGeometry = Polygon | MultiPolygon;

export interface PrepareOptions {
  /** Properties to keep, in output order; every feature must have each of them (null values are fine). */
  keep: readonly string[];
  /** Output names for kept properties, e.g. { LSOA21CD: "code" }. */
  rename?: Readonly<Record<string, string>>;
  /** Simplification tolerance in degrees (1e-4 ≈ 11 m north–south, 7 m east–west in London). 0 keeps every vertex. */
  tolerance: number;
  /** Decimal places kept in coordinates (5 ≈ 1 m, 4 ≈ 10 m). */
  decimals: number;
  /** Fail when the serialized collection is larger than this many bytes. */
  budgetBytes?: number;
  /**
   * Simplify each edge shared by two areas once, so neighbours stay seamless (default true). false simplifies every
   * ring on its own, which opens slivers between neighbours once the tolerance nears the vertex spacing.
   */
  preserveTopology?: boolean;
  /** What the boundaries are, for error messages (e.g. "LSOA boundaries for NEL"). */
  label?: string;
}

export interface PrepareStats {
  features: number;
  rings: number;
  positionsIn: number;
  positionsOut: number;
  /** Rings whose simplified form collapsed, so the unsimplified ring was kept (rounded). */
  ringsUnsimplified: number;
  /** Rings that collapsed even when only rounded, so the original ring was kept at full precision. */
  ringsFullPrecision: number;
  /**
   * Rings dropped because they enclose no area even at full precision (one point repeated, or a line traced there and
   * back, as a few ONS BGC rings are): d3-geo throws on a one-point ring, so such a ring would stop the whole map.
   * A polygon whose exterior is dropped goes with its holes.
   */
  ringsDropped: number;
}

export interface PreparedBoundaries {
  collection: FeatureCollection<BoundaryGeometry>;
  /** The collection serialized as compact JSON, ready to write. */
  json: string;
  /** UTF-8 size of `json` in bytes. */
  bytes: number;
  stats: PrepareStats;
}

/**
 * Defaults measured on the London 20 m generalised boundaries (test/bench/geo.bench.ts prints the table). The source
 * vertices are already ~20 m generalised, so 0.0003° (≈ 21 m east–west, 33 m north–south) removes a third of them;
 * with shared edges simplified once the map stays seamless and looks like the source at city and borough scale
 * (median LSOA area change 1.2%, total 0.02%). NEL LSOAs with code and name: ~579 KB; all London: ~2.8 MB.
 */
export const BOUNDARY_DEFAULTS = { tolerance: 0.0003, decimals: 5 } as const;

/** The prepared boundaries are larger than the budget allows. */
export class BoundaryBudgetError extends ChestError {
  readonly bytes: number;
  readonly budgetBytes: number;
  constructor(label: string, bytes: number, budgetBytes: number, detail: string) {
    super(
      `${label} are ${bytes.toLocaleString("en-GB")} bytes after preparation, over the budget of ` +
        `${budgetBytes.toLocaleString("en-GB")} bytes (${detail}). Raise the tolerance, keep fewer decimals or ` +
        `properties, or map a coarser layer.`,
      ExitCode.failure,
    );
    this.name = "BoundaryBudgetError";
    this.bytes = bytes;
    this.budgetBytes = budgetBytes;
  }
}

/** UTF-8 byte length of a string (browser-safe, no Buffer). */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Only the named properties, in the order given, renamed where asked. Throws when a feature lacks one. */
export function pickProperties(
  properties: GeoJsonProperties,
  keep: readonly string[],
  rename: Readonly<Record<string, string>> = {},
  where = "feature",
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of keep) {
    if (!properties || !Object.prototype.hasOwnProperty.call(properties, name)) {
      const present = properties ? Object.keys(properties).join(", ") || "none" : "none";
      throw new ChestError(`${where} has no property "${name}" (it has: ${present})`, ExitCode.badInput);
    }
    out[rename[name] ?? name] = properties[name];
  }
  return out;
}

/**
 * The last step for one ring: round the simplified ring and drop repeated points. A ring with an area is never lost:
 * when the simplified ring collapses the original is rounded instead, and when even that collapses the original is
 * kept. Null for a ring with no area even at full precision (nothing to draw; d3-geo fails on it).
 */
export function finishRing(
  original: Position[],
  simplified: Position[],
  decimals: number,
  stats?: PrepareStats,
): Position[] | null {
  const quantised = quantiseRing(simplified, decimals);
  if (isUsableRing(quantised)) return quantised;
  const rounded = quantiseRing(original, decimals);
  if (isUsableRing(rounded)) {
    if (stats) stats.ringsUnsimplified++;
    return rounded;
  }
  const full = closeRing(dropRepeatedPoints(original));
  if (!isUsableRing(full)) {
    if (stats) stats.ringsDropped++;
    return null;
  }
  if (stats) stats.ringsFullPrecision++;
  return full;
}

/** One ring on its own: simplified (turf), rounded, repeated points dropped; null when it has no area (see finishRing). */
export function prepareRing(ring: Position[], tolerance: number, decimals: number, stats?: PrepareStats): Position[] | null {
  return finishRing(ring, simplifyRing(ring, tolerance), decimals, stats);
}

/** The polygons of a geometry as lists of rings; throws for anything but a Polygon or MultiPolygon. */
function polygonsOf(geometry: unknown, where: string): Position[][][] {
  const g = geometry as BoundaryGeometry | null;
  if (g?.type === "Polygon") return [g.coordinates];
  if (g?.type === "MultiPolygon") return g.coordinates;
  const type = g === null ? "null" : (g as { type?: unknown })?.type;
  throw new ChestError(`${where} geometry must be a Polygon or MultiPolygon, not ${type}`, ExitCode.badInput);
}

function emptyStats(): PrepareStats {
  return { features: 0, rings: 0, positionsIn: 0, positionsOut: 0, ringsUnsimplified: 0, ringsFullPrecision: 0, ringsDropped: 0 };
}

function checkOptions(options: PrepareOptions): void {
  const { keep, rename = {}, tolerance, decimals, budgetBytes } = options;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new RangeError(`tolerance must be a number ≥ 0, not ${tolerance}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
    throw new RangeError(`decimals must be a whole number from 0 to 15, not ${decimals}`);
  }
  if (budgetBytes !== undefined && !(budgetBytes > 0)) throw new RangeError(`budgetBytes must be positive, not ${budgetBytes}`);
  for (const name of Object.keys(rename)) {
    if (!keep.includes(name)) throw new RangeError(`rename names "${name}", which is not in keep`);
  }
  const names = keep.map((k) => rename[k] ?? k);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new RangeError(`two kept properties would both be called "${duplicate}"`);
}

/**
 * Boundaries ready for the browser: only the named properties; rings simplified at `tolerance` degrees (turf,
 * highQuality false; shared edges once, see preserveTopology); rounded to `decimals` places with repeated points
 * dropped; exterior rings clockwise and holes counter-clockwise for d3-geo/Plot. Every feature and every ring with an
 * area survives; rings with none even at full precision are dropped (stats.ringsDropped), and a feature left with no
 * ring at all is an error naming it. Returns the collection, its compact JSON and byte size; throws
 * BoundaryBudgetError when `budgetBytes` is exceeded.
 */
export function prepareBoundaries(
  collection: FeatureCollection<BoundaryGeometry | null>,
  options: PrepareOptions,
): PreparedBoundaries {
  checkOptions(options);
  const { keep, rename, tolerance, decimals, budgetBytes, preserveTopology = true, label = "boundaries" } = options;
  const stats = emptyStats();

  // Flatten every ring, so shared edges can be found across features.
  const properties: Record<string, unknown>[] = [];
  const polygons: Position[][][][] = [];
  const rings: Position[][] = [];
  collection.features.forEach((feature, i) => {
    const where = `${label}: feature ${i + 1}`;
    properties.push(pickProperties(feature.properties, keep, rename, where));
    const parts = polygonsOf(feature.geometry, where);
    polygons.push(parts);
    for (const part of parts) for (const ring of part) rings.push(ring);
  });

  const simplified = preserveTopology
    ? simplifySharedRings(rings, tolerance, (ring) => isUsableRing(quantiseRing(ring, decimals)))
    : rings.map((ring) => simplifyRing(ring, tolerance));

  let next = 0;
  /** The polygon's rings finished and rewound; null when its exterior has no area (its holes go with it). */
  const finishPolygon = (part: Position[][]): Position[][] | null => {
    const out: Position[][] = [];
    part.forEach((ring, r) => {
      stats.rings++;
      stats.positionsIn += ring.length;
      const done = finishRing(ring, simplified[next++], decimals, stats);
      if (!done) return;
      if (r > 0 && out.length === 0) {
        stats.ringsDropped++; // a hole of a dropped exterior
        return;
      }
      out.push(done);
      stats.positionsOut += done.length;
    });
    return out.length ? rewindPolygonRings(out) : null;
  };
  const features = collection.features.map((feature, i): Feature<BoundaryGeometry> => {
    stats.features++;
    const parts = polygons[i].map(finishPolygon).filter((p): p is Position[][] => p !== null);
    if (parts.length === 0) {
      throw new ChestError(`${label}: feature ${i + 1} (${describe(properties[i])}) has no ring that encloses an area`, ExitCode.badInput);
    }
    const geometry: BoundaryGeometry =
      feature.geometry!.type === "Polygon" ? { type: "Polygon", coordinates: parts[0] } : { type: "MultiPolygon", coordinates: parts };
    return { type: "Feature", properties: properties[i], geometry };
  });

  const prepared: FeatureCollection<BoundaryGeometry> = { type: "FeatureCollection", features };
  const json = JSON.stringify(prepared);
  const bytes = byteLength(json);
  if (budgetBytes !== undefined && bytes > budgetBytes) {
    const detail = `${features.length.toLocaleString("en-GB")} features, tolerance ${tolerance}°, ${decimals} decimals`;
    throw new BoundaryBudgetError(capitalise(label), bytes, budgetBytes, detail);
  }
  return { collection: prepared, json, bytes, stats };
}

function describe(properties: Record<string, unknown>): string {
  const values = Object.values(properties).filter((v) => v !== null && v !== undefined);
  return values.length ? values.map(String).join(", ") : "no properties kept";
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
