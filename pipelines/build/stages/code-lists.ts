// The national code lists (England and Wales) a stage needs to recognise geography codes outside the place — LSOA 2021 and 2011, MSOA 2021, ward 2024, district — stored once when the database is built instead of read from the lookup files on every ingest.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../db/connection.ts";
import { literal } from "../../db/sql.ts";
import { commentTable, type TableDecl } from "../../kit/table.ts";
import { sourceById } from "../../sources.ts";

/** The tables, with what they hold (stored as DuckDB comments). */
export const codeListTables: readonly TableDecl[] = [
  {
    name: "code_known",
    description: "Every LSOA 2021 and 2011, MSOA 2021, ward 2024 and district code in England and Wales (ONS lookups, House of Commons Library MSOA list), one row per code. An LSOA 2011 code is listed only when it is not also an LSOA 2021 code.",
    columns: [
      ["code", "VARCHAR", "ONS code (upper case)"],
      ["kind", "VARCHAR", "LSOA21, LSOA11, MSOA21, WD (ward 2024) or LAD (district)"],
      ["lad_code", "VARCHAR", "the code's district (2024 from the ward lookup, else 2022 from the LSOA 2011 lookup)"],
    ],
  },
  {
    name: "code_lsoa_name",
    description: "LSOA names → code: 2021 names first, then 2011 names. For publishers who give the name where the code belongs.",
    columns: [
      ["name", "VARCHAR", "LSOA name in upper case, such as HACKNEY 025B"],
      ["code", "VARCHAR", "its LSOA 2021 (or 2011) code"],
    ],
  },
  {
    name: "code_lsoa11_changed",
    description: "LSOA 2011 codes that are not LSOA 2021 codes, and the LSOA 2021 code(s) each became (ONS best-fit lookup).",
    columns: [
      ["lsoa11cd", "VARCHAR", "LSOA 2011 code"],
      ["lsoa21cd", "VARCHAR", "LSOA 2021 code it became (best fit)"],
    ],
  },
];

/** Whether the lists are in the database (a database built before they were stored has none). */
export async function hasCodeLists(db: Db): Promise<boolean> {
  const [{ n }] = await db.all<{ n: number }>(
    `SELECT count(DISTINCT table_name)::INTEGER AS n FROM duckdb_tables() WHERE (database_name = current_database() OR temporary) AND list_contains($names, table_name)`,
    { names: codeListTables.map((t) => t.name) },
  );
  return n === codeListTables.length;
}

/**
 * Build the code lists from the fetched lookups in `rawDir` (a missing file gives no codes of its kind). `temp`:
 * as temporary tables, for a database built before the lists were stored. Returns whether the LSOA 2011 → 2021
 * lookup was there.
 */
export async function buildCodeLists(db: Db, rawDir: string, options: { temp?: boolean } = {}): Promise<{ lookup11: boolean }> {
  const file = (id: string) => {
    const path = join(rawDir, sourceById(id).file);
    return existsSync(path) ? `read_csv(${literal(path)}, header = true, all_varchar = true)` : null;
  };
  const lookup11 = file("lookup-lsoa11-lsoa21");
  const ward = file("lookup-lsoa21-ward24");
  const msoa = file("msoa-names");
  await db.run(
    lookup11
      ? `CREATE OR REPLACE TEMP TABLE cl_lookup11 AS SELECT upper(trim("LSOA11CD")) AS lsoa11cd, upper(trim("LSOA11NM")) AS lsoa11nm, upper(trim("LSOA21CD")) AS lsoa21cd, upper(trim("LSOA21NM")) AS lsoa21nm, upper(trim("LAD22CD")) AS lad_code FROM ${lookup11}`
      : `CREATE OR REPLACE TEMP TABLE cl_lookup11 (lsoa11cd VARCHAR, lsoa11nm VARCHAR, lsoa21cd VARCHAR, lsoa21nm VARCHAR, lad_code VARCHAR)`,
  );
  await db.run(
    ward
      ? `CREATE OR REPLACE TEMP TABLE cl_ward AS SELECT upper(trim("LSOA21CD")) AS lsoa21cd, upper(trim("LSOA21NM")) AS lsoa21nm, upper(trim("WD24CD")) AS ward_code, upper(trim("LAD24CD")) AS lad_code FROM ${ward}`
      : `CREATE OR REPLACE TEMP TABLE cl_ward (lsoa21cd VARCHAR, lsoa21nm VARCHAR, ward_code VARCHAR, lad_code VARCHAR)`,
  );
  await db.run(
    msoa
      ? `CREATE OR REPLACE TEMP TABLE cl_msoa AS SELECT upper(trim(msoa21cd)) AS msoa21cd, upper(trim(lad_code_active)) AS lad_code FROM ${msoa}`
      : `CREATE OR REPLACE TEMP TABLE cl_msoa (msoa21cd VARCHAR, lad_code VARCHAR)`,
  );
  const create = `CREATE OR REPLACE ${options.temp ? "TEMP " : ""}TABLE`;
  await db.run(`${create} code_lsoa11_changed AS
    SELECT lsoa11cd, lsoa21cd FROM cl_lookup11 WHERE lsoa11cd NOT IN (SELECT lsoa21cd FROM cl_lookup11) ORDER BY lsoa11cd, lsoa21cd`);
  // Where a code is listed more than once, the ward lookup (2024) goes first, then the LSOA 2011 lookup (2022 districts).
  await db.run(`${create} code_known AS
    SELECT code, first(kind ORDER BY prio) AS kind, first(lad_code ORDER BY prio) AS lad_code FROM (
      SELECT lsoa21cd AS code, 'LSOA21' AS kind, lad_code, 1 AS prio FROM cl_ward
      UNION ALL SELECT ward_code, 'WD', lad_code, 1 FROM cl_ward
      UNION ALL SELECT lad_code, 'LAD', lad_code, 1 FROM cl_ward
      UNION ALL SELECT lsoa21cd, 'LSOA21', lad_code, 2 FROM cl_lookup11
      UNION ALL SELECT lsoa11cd, 'LSOA11', lad_code, 3 FROM cl_lookup11 WHERE lsoa11cd NOT IN (SELECT lsoa21cd FROM cl_lookup11)
      UNION ALL SELECT lad_code, 'LAD', lad_code, 2 FROM cl_lookup11
      UNION ALL SELECT msoa21cd, 'MSOA21', lad_code, 1 FROM cl_msoa
    ) WHERE code IS NOT NULL GROUP BY code ORDER BY code`);
  await db.run(`${create} code_lsoa_name AS
    SELECT name, first(code ORDER BY prio) AS code FROM (
      SELECT lsoa21nm AS name, lsoa21cd AS code, 1 AS prio FROM cl_ward
      UNION ALL SELECT lsoa21nm, lsoa21cd, 1 FROM cl_lookup11
      UNION ALL SELECT lsoa11nm, lsoa11cd, 2 FROM cl_lookup11
    ) WHERE name IS NOT NULL GROUP BY name ORDER BY name`);
  for (const t of ["cl_lookup11", "cl_ward", "cl_msoa"]) await db.run(`DROP TABLE ${t}`);
  if (!options.temp) for (const decl of codeListTables) await commentTable(db, decl);
  return { lookup11: lookup11 !== null };
}
