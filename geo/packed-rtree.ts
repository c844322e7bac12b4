// A static R-tree over boxes packed in Hilbert order (flatbush's layout, written here to avoid a dependency): the spatial index's and reach's box search.

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
