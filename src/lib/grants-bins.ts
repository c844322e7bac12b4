// Classes for the grant £-per-resident map: "none" for areas with no grant money, then round-number bands chosen from the data, each with words for the legend.
import { formatPounds } from "./format.js";

/** Round £ amounts a band edge may take (so the legend reads "£0.25 to under £0.50", not "£0.2371 …"). */
const niceEdges = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];

export const NO_MONEY = "None placed here";

export interface MoneyBands {
  /** Band edges in £ per resident, ascending. */
  edges: number[];
  /** Legend labels: NO_MONEY first, then one per band. */
  labels: string[];
  /** The label for a value: null (no residents, no figure) → null; 0 → NO_MONEY. */
  label(value: number | null | undefined): string | null;
}

function money(value: number): string {
  return formatPounds(value, { pence: value < 10 && !Number.isInteger(value) });
}

function quantile(sorted: number[], p: number): number {
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

/** Up to five bands for the positive values, edges at round amounts near their quartiles and 90th percentile. */
export function moneyBands(values: Iterable<number | null | undefined>): MoneyBands {
  const positive = [...values].filter((v): v is number => typeof v === "number" && v > 0).sort((a, b) => a - b);
  const edges: number[] = [];
  if (positive.length > 1) {
    for (const p of [0.25, 0.5, 0.75, 0.9]) {
      const q = quantile(positive, p);
      const nearest = niceEdges.reduce((best, e) => (Math.abs(Math.log(e / q)) < Math.abs(Math.log(best / q)) ? e : best));
      // Skip an edge too close to the one before (e.g. £0.20 then £0.25), so no band is a sliver.
      const previous = edges[edges.length - 1];
      if (nearest > positive[0] && nearest <= positive[positive.length - 1] && (previous === undefined || nearest >= previous * 1.5)) edges.push(nearest);
    }
  }
  const labels = [NO_MONEY];
  if (positive.length > 0) {
    if (edges.length === 0) labels.push("Some grant money");
    else {
      labels.push(`Under ${money(edges[0])}`);
      for (let i = 1; i < edges.length; i++) labels.push(`${money(edges[i - 1])} to under ${money(edges[i])}`);
      labels.push(`${money(edges[edges.length - 1])} or more`);
    }
  }
  return {
    edges,
    labels,
    label(value) {
      if (value === null || value === undefined || !Number.isFinite(value)) return null;
      if (value <= 0) return NO_MONEY;
      let band = 0;
      while (band < edges.length && value >= edges[band]) band++;
      return labels[1 + band];
    },
  };
}
