// Test helpers for grants: a twelve-LSOA database in memory (with the national code lists a build stores), the real ONS lookups from the mirror as a raw folder, a small place with rounds, and one-call ingest.
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCodeLists, codeListTables } from "../../pipelines/build/stages/code-lists.ts";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { ingestGrants, type GrantIngestSummary } from "../../pipelines/grants/stage.ts";
import type { IntakeOptions } from "../../pipelines/grants/intake.ts";
import { memoryLogger } from "../../pipelines/log.ts";
import { placeSchema, type Place } from "../../pipelines/place/schema.ts";
import { sources } from "../../pipelines/sources.ts";

export const fixtures = fileURLToPath(new URL("../fixtures/grants/", import.meta.url));
export const mirror = process.env.CHEST_MIRROR ? `${process.env.CHEST_MIRROR.replace(/\/$/, "")}/` : fileURLToPath(new URL("../../../shared/data/", import.meta.url));
export const samples = `${mirror}samples/360giving/`;
export const fixture = (name: string) => join(fixtures, name);
export const sample = (name: string) => join(samples, name);

export function tempDir(prefix = "chest-grants-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The twelve LSOAs of two real MSOAs (Forest Gate North in Newham; Haggerston West & Kingsland Basin in Hackney), with Census 2021 populations. */
export const miniLsoas = [
  ["E01001753", "Hackney 025B", "E02000369", "Haggerston West & Kingsland Basin", "E05009371", "De Beauvoir", "E09000012", "Hackney", "City and Hackney", 1538, 2],
  ["E01001755", "Hackney 025D", "E02000369", "Haggerston West & Kingsland Basin", "E05009377", "Hoxton East & Shoreditch", "E09000012", "Hackney", "City and Hackney", 1678, 2],
  ["E01001773", "Hackney 025E", "E02000369", "Haggerston West & Kingsland Basin", "E05009375", "Haggerston", "E09000012", "Hackney", "City and Hackney", 2483, 3],
  ["E01001776", "Hackney 025F", "E02000369", "Haggerston West & Kingsland Basin", "E05009375", "Haggerston", "E09000012", "Hackney", "City and Hackney", 1709, 3],
  ["E01003543", "Newham 001A", "E02000714", "Forest Gate North", "E05013911", "Forest Gate North", "E09000025", "Newham", "Newham", 2333, 4],
  ["E01003544", "Newham 001B", "E02000714", "Forest Gate North", "E05013911", "Forest Gate North", "E09000025", "Newham", "Newham", 1811, 3],
  ["E01003546", "Newham 001C", "E02000714", "Forest Gate North", "E05013911", "Forest Gate North", "E09000025", "Newham", "Newham", 1788, 3],
  ["E01003550", "Newham 001D", "E02000714", "Forest Gate North", "E05013911", "Forest Gate North", "E09000025", "Newham", "Newham", 1779, 3],
  ["E01035642", "Hackney 025G", "E02000369", "Haggerston West & Kingsland Basin", "E05009371", "De Beauvoir", "E09000012", "Hackney", "City and Hackney", 1843, 6],
  ["E01035643", "Hackney 025H", "E02000369", "Haggerston West & Kingsland Basin", "E05009371", "De Beauvoir", "E09000012", "Hackney", "City and Hackney", 1722, 5],
  ["E01035644", "Hackney 025I", "E02000369", "Haggerston West & Kingsland Basin", "E05009377", "Hoxton East & Shoreditch", "E09000012", "Hackney", "City and Hackney", 1178, 8],
  ["E01035645", "Hackney 025J", "E02000369", "Haggerston West & Kingsland Basin", "E05009377", "Hoxton East & Shoreditch", "E09000012", "Hackney", "City and Hackney", 1307, 3],
] as const;

/**
 * A fresh in-memory database with just the lsoa and iod2025 columns the grant stage reads, and the national code lists
 * a built database stores (`codeLists: false`: none, as a database built before they were stored: the stage reads
 * the lookups in the raw folder).
 */
export async function miniDb(options: { codeLists?: boolean } = {}): Promise<Db> {
  const db = await openDb();
  if (options.codeLists ?? true) await copyCodeLists(db);
  await db.run(`CREATE TABLE lsoa (lsoa21cd VARCHAR, lsoa21nm VARCHAR, msoa21cd VARCHAR, msoa_name VARCHAR, ward_code VARCHAR, ward_name VARCHAR,
    lad_code VARCHAR, lad_name VARCHAR, partnership VARCHAR, population INTEGER, icb_code VARCHAR)`);
  await db.run(`CREATE TABLE iod2025 (lsoa21cd VARCHAR, imd_decile INTEGER)`);
  for (const r of miniLsoas) {
    await db.run(`INSERT INTO lsoa VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'E54000029')`, r.slice(0, 10) as unknown as unknown[]);
    await db.run(`INSERT INTO iod2025 VALUES ($1, $2)`, [r[0], r[10]]);
  }
  return db;
}

let codeListsCache: string | undefined;
/** The national code lists, built once per test process from the mirror's lookups into a small file, copied into `db`. */
async function copyCodeLists(db: Db): Promise<void> {
  if (!codeListsCache || !existsSync(codeListsCache)) {
    const path = join(tempDir("chest-grants-codes-"), "codes.duckdb");
    const lists = await openDb(path);
    await buildCodeLists(lists, mirrorRawDir());
    lists.close();
    codeListsCache = path;
  }
  await db.run(`ATTACH ${literal(codeListsCache)} AS code_lists (READ_ONLY)`);
  for (const { name } of codeListTables) await db.run(`CREATE TABLE ${name} AS SELECT * FROM code_lists.${name}`);
  await db.run(`DETACH code_lists`);
}

let rawDirCache: string | undefined;
/** A raw folder holding the real ONS lookups (symbolic links into the mirror, under the names `chest fetch` gives them). */
export function mirrorRawDir(): string {
  if (rawDirCache && existsSync(rawDirCache)) return rawDirCache;
  const dir = tempDir("chest-grants-raw-");
  for (const id of ["lookup-lsoa11-lsoa21", "lookup-lsoa21-ward24", "msoa-names"]) {
    const source = sources.find((s) => s.id === id)!;
    symlinkSync(join(mirror, source.mirrorPath), join(dir, source.file));
  }
  rawDirCache = dir;
  return dir;
}

/** A small place (Hackney and Newham) with one round of four contributors and a declared outside funder. */
export function miniPlace(extra: Record<string, unknown> = {}): Place {
  return placeSchema.parse({
    id: "test-place",
    name: "Test Place",
    icb: { code: "E54000029", ods: "QMF", name: "NHS North East London Integrated Care Board" },
    localAuthorities: [
      { code: "E09000012", name: "Hackney" },
      { code: "E09000025", name: "Newham" },
    ],
    rounds: [
      {
        id: "r1",
        name: "Test round 1",
        programme: "TEST-R1",
        contributions: [
          { funder: "Fixture NHS", type: "NHS", amount: 5000 },
          { funder: "Fixture Council", type: "local authority", amount: 3000 },
          { funder: "Fixture Trust", type: "philanthropy", amount: 1500 },
          { funder: "Fixture Business Partner", funderId: "360G-fixture-business", type: "business", amount: 500.01 },
        ],
      },
    ],
    funders: [{ name: "Power to Change Trust", id: "GB-CHC-1159982", type: "philanthropy" }],
    ...extra,
  });
}

export interface IngestRun extends GrantIngestSummary {
  log: string[];
  reportsDir: string;
}

/** Run the grants stage over files on a database (a fresh mini one by default). */
export async function ingest(files: string[], options: { db?: Db; place?: Place; postcodes?: string | null; rawDir?: string; intake?: IntakeOptions } = {}): Promise<IngestRun & { db: Db }> {
  const db = options.db ?? (await miniDb());
  const log = memoryLogger();
  const reportsDir = join(tempDir(), "rejects");
  mkdirSync(reportsDir, { recursive: true });
  const summary = await ingestGrants(db, files, {
    place: options.place ?? miniPlace(),
    log,
    reportsDir,
    rawDir: options.rawDir ?? mirrorRawDir(),
    postcodes: options.postcodes ?? null,
    intake: options.intake,
  });
  return { ...summary, log: log.lines, reportsDir, db };
}

/** Every row of a table in a stable order, for comparing two databases. */
export async function dump(db: Db, table: string): Promise<string> {
  const rows = await db.all(`SELECT * FROM "${table}" ORDER BY ALL`);
  return JSON.stringify(rows);
}

export type RejectRow = { file: string; sheet: string | null; row: number | null; column: string | null; value: string | null; severity: string; reason: string; grant_id: string | null };

export async function rejectsOf(db: Db, where = "true"): Promise<RejectRow[]> {
  return db.all<RejectRow>(`SELECT r.file, r.sheet, r."row", r."column", r.value, r.severity, r.reason, r.grant_id
    FROM grants_rejects r LEFT JOIN grant_files f USING (file) WHERE ${where} ORDER BY f.seq, r."row" NULLS FIRST, r.n`);
}
