// A uniform grid over areas: each cell names the one area wholly containing it, or the few areas a point in it could be in.
import type { FlatRings } from "./flat-rings.ts";
import { PackedRTree } from "./packed-rtree.ts";

/** Whether area f contains (x, y), edges included. */
export type Contains = (f: number, x: number, y: number) => boolean;

/**
 * Cells of a grid over the areas' extent. A cell that no area's edge reaches lies wholly inside one area (answered
 * with no point-in-polygon test), or inside none, or (where areas overlap) inside several; every other cell lists the
 * areas whose edges reach it or that contain it. Candidates are listed by rank (the caller's order of preference),
 * so the first area that contains a point is the preferred one.
 *
 * Cells are found by x → floor((x - minX) · scale), which never decreases as x grows: a point exactly on an edge
 * falls in a cell that the edge's own box of cells covers, so marking those boxes is enough.
 */
export class AreaGrid {
  private readonly minX: number;
  private readonly minY: number;
  private readonly maxX: number;
  private readonly maxY: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly scaleX: number;
  private readonly scaleY: number;
  /** Area wholly containing the cell (by index), -1 when the cell needs its candidate list. */
  private readonly owner: Int32Array;
  /** Candidates of cell c: ranks candidates[start[c]] … candidates[start[c + 1] - 1], ascending. */
  private readonly start: Uint32Array;
  private readonly candidates: Uint32Array;
  /** Area index of each rank. */
  private readonly byRank: Uint32Array;
  private readonly contains: Contains;

  /**
   * @param flat the areas' rings; @param byRank area indices in order of preference; @param contains the exact test;
   * @param cellsPerArea grid cells per area (more: more cells answered without a test, more memory and build time).
   */
  constructor(flat: FlatRings, byRank: Uint32Array, contains: Contains, cellsPerArea = 64) {
    const areas = byRank.length;
    this.byRank = byRank;
    this.contains = contains;
    const boxes = areaBoxes(flat, areas);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let f = 0; f < areas; f++) {
      minX = Math.min(minX, boxes[4 * f]);
      minY = Math.min(minY, boxes[4 * f + 1]);
      maxX = Math.max(maxX, boxes[4 * f + 2]);
      maxY = Math.max(maxY, boxes[4 * f + 3]);
    }
    const width = maxX - minX, height = maxY - minY;
    const cells = Math.min(1 << 24, Math.max(1, Math.round(cellsPerArea * areas)));
    const aspect = width > 0 && height > 0 ? width / height : 1;
    this.nx = Math.max(1, Math.round(Math.sqrt(cells * aspect)));
    this.ny = Math.max(1, Math.round(cells / this.nx));
    this.minX = minX; this.minY = minY; this.maxX = maxX; this.maxY = maxY;
    this.scaleX = width > 0 ? this.nx / width : 0;
    this.scaleY = height > 0 ? this.ny / height : 0;
    this.owner = new Int32Array(this.nx * this.ny).fill(-1);

    const rankOf = new Uint32Array(areas);
    byRank.forEach((f, rank) => (rankOf[f] = rank));
    const lists = this.edgeCells(flat, rankOf);
    const tree = new PackedRTree(boxes);
    const [start, candidates] = this.settleCells(lists, tree, rankOf);
    this.start = start;
    this.candidates = candidates;
  }

  private cellX(x: number): number {
    const i = Math.floor((x - this.minX) * this.scaleX);
    return i < this.nx ? i : this.nx - 1;
  }

  private cellY(y: number): number {
    const j = Math.floor((y - this.minY) * this.scaleY);
    return j < this.ny ? j : this.ny - 1;
  }

  /** Per cell, the ranks of the areas with an edge reaching it (as a CSR pair: start offsets, ranks). */
  private edgeCells(flat: FlatRings, rankOf: Uint32Array): [Uint32Array, Uint32Array] {
    const cellCount = this.nx * this.ny;
    const stamp = new Int32Array(cellCount).fill(-1);
    let cellOf = new Uint32Array(1 << 16), rankAt = new Uint32Array(1 << 16), pairs = 0;
    const c = flat.coords;
    for (let f = 0; f < rankOf.length; f++) {
      for (let p = flat.featureStart[f]; p < flat.featureStart[f + 1]; p++) {
        for (let r = flat.polygonStart[p]; r < flat.polygonStart[p + 1]; r++) {
          for (let v = flat.ringStart[r]; v < flat.ringStart[r + 1] - 1; v++) {
            const i0 = this.cellX(Math.min(c[2 * v], c[2 * v + 2])), i1 = this.cellX(Math.max(c[2 * v], c[2 * v + 2]));
            const j0 = this.cellY(Math.min(c[2 * v + 1], c[2 * v + 3])), j1 = this.cellY(Math.max(c[2 * v + 1], c[2 * v + 3]));
            for (let j = j0; j <= j1; j++) {
              for (let i = i0; i <= i1; i++) {
                const cell = j * this.nx + i;
                if (stamp[cell] === f) continue;
                stamp[cell] = f;
                if (pairs === cellOf.length) {
                  cellOf = grow(cellOf);
                  rankAt = grow(rankAt);
                }
                cellOf[pairs] = cell;
                rankAt[pairs++] = rankOf[f];
              }
            }
          }
        }
      }
    }
    return csr(cellCount, cellOf.subarray(0, pairs), rankAt.subarray(0, pairs));
  }

  /**
   * Each cell's areas: those whose edges reach it, plus those containing its centre (an area with no edge in the
   * cell contains all of it or none of it). A cell with no edges and one such area gets that area as its owner.
   */
  private settleCells([edgeStart, edgeRanks]: [Uint32Array, Uint32Array], tree: PackedRTree, rankOf: Uint32Array): [Uint32Array, Uint32Array] {
    const cellCount = this.nx * this.ny;
    const start = new Uint32Array(cellCount + 1);
    let out = new Uint32Array(edgeRanks.length + 1024), n = 0;
    const seen = new Int32Array(rankOf.length).fill(-1);
    const found: number[] = [];
    const extra: number[] = [];
    for (let j = 0; j < this.ny; j++) {
      const y = this.minY + (j + 0.5) / (this.scaleY || 1);
      let clearRun = false;
      for (let i = 0; i < this.nx; i++) {
        const cell = j * this.nx + i;
        const x = this.minX + (i + 0.5) / (this.scaleX || 1);
        const first = n;
        for (let k = edgeStart[cell]; k < edgeStart[cell + 1]; k++) seen[edgeRanks[k]] = cell;
        const centred = this.cellX(x) === i && this.cellY(y) === j;
        const edges = edgeStart[cell + 1] - edgeStart[cell];
        // Two side-by-side cells that no edge reaches lie in the same areas: the left one's answer stands.
        const sameAsLeft = edges === 0 && centred && clearRun;
        clearRun = edges === 0 && centred;
        if (!sameAsLeft) {
          found.length = 0;
          if (centred) tree.search(x, y, x, y, found);
          else tree.search(this.minX + i / (this.scaleX || 1), this.minY + j / (this.scaleY || 1), this.minX + (i + 1) / (this.scaleX || 1), this.minY + (j + 1) / (this.scaleY || 1), found);
          extra.length = 0;
          for (const f of found) if (seen[rankOf[f]] !== cell && (!centred || this.contains(f, x, y))) extra.push(rankOf[f]);
        }
        if (edges === 0 && extra.length === 1 && centred) {
          this.owner[cell] = this.byRank[extra[0]];
        } else if (edges + extra.length > 0) {
          if (n + edges + extra.length > out.length) out = grow(out, n + edges + extra.length);
          out.set(edgeRanks.subarray(edgeStart[cell], edgeStart[cell + 1]), n);
          out.set(extra, n + edges);
          n += edges + extra.length;
          out.subarray(first, n).sort();
        }
        start[cell + 1] = n;
      }
    }
    return [start, out.slice(0, n)];
  }

  /** Index of the first area by rank containing (x, y), or -1. */
  locate(x: number, y: number): number {
    if (!(x >= this.minX && x <= this.maxX && y >= this.minY && y <= this.maxY)) return -1;
    const cell = this.cellY(y) * this.nx + this.cellX(x);
    const owner = this.owner[cell];
    if (owner >= 0) return owner;
    for (let k = this.start[cell], end = this.start[cell + 1]; k < end; k++) {
      const f = this.byRank[this.candidates[k]];
      if (this.contains(f, x, y)) return f;
    }
    return -1;
  }

  /** Indices of every area containing (x, y), in rank order. */
  locateAll(x: number, y: number): number[] {
    if (!(x >= this.minX && x <= this.maxX && y >= this.minY && y <= this.maxY)) return [];
    const cell = this.cellY(y) * this.nx + this.cellX(x);
    if (this.owner[cell] >= 0) return [this.owner[cell]];
    const out: number[] = [];
    for (let k = this.start[cell], end = this.start[cell + 1]; k < end; k++) {
      const f = this.byRank[this.candidates[k]];
      if (this.contains(f, x, y)) out.push(f);
    }
    return out;
  }

  /** Cells in the grid, and how many are answered without a point-in-polygon test (for benchmarks). */
  get stats(): { cells: number; ownedCells: number; candidates: number } {
    let ownedCells = 0;
    for (const o of this.owner) if (o >= 0) ownedCells++;
    return { cells: this.owner.length, ownedCells, candidates: this.candidates.length };
  }
}

/** Box of each area (the union of its polygons' boxes). */
function areaBoxes(flat: FlatRings, areas: number): Float64Array {
  const boxes = new Float64Array(4 * areas);
  for (let f = 0; f < areas; f++) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let p = flat.featureStart[f]; p < flat.featureStart[f + 1]; p++) {
      minX = Math.min(minX, flat.polygonBox[4 * p]);
      minY = Math.min(minY, flat.polygonBox[4 * p + 1]);
      maxX = Math.max(maxX, flat.polygonBox[4 * p + 2]);
      maxY = Math.max(maxY, flat.polygonBox[4 * p + 3]);
    }
    boxes.set([minX, minY, maxX, maxY], 4 * f);
  }
  return boxes;
}

function grow(array: Uint32Array, atLeast = 0): Uint32Array<ArrayBuffer> {
  const bigger = new Uint32Array(Math.max(2 * array.length, atLeast));
  bigger.set(array);
  return bigger;
}

/** Group (cell, value) pairs by cell, keeping their order within a cell: offsets per cell and the values. */
function csr(cellCount: number, cells: Uint32Array, values: Uint32Array): [Uint32Array, Uint32Array] {
  const start = new Uint32Array(cellCount + 1);
  for (const cell of cells) start[cell + 1]++;
  for (let c = 0; c < cellCount; c++) start[c + 1] += start[c];
  const next = start.slice(0, cellCount);
  const out = new Uint32Array(values.length);
  for (let k = 0; k < cells.length; k++) out[next[cells[k]]++] = values[k];
  return [start, out];
}
