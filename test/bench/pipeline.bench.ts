// Benchmark: fetch + build time and peak memory for north east London and for London, and the size of each page's data.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const mirror = process.env.CHEST_MIRROR ?? join(repo, "..", "shared", "data");

function once(place: string) {
  const out = execFileSync(process.execPath, ["--import", "tsx", join(repo, "test/bench/pipeline-once.ts"), join(repo, place), mirror], { cwd: repo, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
}

const rows = [];
for (const place of ["data/places/north-east-london.json", "data/places/london.json"]) {
  const runs = [once(place), once(place), once(place)];
  const median = (k: string) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
  rows.push({ place: runs[0].place, lsoas: runs[0].lsoas, fetch_s: median("fetchSeconds").toFixed(2), build_s: median("buildSeconds").toFixed(2), peak_rss_MB: Math.max(...runs.map((r) => r.peakRssMB)).toFixed(0), lsoa_geojson_KB: (runs[0].boundaries.find((b: { layer: string }) => b.layer === "lsoa").bytes / 1024).toFixed(0) });
}
console.log("fetch + build (median of 3 runs, mirror on local disk):");
console.table(rows);

// Page data: what each data loader produced in the last site build (dist/_file/data).
const dataDir = join(repo, "dist", "_file", "data");
try {
  const files = readdirSync(dataDir).map((f) => ({ file: f.replace(/\.[0-9a-f]{8}\./, "."), KB: (statSync(join(dataDir, f)).size / 1024).toFixed(1) }));
  console.log("page data in dist/ (from the last `chest site`):");
  console.table(files);
} catch {
  console.log("no dist/_file/data: run `npm run build` first to measure page data sizes");
}
