// Benchmark of service reach: 50,000 service locations against London's 4,994 LSOA population-weighted centroids, with the R-tree index and by brute force (a timed subsample, extrapolated), plus the whole services stage on a London database. Run: npx tsx test/bench/services.bench.ts [locations] [--no-stage]
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { distance } from "@turf/turf";
import { readBoundaries } from "../../geo/read.ts";
import { buildSpatialIndex, locateBruteForce } from "../../geo/spatial-index.ts";
import { build } from "../../pipelines/build/build.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { memoryLogger, silentLogger } from "../../pipelines/log.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { reachPairs } from "../../pipelines/services/locate.ts";
import { buildServices } from "../../pipelines/services/stage.ts";
import { mulberry32 as seeded } from "../../src/lib/random.ts";

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 50_000);
const withStage = !args.includes("--no-stage");
const WALK = 1200;
const root = fileURLToPath(new URL("../../", import.meta.url));
const mirror = fileURLToPath(new URL("../../../shared/data/", import.meta.url));


function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

async function timeAsync<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run();
  return [result, performance.now() - start];
}

function table(title: string, rows: Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0]);
  const cells = rows.map((r) => columns.map((c) => (typeof r[c] === "number" ? (r[c] as number).toLocaleString("en-GB") : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  process.stdout.write(`\n${title}\n${line(columns)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const row of cells) process.stdout.write(`${line(row)}\n`);
}

// London's LSOAs and their population-weighted centroids
const london = readBoundaries(join(mirror, "geography/boundaries/lsoa21_london_gen20m.geojson"));
const codes = new Set(london.features.map((f) => f.properties!.LSOA21CD as string));
const centroids = readFileSync(join(mirror, "geography/lookups/lsoa21_population_weighted_centroids.csv"), "utf8")
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => line.split(","))
  .filter(([code]) => codes.has(code))
  .map(([code, lon, lat]) => ({ code, lon: Number(lon), lat: Number(lat) }));

// Service locations where services are: near a random LSOA's centroid (within about 400 m), so density follows population
const random = seeded(20251105);
const points = Array.from({ length: N }, (_, i) => {
  const c = centroids[Math.floor(random() * centroids.length)];
  return { id: `L${i}`, lon: c.lon + (random() - 0.5) * 0.011, lat: c.lat + (random() - 0.5) * 0.0072 };
});

// ── reach: with the index (what the stage runs) ─────────────────────────────
reachPairs(points.slice(0, 2000), centroids, WALK); // warm up
const [pairs, indexMs] = time(() => reachPairs(points, centroids, WALK));

// ── reach: without an index, every location against every centroid, on a subsample ──
const SUB = Math.min(1000, N);
const [brutePairs, bruteMs] = time(() => {
  const found: { id: string; code: string }[] = [];
  for (const p of points.slice(0, SUB)) for (const c of centroids) if (distance([p.lon, p.lat], [c.lon, c.lat], { units: "meters" }) <= WALK) found.push({ id: p.id, code: c.code });
  return found;
});
const key = (x: { id: string; code: string }) => `${x.id} ${x.code}`;
const indexSub = new Set(pairs.filter((p) => Number(p.id.slice(1)) < SUB).map(key));
const agree = brutePairs.length === indexSub.size && brutePairs.every((p) => indexSub.has(key(p)));

// ── locating each location in its LSOA: index against every polygon ─────────
const [index, indexBuildMs] = time(() => buildSpatialIndex(london, { codeProperty: "LSOA21CD" }));
index.locateMany(points.slice(0, 2000)); // warm up
const [located, locateMs] = time(() => index.locateMany(points));
const LOCATE_SUB = Math.min(200, N);
const [bruteLocated, bruteLocateMs] = time(() => points.slice(0, LOCATE_SUB).map((p) => locateBruteForce(london, "LSOA21CD", p.lon, p.lat)));
const locateAgree = bruteLocated.every((c, i) => c === located[i]);

table(`Reach: ${N.toLocaleString("en-GB")} service locations × ${centroids.length.toLocaleString("en-GB")} London LSOA population-weighted centroids within ${WALK.toLocaleString("en-GB")} m (haversine, turf distance)`, [
  { method: "R-tree on centroids (geo/reach withinDistance)", "ms": Math.round(indexMs), "µs per location": +((indexMs * 1000) / N).toFixed(1), pairs: pairs.length },
  {
    method: `no index: every pair, ${SUB.toLocaleString("en-GB")} locations timed, ×${(N / SUB).toLocaleString("en-GB")} extrapolated`,
    "ms": Math.round((bruteMs * N) / SUB),
    "µs per location": +((bruteMs * 1000) / SUB).toFixed(1),
    pairs: Math.round((brutePairs.length * N) / SUB),
  },
]);
process.stdout.write(`speed-up ${Math.round(bruteMs / SUB / (indexMs / N))}×; index and brute force find the same ${brutePairs.length.toLocaleString("en-GB")} pairs for the timed locations: ${agree}\n`);

table(`Locating the same ${N.toLocaleString("en-GB")} locations in London's ${london.features.length.toLocaleString("en-GB")} LSOA polygons`, [
  { method: `packed R-tree + turf point-in-polygon (index built in ${Math.round(indexBuildMs)} ms)`, "ms": Math.round(locateMs), "µs per location": +((locateMs * 1000) / N).toFixed(1) },
  {
    method: `no index: turf on every polygon, ${LOCATE_SUB} locations timed, ×${(N / LOCATE_SUB).toLocaleString("en-GB")} extrapolated`,
    "ms": Math.round((bruteLocateMs * N) / LOCATE_SUB),
    "µs per location": +((bruteLocateMs * 1000) / LOCATE_SUB).toFixed(1),
  },
]);
process.stdout.write(`index and brute force agree on the ${LOCATE_SUB} timed locations: ${locateAgree}\n`);

// ── the whole services stage on a London database ────────────────────────────
if (withStage) {
  const dir = mkdtempSync(join(tmpdir(), "chest-services-bench-"));
  const place = loadPlace(join(root, "data/places/london.json"));
  const rawDir = join(dir, "raw");
  const dbPath = join(dir, "chest.duckdb");
  await fetchSources({ place, rawDir, mirror, log: silentLogger });
  await build({ place, rawDir, dbPath, log: silentLogger });
  const kinds = ["Walking football", "Lunch club", "Money advice", "Community pantry", "Mindfulness", "Carers cafe", "Job club", "Bingo"];
  const directory = points.map((p, i) => ({
    id: `svc-${i}`,
    name: `${kinds[i % kinds.length]} ${i}`,
    status: "active",
    organization: { id: `org-${i % 5000}`, name: `Organisation ${i % 5000}` },
    service_at_locations: [{ id: `sal-${i}`, location: { id: `loc-${i}`, location_type: "physical", name: `Venue ${i}`, latitude: +p.lat.toFixed(6), longitude: +p.lon.toFixed(6) } }],
    schedules: [{ id: `sch-${i}`, freq: "WEEKLY", byday: "TU" }],
    attributes: [{ id: `att-${i}`, taxonomy_term: { id: `t-${i % kinds.length}`, name: kinds[i % kinds.length], description: "" } }],
  }));
  const file = join(dir, "bench-directory.json");
  writeFileSync(file, JSON.stringify(directory));
  const db = await openDb(dbPath);
  const lines = memoryLogger();
  const [, stageMs] = await timeAsync(() => buildServices(db, [file], { place, reportsDir: join(dir, "rejects"), log: lines, rawDir }));
  const [counts] = await db.all<{ services: number; reach: number; provision: number }>(
    `SELECT (SELECT count(*) FROM service)::INTEGER AS services, (SELECT count(*) FROM service_reach)::INTEGER AS reach, (SELECT count(*) FROM provision)::INTEGER AS provision`,
  );
  db.close();
  table(`Whole services stage on a London database (read, validate, locate, reach, provision SQL) for a ${N.toLocaleString("en-GB")}-service JSON directory`, [
    { step: "buildServices", "ms": Math.round(stageMs), services: counts.services, "service_reach rows": counts.reach, "provision rows": counts.provision },
  ]);
  process.stdout.write(`${lines.lines.find((l) => l.startsWith("services: read "))}\n`);
}
process.stdout.write(`\nNode ${process.version}, ${process.arch}\n`);
