// What the Grants page's loaders send to the browser: the rows pipelines/grants/publish.ts returns, written as typed Arrow IPC or JSON (empty tables with the same columns when no grants were ingested).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { SYNTHETIC_LABEL } from "../demo/generators.ts";
import {
  coverage,
  funderMix,
  grantLedgerSql,
  grantSynthetic,
  grantTotals,
  hasGrantTables,
  moneyByLsoa,
  moneyByMsoa,
  moneyForChoicesSql,
  organisationTotals,
  spentVersusBased,
  type GrantFilter,
} from "../grants/publish.ts";
import { queryToArrow } from "./arrow.ts";
import { funderTypeOrder } from "../../src/lib/grants-labels.ts";

type ColumnType = "VARCHAR" | "INTEGER" | "DOUBLE" | "BOOLEAN";
export type Columns = readonly (readonly [name: string, type: ColumnType])[];

/**
 * Rows as Arrow IPC with exactly these columns and types (no other field of a row is written). The rows go
 * through a temporary newline-delimited JSON file that DuckDB reads with the declared types; no rows gives
 * an empty table with the same columns.
 */
export async function rowsToArrow(db: Db, rows: readonly object[], columns: Columns): Promise<Buffer> {
  const select = columns.map(([name, type]) => `${ident(name)}::${type} AS ${ident(name)}`).join(", ");
  if (rows.length === 0) return queryToArrow(db, `SELECT ${columns.map(([name, type]) => `NULL::${type} AS ${ident(name)}`).join(", ")} WHERE false`);
  const dir = mkdtempSync(join(tmpdir(), "chest-grants-rows-"));
  const file = join(dir, "rows.ndjson");
  try {
    const lines = rows.map((row) => {
      const r = row as Record<string, unknown>;
      return JSON.stringify(Object.fromEntries(columns.map(([name]) => [name, r[name] ?? null])));
    });
    writeFileSync(file, lines.join("\n") + "\n");
    const types = columns.map(([name, type]) => `${literal(name)}: ${literal(type)}`).join(", ");
    return await queryToArrow(db, `SELECT ${select} FROM read_json(${literal(file)}, format = 'newline_delimited', columns = {${types}})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ledgerColumns: Columns = [
  ["grant_id", "VARCHAR"],
  ["award_date", "VARCHAR"],
  ["title", "VARCHAR"],
  ["recipient", "VARCHAR"],
  ["recipient_id", "VARCHAR"],
  ["recipient_type", "VARCHAR"],
  ["amount", "DOUBLE"],
  ["in_place", "DOUBLE"],
  ["programme", "VARCHAR"],
  ["round_id", "VARCHAR"],
  ["round_name", "VARCHAR"],
  ["synthetic", "BOOLEAN"],
  ["boroughs", "VARCHAR"],
  ["partnerships", "VARCHAR"],
  ["based_in", "VARCHAR"],
  ["location_method", "VARCHAR"],
  ["location", "VARCHAR"],
  ["themes", "VARCHAR"],
  ["funder_types", "VARCHAR"],
];

/** The ledger, one row per grant touching the place (individuals never named). */
export async function grantsLedgerArrow(db: Db): Promise<Buffer> {
  if (!(await hasGrantTables(db))) return rowsToArrow(db, [], ledgerColumns);
  const select = ledgerColumns.map(([name, type]) => `${ident(name)}::${type} AS ${ident(name)}`).join(", ");
  return queryToArrow(db, `SELECT ${select} FROM (${grantLedgerSql("place")})`);
}

export const organisationColumns: Columns = [
  ["recipient_id", "VARCHAR"],
  ["recipient", "VARCHAR"],
  ["recipient_type", "VARCHAR"],
  ["grants", "INTEGER"],
  ["amount", "DOUBLE"],
  ["in_place", "DOUBLE"],
  ["rounds", "INTEGER"],
  ["based_in", "VARCHAR"],
  ["boroughs", "VARCHAR"],
];

/** Totals per recipient organisation (all individuals together as one unnamed row). */
export async function grantsOrganisationsArrow(db: Db): Promise<Buffer> {
  const rows = (await hasGrantTables(db)) ? await organisationTotals(db) : [];
  return rowsToArrow(db, rows, organisationColumns);
}

export const areaColumns: Columns = [
  ["layer", "VARCHAR"],
  ["code", "VARCHAR"],
  ["name", "VARCHAR"],
  ["msoa_name", "VARCHAR"],
  ["borough", "VARCHAR"],
  ["population", "INTEGER"],
  ["imd_decile", "INTEGER"],
  ["grants", "INTEGER"],
  ["amount", "DOUBLE"],
  ["per_head", "DOUBLE"],
];

/** Every LSOA and MSOA of the place with all grant money placed there (zeros included): the map's areas and its table. */
export async function grantsAreasArrow(db: Db): Promise<Buffer> {
  if (!(await hasGrantTables(db))) return rowsToArrow(db, [], areaColumns);
  const lsoa = (await moneyByLsoa(db)).map((r) => ({ ...r, layer: "lsoa", code: r.lsoa21cd, name: r.lsoa21nm, borough: r.lad_name }));
  const msoa = (await moneyByMsoa(db)).map((r) => ({ ...r, layer: "msoa", code: r.msoa21cd, name: r.msoa_name ?? r.msoa21cd, msoa_name: null, borough: r.lad_name, imd_decile: null }));
  return rowsToArrow(db, [...lsoa, ...msoa], areaColumns);
}

export const moneyColumns: Columns = [
  ["layer", "VARCHAR"],
  ["round_id", "VARCHAR"],
  ["funder_type", "VARCHAR"],
  ["code", "VARCHAR"],
  ["grants", "INTEGER"],
  ["amount", "DOUBLE"],
  ["per_head", "DOUBLE"],
];

/**
 * Grant money by area for each round and funder type the ledger has ('' = all rounds or all funder types),
 * areas with money only (an area not listed has none under that choice): the map's round and funder switches.
 */
export async function grantsMoneyArrow(db: Db): Promise<Buffer> {
  if (!(await hasGrantTables(db))) return rowsToArrow(db, [], moneyColumns);
  const mix = await funderMix(db);
  const rounds = ["", ...new Set(mix.filter((r) => r.round_id && r.grants > 0).map((r) => r.round_id!))];
  const types = ["", ...new Set(mix.filter((r) => r.grants > 0).map((r) => r.funder_type))];
  return queryToArrow(db, moneyForChoicesSql, { rounds, types });
}

/** Headlines, synthetic flags, funder mix, coverage and the head-office comparison: small tables, as JSON. */
export async function grantsSummaryJson(db: Db): Promise<string> {
  if (!(await hasGrantTables(db))) {
    return JSON.stringify({ loaded: false, syntheticLabel: SYNTHETIC_LABEL, synthetic: { rounds: 0, grants: 0 }, totals: null, funderMix: [], coverage: [], spentBased: [], funderTypes: [] });
  }
  const totals = await grantTotals(db);
  const mix = await funderMix(db);
  const present = new Set(mix.map((r) => r.funder_type));
  return JSON.stringify({
    loaded: totals.grants > 0,
    syntheticLabel: SYNTHETIC_LABEL,
    synthetic: await grantSynthetic(db),
    totals,
    funderMix: mix,
    coverage: await coverage(db),
    spentBased: await spentVersusBased(db),
    funderTypes: [...funderTypeOrder.filter((t) => present.has(t)), ...[...present].filter((t) => !(funderTypeOrder as readonly string[]).includes(t)).sort()],
  });
}
