// Benchmark for geo/: boundary sizes at the defaults, 1,000,000 points located in London's LSOAs by the index and its alternatives, and walking-distance reach. Run: npm run bench -- geo (CHEST_BENCH_POINTS=… for fewer points)
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { FeatureCollection, MultiPolygon, Polygon } from "geojson";
import { BOUNDARY_DEFAULTS, byteLength, prepareBoundaries } from "../../geo/prepare.ts";
import { withinDistance } from "../../geo/reach.ts";
import { readBoundaries } from "../../geo/read.ts";
import { booleanPointInPolygon } from "@turf/turf";
import { featureContains, flattenRings } from "../../geo/flat-rings.ts";
import { PackedRTree, buildSpatialIndex, geometryBox, locateBruteForce } from "../../geo/spatial-index.ts";
import { mulberry32 as seeded } from "../../src/lib/random.ts";

const DATA = `${process.env.CHEST_MIRROR ? process.env.CHEST_MIRROR.replace(/\/$/, "") : fileURLToPath(new URL("../../../shared/data", import.meta.url))}/geography/`;
const NEL = new Set(["E09000001", "E09000002", "E09000012", "E09000016", "E09000025", "E09000026", "E09000030", "E09000031"]);
type Boundaries = FeatureCollection<Polygon | MultiPolygon>;


function table(title: string, rows: Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0]);
  const cells = rows.map((r) => columns.map((c) => (typeof r[c] === "number" ? (r[c] as number).toLocaleString("en-GB") : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  process.stdout.write(`\n${title}\n${line(columns)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const row of cells) process.stdout.write(`${line(row)}\n`);
}

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

const only = (fc: Boundaries, keep: (p: Record<string, unknown>) => boolean): Boundaries => ({
  ...fc,
  features: fc.features.filter((f) => keep(f.properties ?? {})),
});

// ── Boundary sizes ──────────────────────────────────────────────────────────
const lsoa = readBoundaries(`${DATA}boundaries/lsoa21_london_gen20m.geojson`);
const msoa = readBoundaries(`${DATA}boundaries/msoa21_london_gen20m.geojson`);
const wards = readBoundaries(`${DATA}boundaries/wards25_london.geojson`);
const boroughs = readBoundaries(`${DATA}boundaries/lad22_london_gen20m.geojson`);
const nelMsoas = new Set(only(lsoa, (p) => NEL.has(p.LAD22CD as string)).features.map((f) => f.properties!.MSOA21CD));
const layers: [string, Boundaries, string[], (p: Record<string, unknown>) => boolean][] = [
  ["LSOA", lsoa, ["LSOA21CD", "LSOA21NM"], (p) => NEL.has(p.LAD22CD as string)],
  ["MSOA", msoa, ["MSOA21CD", "MSOA21NM"], (p) => nelMsoas.has(p.MSOA21CD)],
  ["ward", wards, ["WD25CD", "WD25NM", "LAD25CD"], (p) => NEL.has(p.LAD25CD as string)],
  ["borough", boroughs, ["LAD22CD", "LAD22NM"], (p) => NEL.has(p.LAD22CD as string)],
];
const sizeRows: Record<string, string | number>[] = [];
for (const [name, fc, keep, inNel] of layers) {
  for (const [area, subset] of [["NEL", only(fc, inNel)], ["London", fc]] as const) {
    const [out, ms] = time(() => prepareBoundaries(subset, { keep, ...BOUNDARY_DEFAULTS }));
    sizeRows.push({
      layer: `${name} ${area}`,
      features: out.stats.features,
      "source bytes": byteLength(JSON.stringify(subset)),
      "vertices in": out.stats.positionsIn,
      "vertices out": out.stats.positionsOut,
      bytes: out.bytes,
      "gzip bytes": gzipSync(out.json).length,
      ms: Math.round(ms),
    });
  }
}
table(
  `Boundaries at the defaults (tolerance ${BOUNDARY_DEFAULTS.tolerance}°, ${BOUNDARY_DEFAULTS.decimals} decimals, shared edges once); source bytes = compact JSON of the input subset`,
  sizeRows,
);

// ── Point in polygon ───────────────────────────────────────────────────────
// 1,000,000 seeded random points in the box around London's LSOAs, located by the index and by the alternatives at
// hand, in one run (the machine is shared: the ratios are the defensible figure). Best of 3 for the index.
const random = seeded(20250101);
let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
for (const f of lsoa.features) {
  const [x0, y0, x1, y1] = geometryBox(f.geometry);
  minLon = Math.min(minLon, x0); maxLon = Math.max(maxLon, x1); minLat = Math.min(minLat, y0); maxLat = Math.max(maxLat, y1);
}
const PIP_N = Number(process.env.CHEST_BENCH_POINTS ?? 1_000_000);
const pipPoints = Array.from({ length: PIP_N }, () => ({ lon: minLon + random() * (maxLon - minLon), lat: minLat + random() * (maxLat - minLat) }));
const N = 50_000;
const points = pipPoints.slice(0, N).map((p, i) => ({ id: `P${i}`, ...p }));
const codes = lsoa.features.map((f) => f.properties!.LSOA21CD as string);
const lsoaBoxes = new Float64Array(4 * lsoa.features.length);
lsoa.features.forEach((f, i) => lsoaBoxes.set(geometryBox(f.geometry), 4 * i));

/** The index before: packed R-tree over LSOA boxes, then a point-in-polygon test on each candidate. */
function rtreeLocator(test: (i: number, lon: number, lat: number) => boolean) {
  const tree = new PackedRTree(lsoaBoxes);
  const found: number[] = [];
  return (lon: number, lat: number): string | null => {
    found.length = 0;
    tree.search(lon, lat, lon, lat, found);
    let best: string | null = null;
    for (const i of found) if ((best === null || codes[i] < best) && test(i, lon, lat)) best = codes[i];
    return best;
  };
}
const flat = flattenRings(lsoa.features.map((f) => f.geometry));
const pipRows: Record<string, string | number>[] = [];
const perPoint = (ms: number, n: number) => +((ms * 1000) / n).toFixed(2);
let gridAnswer: (string | null)[] = [];
let gridBest = Infinity, gridBuild = Infinity;
for (let run = 0; run < 3; run++) {
  const [index, buildMs] = time(() => buildSpatialIndex(lsoa, { codeProperty: "LSOA21CD" }));
  const [located, ms] = time(() => index.locateMany(pipPoints));
  gridAnswer = located;
  gridBest = Math.min(gridBest, ms);
  gridBuild = Math.min(gridBuild, buildMs);
}
pipRows.push({ method: "grid + flat rings (geo/spatial-index.ts), best of 3", "build ms": Math.round(gridBuild), "ms for all": Math.round(gridBest), "µs/point": perPoint(gridBest, PIP_N), agrees: "—" });
const compare = (label: string, locate: (lon: number, lat: number) => string | null, buildMs: number, sample = PIP_N) => {
  const [answers, ms] = time(() => pipPoints.slice(0, sample).map((p) => locate(p.lon, p.lat)));
  const agrees = answers.every((code, i) => code === gridAnswer[i]);
  pipRows.push({ method: label, "build ms": Math.round(buildMs), "ms for all": Math.round((ms * PIP_N) / sample), "µs/point": perPoint(ms, sample), agrees: String(agrees) });
};
{
  const [locate, buildMs] = time(() => rtreeLocator((i, lon, lat) => featureContains(flat, i, lon, lat) !== 0));
  compare("packed R-tree + flat rings", locate, buildMs);
}
{
  const [locate, buildMs] = time(() => rtreeLocator((i, lon, lat) => booleanPointInPolygon([lon, lat], lsoa.features[i].geometry)));
  compare("packed R-tree + turf booleanPointInPolygon (the index before)", locate, buildMs);
}
const SUB = 1_000;
compare(`turf booleanPointInPolygon on every LSOA, ${SUB.toLocaleString("en-GB")} points timed, extrapolated`, (lon, lat) => locateBruteForce(lsoa, "LSOA21CD", lon, lat), 0, SUB);
const inside = gridAnswer.filter((c) => c !== null).length;
table(`Locating ${PIP_N.toLocaleString("en-GB")} seeded random points in the box around London's ${lsoa.features.length.toLocaleString("en-GB")} LSOAs (${inside.toLocaleString("en-GB")} fall inside one); agrees = same answer as the grid for every point timed`, pipRows);
process.stdout.write(`load average at the end of the point-in-polygon runs: ${loadavg().map((l) => l.toFixed(1)).join(", ")}\n`);

// ── Walking-distance reach ──────────────────────────────────────────────────
const centroidLines = readFileSync(`${DATA}lookups/lsoa21_population_weighted_centroids.csv`, "utf8").trim().split(/\r?\n/).slice(1);
const londonCodes = new Set(lsoa.features.map((f) => f.properties!.LSOA21CD));
const centroids = centroidLines
  .map((line) => line.split(","))
  .filter(([code]) => londonCodes.has(code))
  .map(([code, lon, lat]) => ({ code, lon: Number(lon), lat: Number(lat) }));
withinDistance(points.slice(0, 2000), centroids, 1200); // warm up
const [pairs, reachMs] = time(() => withinDistance(points, centroids, 1200));
const REACH_SUB = 500;
const [bruteReach, bruteReachMs] = time(() => {
  let count = 0;
  for (const p of points.slice(0, REACH_SUB)) {
    for (const c of centroids) {
      const dLat = ((c.lat - p.lat) * Math.PI) / 180, dLon = ((c.lon - p.lon) * Math.PI) / 180;
      const h = Math.sin(dLat / 2) ** 2 + Math.cos((p.lat * Math.PI) / 180) * Math.cos((c.lat * Math.PI) / 180) * Math.sin(dLon / 2) ** 2;
      if (2 * 6_371_008.8 * Math.asin(Math.sqrt(h)) <= 1200) count++;
    }
  }
  return count;
});
const subPairs = pairs.filter((p) => Number(p.id.slice(1)) < REACH_SUB).length;
table(`withinDistance: ${N.toLocaleString("en-GB")} service points × ${centroids.length.toLocaleString("en-GB")} London LSOA centroids at 1.2 km`, [
  { method: "R-tree on centroids + turf distance", ms: Math.round(reachMs), pairs: pairs.length, "pairs/point": +(pairs.length / N).toFixed(1) },
  {
    method: `every pair (inline haversine), ${REACH_SUB} points timed, ×${N / REACH_SUB} extrapolated`,
    ms: Math.round((bruteReachMs * N) / REACH_SUB),
    pairs: Math.round((bruteReach * N) / REACH_SUB),
    "pairs/point": +(bruteReach / REACH_SUB).toFixed(1),
  },
]);
process.stdout.write(`pairs found for the ${REACH_SUB} timed points: index ${subPairs}, every pair ${bruteReach}\n`);
process.stdout.write(`\nNode ${process.version}, ${process.arch}\n`);
