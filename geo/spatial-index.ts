// Finds which area (LSOA, ward…) contains a point: a packed R-tree over feature bounding boxes, then turf point-in-polygon on the few candidates.
import { booleanPointInPolygon } from "@turf/turf";
import type { FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from "geojson";
import { ChestError, ExitCode } from "../src/lib/errors.ts";

/**
 * A static R-tree packed in Hilbert order (the layout of `flatbush`, written here to avoid a dependency):
 * boxes in one Float64Array, built once, searched without allocation per node.
 */
export class PackedRTree {
  /** Number of items indexed. */
  readonly size: number;
  readonly nodeSize: number;
  private readonly boxes: Float64Array; // minX, minY, maxX, maxY per node; leaves first, root last
  private readonly indices: Uint32Array; // leaves: item number; inner nodes: node number of the first child
  private readonly levelBounds: number[]; // node number just past the end of each level, leaves first

  /** Build from item boxes given as [minX, minY, maxX, maxY] per item, flattened. */
  constructor(itemBoxes: ArrayLike<number>, nodeSize = 16) {
    if (itemBoxes.length % 4 !== 0) throw new RangeError("itemBoxes must hold 4 numbers per item");
    if (!Number.isInteger(nodeSize) || nodeSize < 2) throw new RangeError("nodeSize must be an integer ≥ 2");
    const n = itemBoxes.length / 4;
    this.size = n;
    this.nodeSize = nodeSize;
    const levelBounds = [n];
    let count = n;
    let total = n;
    do {
      count = Math.ceil(count / nodeSize);
      total += count;
      levelBounds.push(total);
    } while (count > 1);
    this.levelBounds = levelBounds;
    this.boxes = new Float64Array(total * 4);
    this.indices = new Uint32Array(total);
    if (n === 0) return;

    // Hilbert order of box centres keeps neighbouring items in the same nodes.
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x0 = itemBoxes[4 * i], y0 = itemBoxes[4 * i + 1], x1 = itemBoxes[4 * i + 2], y1 = itemBoxes[4 * i + 3];
      if (!(x0 <= x1 && y0 <= y1)) throw new RangeError(`box ${i} is not a valid [minX, minY, maxX, maxY]`);
      if (x0 < minX) minX = x0;
      if (y0 < minY) minY = y0;
      if (x1 > maxX) maxX = x1;
      if (y1 > maxY) maxY = y1;
    }
    const hilbertMax = 0xffff;
    const width = maxX - minX || 1;
    const height = maxY - minY || 1;
    const hilbertValues = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const cx = (itemBoxes[4 * i] + itemBoxes[4 * i + 2]) / 2;
      const cy = (itemBoxes[4 * i + 1] + itemBoxes[4 * i + 3]) / 2;
      hilbertValues[i] = hilbertIndex(
        Math.floor((hilbertMax * (cx - minX)) / width),
        Math.floor((hilbertMax * (cy - minY)) / height),
      );
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => hilbertValues[a] - hilbertValues[b] || a - b);
    for (let pos = 0; pos < n; pos++) {
      const item = order[pos];
      for (let k = 0; k < 4; k++) this.boxes[4 * pos + k] = itemBoxes[4 * item + k];
      this.indices[pos] = item;
    }

    // Each level's nodes cover consecutive runs of nodeSize children from the level below.
    let parent = n;
    for (let level = 0; level < levelBounds.length - 1; level++) {
      const start = level === 0 ? 0 : levelBounds[level - 1];
      const end = levelBounds[level];
      for (let child = start; child < end; child += nodeSize) {
        let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
        const last = Math.min(child + nodeSize, end);
        for (let c = child; c < last; c++) {
          if (this.boxes[4 * c] < bx0) bx0 = this.boxes[4 * c];
          if (this.boxes[4 * c + 1] < by0) by0 = this.boxes[4 * c + 1];
          if (this.boxes[4 * c + 2] > bx1) bx1 = this.boxes[4 * c + 2];
          if (this.boxes[4 * c + 3] > by1) by1 = this.boxes[4 * c + 3];
        }
        this.boxes.set([bx0, by0, bx1, by1], 4 * parent);
        this.indices[parent] = child;
        parent++;
      }
    }
  }

  /** Item numbers whose boxes intersect (or touch) the query box, in no particular order. */
  search(minX: number, minY: number, maxX: number, maxY: number, results: number[] = []): number[] {
    if (this.size === 0) return results;
    const boxes = this.boxes;
    const bounds = this.levelBounds;
    const nodeStack: number[] = [bounds[bounds.length - 1] - 1];
    const levelStack: number[] = [bounds.length - 1];
    while (nodeStack.length > 0) {
      const node = nodeStack.pop()!;
      const level = levelStack.pop()!;
      const first = this.indices[node];
      const end = Math.min(first + this.nodeSize, bounds[level - 1]);
      for (let pos = first; pos < end; pos++) {
        if (maxX < boxes[4 * pos] || maxY < boxes[4 * pos + 1] || minX > boxes[4 * pos + 2] || minY > boxes[4 * pos + 3]) {
          continue;
        }
        if (level === 1) results.push(this.indices[pos]);
        else {
          nodeStack.push(pos);
          levelStack.push(level - 1);
        }
      }
    }
    return results;
  }
}

/** Position of (x, y) along a Hilbert curve over a 65,536 × 65,536 grid. */
export function hilbertIndex(x: number, y: number): number {
  let d = 0;
  for (let s = 1 << 15; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - (x & (s - 1));
        y = s - 1 - (y & (s - 1));
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return d;
}

/** [minX, minY, maxX, maxY] of a Polygon or MultiPolygon. */
export function geometryBox(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const polygons: Position[][][] = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  for (const rings of polygons) {
    for (const p of rings[0] ?? []) {
      // holes lie inside the exterior ring, so the exterior alone sets the box
      if (p[0] < minX) minX = p[0];
      if (p[1] < minY) minY = p[1];
      if (p[0] > maxX) maxX = p[0];
      if (p[1] > maxY) maxY = p[1];
    }
  }
  return [minX, minY, maxX, maxY];
}

export interface LonLat {
  lon: number;
  lat: number;
}

export interface SpatialIndex {
  /** Number of features indexed. */
  readonly size: number;
  /** Code of the area containing the point, or null when none does. See buildSpatialIndex for points on a shared edge. */
  locate(lon: number, lat: number): string | null;
  /** locate() for each point, in the same order. */
  locateMany(points: ReadonlyArray<LonLat>): (string | null)[];
  /** Codes of every area containing the point (more than one only on shared edges or overlaps), sorted. */
  locateAll(lon: number, lat: number): string[];
}

export interface SpatialIndexOptions {
  /** Property holding each feature's code, e.g. "LSOA21CD". */
  codeProperty: string;
  /** R-tree node size (default 16). */
  nodeSize?: number;
}

interface IndexedArea {
  code: string;
  geometry: Polygon | MultiPolygon;
}

function indexedAreas(collection: FeatureCollection<Geometry | null>, codeProperty: string): IndexedArea[] {
  return collection.features.map((feature, i) => {
    const code = feature.properties?.[codeProperty];
    if (typeof code !== "string" || code === "") {
      throw new ChestError(`feature ${i + 1} has no "${codeProperty}" code to index`, ExitCode.badInput);
    }
    const geometry = feature.geometry;
    if (geometry?.type !== "Polygon" && geometry?.type !== "MultiPolygon") {
      throw new ChestError(
        `feature ${i + 1} (${code}) is a ${geometry?.type ?? "null geometry"}, not a Polygon or MultiPolygon`,
        ExitCode.badInput,
      );
    }
    return { code, geometry };
  });
}

function contains(area: IndexedArea, lon: number, lat: number): boolean {
  return booleanPointInPolygon([lon, lat], area.geometry);
}

/**
 * A point-in-polygon index over the features' Polygon/MultiPolygon geometries (holes respected). A point exactly on
 * an edge counts as inside; where it lies on the edge shared by two areas, the smaller code wins, so the answer does
 * not depend on feature order. Non-finite coordinates locate nowhere (null).
 */
export function buildSpatialIndex(
  collection: FeatureCollection<Geometry | null>,
  options: SpatialIndexOptions,
): SpatialIndex {
  const areas = indexedAreas(collection, options.codeProperty);
  const boxes = new Float64Array(areas.length * 4);
  areas.forEach((area, i) => boxes.set(geometryBox(area.geometry), 4 * i));
  const tree = new PackedRTree(boxes, options.nodeSize);
  const candidates: number[] = [];

  const locateAll = (lon: number, lat: number): string[] => {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return [];
    candidates.length = 0;
    tree.search(lon, lat, lon, lat, candidates);
    const codes: string[] = [];
    for (const i of candidates) if (contains(areas[i], lon, lat)) codes.push(areas[i].code);
    return codes.sort();
  };

  const locate = (lon: number, lat: number): string | null => {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
    candidates.length = 0;
    tree.search(lon, lat, lon, lat, candidates);
    let best: string | null = null;
    for (const i of candidates) {
      const code = areas[i].code;
      if ((best === null || code < best) && contains(areas[i], lon, lat)) best = code;
    }
    return best;
  };

  return {
    size: areas.length,
    locate,
    locateAll,
    locateMany: (points) => points.map((p) => locate(p.lon, p.lat)),
  };
}

/**
 * The same answer as buildSpatialIndex(...).locate, by testing every feature: for checking the index and for
 * benchmarks, never for real work.
 */
export function locateBruteForce(
  collection: FeatureCollection<Geometry | null>,
  codeProperty: string,
  lon: number,
  lat: number,
): string | null {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  let best: string | null = null;
  for (const feature of collection.features) {
    const code = feature.properties?.[codeProperty] as string;
    const geometry = feature.geometry as Polygon | MultiPolygon;
    if ((best === null || code < best) && booleanPointInPolygon([lon, lat], geometry)) best = code;
  }
  return best;
}
