// `chest build`: run every stage into a temporary database and rename it into place only when all succeeded.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Db } from "../db/connection.ts";
import { runStagesAtomically, type Stage } from "./atomic.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { loadAllRaw } from "./load-raw.ts";
import { buildLsoa, buildPlaceTables } from "./stages/geography.ts";
import { buildIod2019, buildIod2025 } from "./stages/deprivation.ts";
import { buildSummaries } from "./stages/summaries.ts";
import { buildProvenance } from "./stages/provenance.ts";
import { buildBoundaries } from "./stages/boundaries.ts";
import { buildCodeLists } from "./stages/code-lists.ts";

export interface BuildOptions {
  place: Place;
  rawDir: string;
  dbPath: string;
  log: Logger;
}

export type { Stage };

export function stages(options: BuildOptions): Stage[] {
  const { place, rawDir, log } = options;
  return [
    { name: "read fetched files", run: (db) => loadAllRaw(db, rawDir, log) },
    { name: "place and LSOAs", run: async (db) => (await buildPlaceTables(db, place), await buildLsoa(db, rawDir, log)) },
    { name: "IoD2025", run: (db) => buildIod2025(db, rawDir, log) },
    { name: "IoD2019 on 2021 LSOAs", run: (db) => buildIod2019(db, rawDir, log) },
    { name: "area deprivation summaries", run: (db) => buildSummaries(db, log) },
    { name: "boundaries for the browser", run: (db) => buildBoundaries(db, rawDir, log) },
    { name: "national code lists", run: (db) => buildCodeLists(db, rawDir) },
    { name: "provenance", run: (db) => buildProvenance(db, rawDir) },
    { name: "drop raw tables", run: (db) => dropRaw(db) },
  ];
}

async function dropRaw(db: Db): Promise<void> {
  const raw = await db.all<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'raw\\_%' ESCAPE '\\'`);
  for (const { name } of raw) await db.run(`DROP TABLE "${name.replaceAll('"', '""')}"`);
}

/** Build the database; on any failure the previous database (if any) is left exactly as it was. */
export async function build(options: BuildOptions, extraStages: Stage[] = []): Promise<{ dbPath: string; seconds: number }> {
  const started = Date.now();
  const target = resolve(options.dbPath);
  mkdirSync(dirname(target), { recursive: true });
  const all = [...stages(options), ...extraStages];
  options.log.info(`build: ${options.place.name} into ${options.dbPath} (${all.length} stages)`);
  await runStagesAtomically(target, all, options.log, "empty");
  const seconds = (Date.now() - started) / 1000;
  options.log.info(`build: done in ${seconds.toFixed(1)} s`);
  return { dbPath: target, seconds };
}
