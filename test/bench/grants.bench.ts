// Benchmark of grant ingest throughput (grants per second) on a generated 100,000-grant 360Giving CSV. Run: npx tsx test/bench/grants.bench.ts [grants] (CHEST_DB=built database to skip the build).
import { copyFileSync, existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../../pipelines/build/build.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { toCsv } from "../../pipelines/kit/delimited.ts";
import { stageGrantFiles } from "../../pipelines/grants/intake.ts";
import { ingestGrants } from "../../pipelines/grants/stage.ts";
import { asInputFiles } from "../../pipelines/kit/kind.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { demoRoundsFor } from "../../pipelines/place/demo-rounds.ts";
import { mulberry32 as seeded } from "../../src/lib/random.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { profileStatements } from "./profile.ts";

const N = Number(process.argv[2] ?? 100_000);
const root = fileURLToPath(new URL("../../", import.meta.url));
const mirror = process.env.CHEST_MIRROR ? `${process.env.CHEST_MIRROR.replace(/\/$/, "")}/` : fileURLToPath(new URL("../../../shared/data/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "chest-grants-bench-"));
const nel = loadPlace(join(root, "data/places/north-east-london.json"));
const place = { ...nel, rounds: demoRoundsFor(nel) };


/**
 * The tables the stage leaves (what any ingest of this ledger must at least write). grant_lsoa and grant_funder_type
 * are views (nothing written), spread from grant_lsoa_part + grant_area_lsoa and grant_funder_part + grant_round_weight.
 */
const finalTables = [
  "grants", "grant_lsoa_part", "grant_area_lsoa", "grant_funder_part", "grant_round_weight", "grant_beneficiary_locations", "grant_funding_orgs",
  "grants_rejects", "grant_files", "grant_rounds", "input_issues",
];

const profile = (db: Awaited<ReturnType<typeof openDb>>) => profileStatements(db);

async function main() {
  let dbPath = process.env.CHEST_DB;
  let rawDir = process.env.CHEST_RAW ?? join(root, "data/raw");
  const t0 = performance.now();
  if (!dbPath || !existsSync(dbPath)) {
    rawDir = join(dir, "raw");
    dbPath = join(dir, "built.duckdb");
    await fetchSources({ place, rawDir, mirror, log: silentLogger });
    await build({ place, rawDir, dbPath, log: silentLogger });
    console.log(`built a database from the mirror in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  // The ledger: beneficiary codes of every kind from the place (plus some outside it and some unknown), 1% bad rows.
  const db = await openDb(dbPath, { readOnly: true });
  const areas = await db.all<{ lsoa21cd: string; msoa21cd: string; ward_code: string; lad_code: string }>(`SELECT lsoa21cd, msoa21cd, ward_code, lad_code FROM lsoa ORDER BY 1`);
  db.close();
  const rng = seeded(42);
  const header = [
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date", "Planned Dates:Start Date", "Planned Dates:Duration (months)",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Postal Code", "Beneficiary Location:0:Geographic Code", "Beneficiary Location:0:Geographic Code Type",
    "Beneficiary Location:1:Geographic Code", "Funding Org:0:Identifier", "Funding Org:0:Name", "Grant Programme:0:Code", "Grant Programme:0:Title", "Classifications:0:Title",
  ];
  const outside = ["E01011681", "E01000001", "E02002392", "E05001429", "S13002516", "E12000007", "E01999999"];
  const rows: string[][] = [];
  for (let i = 0; i < N; i++) {
    const a = areas[Math.floor(rng() * areas.length)];
    const r = rng();
    const code = r < 0.5 ? a.lsoa21cd : r < 0.7 ? a.ward_code : r < 0.8 ? a.msoa21cd : r < 0.85 ? a.lad_code : r < 0.93 ? outside[Math.floor(rng() * outside.length)] : "";
    const second = rng() < 0.1 ? areas[Math.floor(rng() * areas.length)].lsoa21cd : "";
    const bad = rng() < 0.01;
    const pence = 50_000 + Math.floor(rng() * 1_500_000);
    rows.push([
      `360G-bench-${i}`,
      `Benchmark grant ${i}`,
      "A generated grant for the ingest benchmark, with a description of ordinary length, quoted because it has a comma.",
      "GBP",
      bad ? "lots" : rng() < 0.2 ? `£${(pence / 100).toLocaleString("en-GB", { minimumFractionDigits: 2 })}` : (pence / 100).toFixed(2),
      rng() < 0.2 ? "17/03/2024" : "2024-03-17",
      "2024-04",
      "12",
      `360G-bench-org-${i % 9000}`,
      `Bench organisation ${i % 9000}`,
      "",
      code,
      code.startsWith("E01") ? "LSOA" : code.startsWith("E05") ? "WD" : "",
      second,
      "360G-bench",
      "Benchmark Chest",
      i % 2 ? "CHESTDEMO-R1" : "CHESTDEMO-R2",
      "Round",
      "Loneliness",
    ]);
  }
  const file = join(dir, "bench-ledger.csv");
  writeFileSync(file, toCsv(header, rows));
  const mb = statSync(file).size / 1e6;
  console.log(`generated ${N.toLocaleString("en-GB")} grants, ${mb.toFixed(1)} MB: ${file}`);

  // The floor: DuckDB reading the same CSV into a table (all text) and nothing else.
  const bare = await openDb(join(dir, "bare.duckdb"));
  const tb = performance.now();
  await bare.run(`CREATE TABLE t AS SELECT * FROM read_csv(${literal(file)}, header = true, all_varchar = true)`);
  const bareSeconds = (performance.now() - tb) / 1000;
  bare.close();
  console.log(`DuckDB reading the CSV into a table (all text), the floor: ${bareSeconds.toFixed(2)} s`);

  // Reading it and trimming every cell into memory (no file written): what any ingest reads before its first rule.
  const mem = await openDb();
  const tr = performance.now();
  await mem.run(`CREATE TEMP TABLE t AS SELECT trim(COLUMNS(*)) FROM read_csv(${literal(file)}, header = true, all_varchar = true)`);
  const readSeconds = (performance.now() - tr) / 1000;
  mem.close();
  console.log(`DuckDB reading the CSV and trimming every cell, in memory: ${readSeconds.toFixed(2)} s`);

  // The front half alone (intake.ts: read_csv, the set-based checks, the staging tables), in a database of its own.
  const front = await openDb();
  const t1 = performance.now();
  const intake = await stageGrantFiles(front, asInputFiles("grants", [file]), silentLogger);
  const t2 = performance.now();
  front.close();
  console.log(`front half (read + check + staging tables): ${((t2 - t1) / 1000).toFixed(2)} s = ${((t2 - t1) / 1000 / bareSeconds).toFixed(1)}× the bare read; ${intake.grants.toLocaleString("en-GB")} valid`);

  // The whole stage on a copy of the database: read, validate, load, place, attribute, check, report.
  const results: number[] = [];
  let finals = "";
  for (let run = 1; run <= Number(process.env.BENCH_RUNS ?? 2); run++) {
    const copy = join(dir, `run-${run}.duckdb`);
    copyFileSync(dbPath, copy);
    const work = await openDb(copy);
    if (process.env.PROFILE) profile(work);
    const t = performance.now();
    const s = await ingestGrants(work, [file], { place, log: silentLogger, reportsDir: join(dir, "rejects"), rawDir, postcodes: null });
    const seconds = (performance.now() - t) / 1000;
    work.close();
    if (run === 1) finals = copy;
    results.push(seconds);
    console.log(
      `run ${run}: ${s.grants.toLocaleString("en-GB")} grants accepted, ${s.rejected} rejected, in ${seconds.toFixed(2)} s = ${Math.round(N / seconds).toLocaleString("en-GB")} grants/s`,
    );
  }
  const best = Math.min(...results);
  console.log(`ingest throughput: ${Math.round(N / best).toLocaleString("en-GB")} grants per second (best of ${results.length}, ${N.toLocaleString("en-GB")} grants, Node ${process.version})`);
  console.log(`side by side: whole grants stage ${best.toFixed(2)} s against the bare read ${bareSeconds.toFixed(2)} s = ${(best / bareSeconds).toFixed(1)}× (target 3×)`);

  // The output floor: only writing the stage's final tables (copied from the run's database into a new file, no work).
  const out = await openDb(join(dir, "floor.duckdb"));
  await out.run(`ATTACH ${literal(finals)} AS done (READ_ONLY)`);
  const tf = performance.now();
  const parts: string[] = [];
  for (const table of finalTables) {
    const t = performance.now();
    await out.run(`CREATE TABLE ${table} AS SELECT * FROM done.${table}`);
    const [{ n }] = await out.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
    parts.push(`${table} ${n.toLocaleString("en-GB")} rows ${((performance.now() - t) / 1000).toFixed(2)} s`);
  }
  // What is still only in the write-ahead log is written to the file at the checkpoint (else at close, untimed).
  const tc = performance.now();
  await out.run("CHECKPOINT");
  parts.push(`checkpoint ${((performance.now() - tc) / 1000).toFixed(2)} s`);
  const floorSeconds = (performance.now() - tf) / 1000;
  console.log(`writing the final tables alone (copies, no work): ${floorSeconds.toFixed(2)} s = ${(floorSeconds / bareSeconds).toFixed(1)}× the bare read (${parts.join("; ")})`);
  // No rule, no placing, no funders, no report: only reading the file in and writing out what the stage stores.
  const noWork = readSeconds + floorSeconds;
  console.log(
    `reading in and writing out alone, no work between: ${noWork.toFixed(2)} s = ${(noWork / bareSeconds).toFixed(1)}× the bare read; ` +
      `the whole stage is ${(best / noWork).toFixed(1)}× that`,
  );

  // What the views cost their readers (equity, need, publish…): spreading every row once, as a reader that sums them does.
  const reads: string[] = [];
  for (const view of ["grant_lsoa", "grant_funder_type"]) {
    const t = performance.now();
    const [{ n }] = await out.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (SELECT grant_id, sum(amount_pence) FROM done.${view} GROUP BY 1)`);
    reads.push(`${view} ${((performance.now() - t) / 1000).toFixed(2)} s (${n.toLocaleString("en-GB")} grants)`);
  }
  out.close();
  console.log(`reading the views once, summed per grant: ${reads.join("; ")}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
