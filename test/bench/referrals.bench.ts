// Benchmark: ingest and measure-building time for 1,000,000 generated referral records, against DuckDB reading the same CSV and nothing else. Run: npx tsx test/bench/referrals.bench.ts [records] (CHEST_DB and CHEST_RAW to reuse a built database).
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../../pipelines/build/build.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { buildMeasures, MEASURE_TABLES } from "../../pipelines/referrals/measures.ts";
import { referralsStage, runReferralStage } from "../../pipelines/referrals/stage.ts";
import { mulberry32 } from "../../src/lib/equity.ts";
import { NEED_CATEGORIES } from "../../src/lib/needs.ts";
import { profileStatements } from "./profile.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const root = fileURLToPath(new URL("../../", import.meta.url));
const mirror = process.env.CHEST_MIRROR ? `${process.env.CHEST_MIRROR.replace(/\/$/, "")}/` : fileURLToPath(new URL("../../../shared/data/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "chest-referrals-bench-"));
const place = loadPlace(join(root, "data/places/north-east-london.json"));
const seconds = (t: number) => (performance.now() - t) / 1000;
/** CPU seconds of this process (every DuckDB thread included) since a process.cpuUsage() reading: steadier than wall time on a shared machine. */
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};

const profile = (db: Awaited<ReturnType<typeof openDb>>) => profileStatements(db, 200);

async function main() {
  let dbPath = process.env.CHEST_DB;
  let rawDir = process.env.CHEST_RAW ?? join(root, "data/raw");
  if (!dbPath || !existsSync(dbPath)) {
    const t = performance.now();
    rawDir = join(dir, "raw");
    dbPath = join(dir, "built.duckdb");
    await fetchSources({ place, rawDir, mirror, log: silentLogger });
    await build({ place, rawDir, dbPath, log: silentLogger }, [referralsStage([], { place, rawDir, reportsDir: join(dir, "rejects"), log: silentLogger })]);
    console.log(`built a database from the mirror in ${seconds(t).toFixed(1)} s (not counted)`);
  }

  // The records: this benchmark's own seeded generator. 85% LSOA 2021 codes, 3% LSOA 2011 codes, 10% coordinates,
  // 2% with a problem (unknown practice, future date, NHS number, unknown need), 1 to 3 needs each.
  const ref = await openDb(dbPath, { readOnly: true });
  const lsoas = await ref.all<{ code: string; lon: number; lat: number }>(`SELECT lsoa21cd AS code, centroid_lon AS lon, centroid_lat AS lat FROM lsoa ORDER BY 1`);
  const practices = await ref.all<{ code: string; pcn: string | null }>(
    `SELECT code, pcn_code AS pcn FROM practice WHERE in_place AND status = 'A' AND prescribing_setting = 4 ORDER BY code`,
  );
  const older = await ref.all<{ code11: string }>(`
    SELECT LSOA11CD AS code11 FROM read_csv(${literal(join(rawDir, "lookup_lsoa11_lsoa21.csv"))}, header = true, all_varchar = true)
    WHERE LSOA21CD IN (SELECT lsoa21cd FROM lsoa) AND LSOA11CD NOT IN (SELECT lsoa21cd FROM lsoa) ORDER BY 1`);
  ref.close();
  const rnd = mulberry32(1_000_003);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const labels = NEED_CATEGORIES.map((c) => c.label);
  const outcomes = ["connected", "connected", "connected", "no_suitable_activity", "declined", "waiting", "other"];
  const bands = ["16-24", "25-34", "35-49", "50-64", "65+", "65+"];
  const csv = join(dir, "referrals-1m.csv");
  const t0 = performance.now();
  const out = createWriteStream(csv);
  out.write("referral_id,referral_date,practice_code,pcn_code,lsoa_code,longitude,latitude,age_band,needs,source,outcome,activity_id,days_waited\n");
  let chunk = "";
  for (let i = 0; i < N; i++) {
    const day = new Date(Date.UTC(2023, 3, 1) + Math.floor(rnd() * 730) * 86_400_000).toISOString().slice(0, 10);
    const p = pick(practices);
    const l = pick(lsoas);
    const u = rnd();
    let lsoa = l.code;
    let lon = "";
    let lat = "";
    if (u < 0.03 && older.length) lsoa = pick(older).code11;
    else if (u < 0.13) {
      lsoa = "";
      lon = (l.lon + (rnd() - 0.5) * 0.0008).toFixed(6);
      lat = (l.lat + (rnd() - 0.5) * 0.0005).toFixed(6);
    }
    const needs = [pick(labels), ...(rnd() < 0.4 ? [pick(labels)] : []), ...(rnd() < 0.15 ? [pick(labels)] : [])].join("; ");
    const outcome = pick(outcomes);
    let row = [`B-${i + 1}`, day, p.code, p.pcn ?? "", lsoa, lon, lat, pick(bands), `"${needs}"`, "gp", outcome, outcome === "connected" ? `ACT-${i % 500}` : "", outcome === "other" ? "" : String(Math.floor(rnd() * 60))];
    const bad = rnd();
    if (bad < 0.005) row[2] = "Z99999";
    else if (bad < 0.01) row[1] = "2031-01-01";
    else if (bad < 0.015) row[0] = "943 476 5919";
    else if (bad < 0.02) row[8] = "Gardening";
    chunk += row.join(",") + "\n";
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
    row = [];
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
  const mb = statSync(csv).size / 1e6;
  console.log(`generated ${N.toLocaleString("en-GB")} records (${mb.toFixed(0)} MB) in ${seconds(t0).toFixed(1)} s (not counted)`);

  // Baseline: DuckDB reading the same CSV and nothing else (every field as text, as the stage reads it).
  const bare = await openDb(join(dir, "bare.duckdb"));
  let t = performance.now();
  let c = process.cpuUsage();
  await bare.run(`CREATE TABLE t AS SELECT * FROM read_csv(${literal(csv)}, header = true, all_varchar = true)`);
  const readSeconds = seconds(t);
  const readCpu = cpuSeconds(c);
  t = performance.now();
  await bare.all(`SELECT count(*) FROM read_csv(${literal(csv)}, header = true, all_varchar = true)`);
  const countSeconds = seconds(t);
  bare.close();

  // The stage: every check, locating, storing, the rejects report and the measures.
  const path = join(dir, "run.duckdb");
  copyFileSync(dbPath, path);
  const db = await openDb(path);
  profile(db);
  t = performance.now();
  c = process.cpuUsage();
  const stats = await runReferralStage(db, [csv], { place, rawDir, reportsDir: join(dir, "rejects"), log: silentLogger }, { today: "2025-06-30" });
  const stageSeconds = seconds(t);
  const stageCpu = cpuSeconds(c);
  t = performance.now();
  await buildMeasures(db, place.id, place.name);
  const measureSeconds = seconds(t);
  const [m] = await db.all<{ rows: number }>(`SELECT count(*)::INTEGER AS rows FROM referral_measures`);
  db.close();

  // The output floor: only writing the stage's final tables (copied from the run's database into a new file, no work).
  const floor = await openDb(join(dir, "floor.duckdb"));
  await floor.run(`ATTACH ${literal(path)} AS done (READ_ONLY)`);
  t = performance.now();
  c = process.cpuUsage();
  const parts: string[] = [];
  // referral_measures is a view: what is written is the tables behind it.
  for (const table of ["referral", "referral_reject", ...Object.values(MEASURE_TABLES)]) {
    const tt = performance.now();
    await floor.run(`CREATE TABLE ${table} AS SELECT * FROM done.${table}`);
    parts.push(`${table} ${((performance.now() - tt) / 1000).toFixed(2)} s`);
  }
  const floorSeconds = seconds(t);
  const floorCpu = cpuSeconds(c);
  floor.close();

  const s = stats[0];
  console.log(`DuckDB reading the CSV into a table (all text): ${readSeconds.toFixed(2)} s; counting its rows: ${countSeconds.toFixed(2)} s`);
  console.log(
    `referrals stage: ${stageSeconds.toFixed(2)} s for ${s.rows.toLocaleString("en-GB")} records (${Math.round(s.rows / stageSeconds).toLocaleString("en-GB")} a second), ` +
      `${s.accepted.toLocaleString("en-GB")} accepted, ${s.rejected_rows.toLocaleString("en-GB")} rejected (${s.identifier_rows.toLocaleString("en-GB")} with identifiers), ` +
      `${s.coordinates.toLocaleString("en-GB")} located from coordinates, ${s.lsoa11_converted.toLocaleString("en-GB")} from 2011 codes`,
  );
  console.log(`  of which building referral_measures (${m.rows.toLocaleString("en-GB")} rows): ${measureSeconds.toFixed(2)} s; ingest and checks: ${(stageSeconds - measureSeconds).toFixed(2)} s`);
  console.log(`  stage / bare read: ${(stageSeconds / readSeconds).toFixed(1)}× (target 2×); peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log(`  CPU time (all threads): stage ${stageCpu.toFixed(2)} s, bare read ${readCpu.toFixed(2)} s = ${(stageCpu / readCpu).toFixed(1)}×`);
  console.log(
    `writing the final tables alone (copies, no work): ${floorSeconds.toFixed(2)} s = ${(floorSeconds / readSeconds).toFixed(1)}× the bare read, ` +
      `CPU ${floorCpu.toFixed(2)} s (${parts.join("; ")})`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
