// Test helpers for outcomes: a small database with three grants in two boroughs, files written on the fly, one-call ingest.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { memoryLogger } from "../../pipelines/log.ts";
import { placeSchema } from "../../pipelines/place/schema.ts";
import { runOutcomeStage } from "../../pipelines/outcomes/stage.ts";

export function tempDir(prefix = "chest-outcomes-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const place = placeSchema.parse({
  id: "test-place",
  name: "Test Place",
  localAuthorities: [
    { code: "E09000012", name: "Hackney" },
    { code: "E09000025", name: "Newham" },
  ],
  rounds: [{ id: "r1", name: "Round 1", programme: "TEST-R1", contributions: [{ funder: "NHS", type: "NHS", amount: 5000 }] }],
});

/** Three grants: G1 (Hackney, Apr 2024–Mar 2025), G2 (Newham, Jul 2024–Dec 2024), G3 (no round, Newham). */
export async function outcomesDb(): Promise<Db> {
  const db = await openDb();
  await db.run(`CREATE TABLE place_lad (lad_code VARCHAR, lad_name VARCHAR, partnership VARCHAR)`);
  await db.run(`INSERT INTO place_lad VALUES ('E09000012', 'Hackney', 'City and Hackney'), ('E09000025', 'Newham', 'Newham')`);
  await db.run(`CREATE TABLE lsoa (lsoa21cd VARCHAR, lad_code VARCHAR)`);
  await db.run(`INSERT INTO lsoa VALUES ('E01001753', 'E09000012'), ('E01003543', 'E09000025')`);
  await db.run(`CREATE TABLE grants (grant_id VARCHAR, round_id VARCHAR, recipient_id VARCHAR, recipient_type VARCHAR, recipient_name VARCHAR,
    themes VARCHAR, recipient_lad_code VARCHAR, planned_start VARCHAR, planned_end VARCHAR, planned_months DOUBLE, award_date DATE)`);
  await db.run(`INSERT INTO grants VALUES
    ('G1', 'r1', 'GB-CHC-1', 'organisation', 'Hackney Walkers', 'Physical activity', 'E09000012', '2024-04-01', '2025-03-31', 12, '2024-03-01'),
    ('G2', 'r1', 'GB-CHC-2', 'organisation', 'Newham Cooks', 'Food', 'E09000025', '2024-07-01', NULL, 6, '2024-06-01'),
    ('G3', NULL, 'GB-CHC-3', 'organisation', 'Elsewhere Trust', '', 'E09000025', NULL, NULL, NULL, '2024-01-10')`);
  await db.run(`CREATE TABLE grant_lsoa (grant_id VARCHAR, lsoa21cd VARCHAR, amount_pence BIGINT)`);
  await db.run(`INSERT INTO grant_lsoa VALUES ('G1', 'E01001753', 100000), ('G2', 'E01003543', 50000)`);
  return db;
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export async function ingest(files: string[], db?: Db, today = "2025-06-15") {
  const d = db ?? (await outcomesDb());
  const log = memoryLogger();
  const reportsDir = tempDir("chest-outcomes-reports-");
  const result = await runOutcomeStage(d, files, { place, reportsDir, log }, { today });
  return { db: d, log, reportsDir, result };
}

export const rejectsOf = (db: Db) =>
  db.all<{ file: string; sheet: string; line: number; column: string; value: string; reason: string }>(
    `SELECT file, sheet, line, "column", value, reason FROM outcome_reject ORDER BY file, sheet, line, "column"`,
  );
