// Test helpers for referrals: a database built from the mirror (with the practice tables), fresh copies of it, and one-call ingest.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../../pipelines/build/build.ts";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { memoryLogger, silentLogger, type Logger } from "../../pipelines/log.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import type { Place } from "../../pipelines/place/schema.ts";
import type { FileStats } from "../../pipelines/referrals/records.ts";
import { referralsStage, runReferralStage } from "../../pipelines/referrals/stage.ts";
import { cachedBuild } from "../support/build-cache.ts";
import { buildKey, copyOfBuild } from "../support/pipeline.ts";

export const mirror = process.env.CHEST_MIRROR ? `${process.env.CHEST_MIRROR.replace(/\/$/, "")}/` : fileURLToPath(new URL("../../../shared/data/", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const fixtures = fileURLToPath(new URL("../fixtures/referrals/", import.meta.url));
export const fixture = (name: string) => join(fixtures, name);

/** Dates after this are "in the future" in every referral test. */
export const TODAY = "2025-06-30";

export function tempDir(prefix = "chest-referrals-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Base {
  dir: string;
  rawDir: string;
  dbPath: string;
  place: Place & { file: string };
}

/**
 * North east London built from the mirror with the (empty) referrals stage so practices are loaded: built once per run
 * for every test file that asks (test/support/build-cache.ts), each caller getting its own copy in a temporary folder.
 */
export async function buildBase(placeFile = join(repoRoot, "data/places/north-east-london.json")): Promise<Base> {
  const place = loadPlace(placeFile);
  const cached = await cachedBuild(`referrals-base-${buildKey(placeFile, mirror)}`, async (dir) => {
    const rawDir = join(dir, "raw");
    await fetchSources({ place, rawDir, mirror, log: silentLogger });
    await build({ place, rawDir, dbPath: join(dir, "chest.duckdb"), log: silentLogger }, [referralsStage([], { place, rawDir, reportsDir: join(dir, "rejects"), log: silentLogger })]);
  });
  return { ...copyOfBuild(cached), place };
}

/** A fresh copy of the base database, opened for writing. */
export async function freshDb(base: Base): Promise<{ db: Db; path: string; dir: string }> {
  const dir = tempDir("chest-referrals-run-");
  const path = join(dir, "chest.duckdb");
  copyFileSync(base.dbPath, path);
  return { db: await openDb(path), path, dir };
}

export interface IngestResult {
  db: Db;
  stats: FileStats[];
  log: Logger & { lines: string[] };
  reportsDir: string;
}

/** Run the referrals stage over `files` on a fresh copy of the base database. */
export async function ingest(
  base: Base,
  files: string[],
  options: { postcodes?: string; place?: Place & { file?: string }; today?: string } = {},
): Promise<IngestResult> {
  const { db, dir } = await freshDb(base);
  const log = memoryLogger();
  const reportsDir = join(dir, "rejects");
  const stats = await runReferralStage(
    db,
    files,
    { place: options.place ?? base.place, rawDir: base.rawDir, reportsDir, log, postcodes: options.postcodes ?? null },
    { today: options.today ?? TODAY, postcodes: options.postcodes },
  );
  return { db, stats, log, reportsDir };
}

export interface RejectRow {
  file: string;
  line: number;
  column: string;
  value: string | null;
  reason: string;
}

export async function rejects(db: Db, file?: string): Promise<RejectRow[]> {
  return db.all<RejectRow>(
    `SELECT file, line, "column", value, reason FROM referral_reject ${file ? "WHERE file = $file" : ""} ORDER BY file, line, "column", reason`,
    file ? { file } : undefined,
  );
}
