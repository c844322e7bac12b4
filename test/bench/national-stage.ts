// One stage of the national benchmark in its own process (so its peak memory is its own): prints {seconds, cpuSeconds, peakRssMB, detail} as JSON.
// Usage: national-stage.ts STAGE DIR [FILE]  (DIR holds chest.duckdb and raw/; stages: build, generate, floor, grants, referrals, services, need)
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../../pipelines/build/build.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { ingestGrants } from "../../pipelines/grants/stage.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { buildNeed } from "../../pipelines/need/stage.ts";
import { demoRoundsFor } from "../../pipelines/place/demo-rounds.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { referralsStage, runReferralStage } from "../../pipelines/referrals/stage.ts";
import { buildServices } from "../../pipelines/services/stage.ts";
import { loaderFiles, runLoaders } from "../../pipelines/site/loaders.ts";
import { NATIONAL, englishLsoas, generateNational } from "./national-generate.ts";

const [stage, dir, file] = process.argv.slice(2);
const root = fileURLToPath(new URL("../../", import.meta.url));
const mirror = process.env.CHEST_MIRROR ?? join(root, "..", "shared", "data");
const london = loadPlace(join(root, "data/places/london.json"));
const place = { ...london, rounds: demoRoundsFor(london) };
const rawDir = join(dir, "raw");
const dbPath = join(dir, "chest.duckdb");
const ctx = { place, rawDir, reportsDir: join(dir, "rejects"), log: silentLogger, postcodes: null };

async function run(): Promise<unknown> {
  switch (stage) {
    case "build":
      mkdirSync(rawDir, { recursive: true });
      await fetchSources({ place, rawDir, mirror, log: silentLogger });
      await build({ place, rawDir, dbPath, log: silentLogger }, [referralsStage([], ctx)]);
      return { place: place.name };
    case "generate": {
      const db = await openDb(dbPath, { readOnly: true });
      const practices = await db.all<{ code: string; pcn: string | null }>(`SELECT code, pcn_code AS pcn FROM practice WHERE status = 'A' AND prescribing_setting = 4 ORDER BY code`);
      db.close();
      const scale = Number(file ?? 1);
      const counts = { referrals: Math.round(NATIONAL.referrals * scale), grants: Math.round(NATIONAL.grants * scale), services: Math.round(NATIONAL.services * scale) };
      return { counts, practices: practices.length, ...(await generateNational(dir, englishLsoas(mirror), practices, counts)) };
    }
    case "floor": {
      // DuckDB reading the file into a table and doing nothing else (CSV as text, JSON as DuckDB infers it).
      const db = await openDb(join(dir, "floor.duckdb"));
      const read = file.endsWith(".json") ? `read_json(${literal(file)}, maximum_object_size = 1073741824)` : `read_csv(${literal(file)}, header = true, all_varchar = true)`;
      await db.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM ${read}`);
      db.close();
      return {};
    }
    case "grants": {
      const db = await openDb(dbPath);
      const s = await ingestGrants(db, [file], ctx);
      db.close();
      return { accepted: s.grants, rejected: s.rejected };
    }
    case "referrals": {
      const db = await openDb(dbPath);
      const [s] = await runReferralStage(db, [file], ctx, { today: "2025-06-30" });
      db.close();
      return { rows: s.rows, accepted: s.accepted, rejected: s.rejected_rows, fromCoordinates: s.coordinates };
    }
    case "services": {
      const db = await openDb(dbPath);
      await buildServices(db, [file], ctx);
      const [c] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name LIKE 'service%'`);
      db.close();
      return { tables: c.n };
    }
    case "need": {
      const db = await openDb(dbPath);
      await buildNeed(db, place, silentLogger);
      db.close();
      return {};
    }
    case "publish": {
      // Every page-data loader, in this one process on one read-only connection, as `chest site` runs them.
      process.env.CHEST_DB = dbPath;
      const jobs = (await loaderFiles(join(root, "src", "data"))).map((loader) => ({ loader, out: join(dir, "site-data", basename(loader).replace(/\.ts$/, "")) }));
      const times: { loader: string; seconds: number }[] = [];
      let last = performance.now();
      const failed = await runLoaders(jobs, {
        ...silentLogger,
        progress: (message: string) => {
          const now = performance.now();
          times.push({ loader: message.split(":")[0]!, seconds: (now - last) / 1000 });
          last = now;
        },
      });
      const slowest = times.sort((a, b) => b.seconds - a.seconds).slice(0, 6).map((l) => `${l.loader} ${l.seconds.toFixed(1)} s`);
      return { loaders: jobs.length, failed: failed.map((f) => `${basename(f.job.loader)}: ${f.message}`), slowest };
    }
    default:
      throw new Error(`unknown stage ${stage}`);
  }
}

const t = performance.now();
const cpu = process.cpuUsage();
const detail = await run();
const used = process.cpuUsage(cpu); // every thread of the process (DuckDB's too), user + system
process.stdout.write(JSON.stringify({ seconds: (performance.now() - t) / 1000, cpuSeconds: (used.user + used.system) / 1e6, peakRssMB: process.resourceUsage().maxRSS / 1024, detail }) + "\n");
