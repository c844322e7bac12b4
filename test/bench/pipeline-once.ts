// One measured fetch + build for a place (run in its own process so peak memory is this run's alone); prints JSON.
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { build } from "../../pipelines/build/build.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { openDb } from "../../pipelines/db/connection.ts";

const [placeFile, mirror] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "chest-bench-"));
const place = loadPlace(placeFile);
const t0 = performance.now();
await fetchSources({ place, rawDir: join(dir, "raw"), mirror, log: silentLogger });
const t1 = performance.now();
const dbPath = join(dir, "chest.duckdb");
await build({ place, rawDir: join(dir, "raw"), dbPath, log: silentLogger });
const t2 = performance.now();
const db = await openDb(dbPath, { readOnly: true });
const [{ lsoas }] = await db.all<{ lsoas: number }>(`SELECT count(*)::INTEGER AS lsoas FROM lsoa`);
const boundaries = await db.all(`SELECT layer, features, bytes FROM boundary ORDER BY layer`);
db.close();
process.stdout.write(
  JSON.stringify({
    place: place.name,
    lsoas,
    fetchSeconds: (t1 - t0) / 1000,
    buildSeconds: (t2 - t1) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    dbPath,
    boundaries,
  }) + "\n",
);
