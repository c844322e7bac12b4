// The services tables' columns in one place, and a typed appender that writes JavaScript rows into them (no SQL built from values).
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";

export type ColumnType = "VARCHAR" | "DOUBLE" | "INTEGER" | "BOOLEAN";
export type Columns = readonly (readonly [name: string, type: ColumnType])[];

/** Tables the services stage owns: dropped and rebuilt from every registered file on each run. */
export const serviceTables = {
  services_file_count: [["file", "VARCHAR"], ["format", "VARCHAR"], ["record_type", "VARCHAR"], ["read", "INTEGER"], ["accepted", "INTEGER"], ["rejected", "INTEGER"], ["superseded", "INTEGER"]],
  services_rejects: [["file", "VARCHAR"], ["row", "VARCHAR"], ["record_type", "VARCHAR"], ["record_id", "VARCHAR"], ["field", "VARCHAR"], ["value", "VARCHAR"], ["reason", "VARCHAR"], ["severity", "VARCHAR"]],
  services_meta: [["key", "VARCHAR"], ["value", "VARCHAR"]],
  service_crosswalk: [["need", "VARCHAR"], ["taxonomy", "VARCHAR"], ["term", "VARCHAR"], ["source", "VARCHAR"]],
  service_organization: [["organization_id", "VARCHAR"], ["name", "VARCHAR"], ["source_file", "VARCHAR"]],
  service_organization_identifier: [["organization_id", "VARCHAR"], ["identifier", "VARCHAR"]],
  service: [
    ["service_id", "VARCHAR"], ["name", "VARCHAR"], ["description", "VARCHAR"], ["organization_id", "VARCHAR"], ["status", "VARCHAR"], ["active", "BOOLEAN"],
    ["url", "VARCHAR"], ["remote", "BOOLEAN"], ["has_venue", "BOOLEAN"], ["area_reach", "BOOLEAN"], ["sessions_per_week", "DOUBLE"], ["capacity_per_session", "DOUBLE"],
    ["places_per_week", "DOUBLE"], ["source_file", "VARCHAR"], ["source_row", "VARCHAR"], ["synthetic", "BOOLEAN"],
  ],
  service_location: [
    ["service_id", "VARCHAR"], ["location_id", "VARCHAR"], ["service_at_location_id", "VARCHAR"], ["location_name", "VARCHAR"], ["location_type", "VARCHAR"],
    ["lon", "DOUBLE"], ["lat", "DOUBLE"], ["postcode", "VARCHAR"], ["lsoa21cd", "VARCHAR"],
  ],
  location_reach: [["location_id", "VARCHAR"], ["lsoa21cd", "VARCHAR"], ["metres", "DOUBLE"]],
  service_term: [["service_id", "VARCHAR"], ["term_id", "VARCHAR"], ["taxonomy", "VARCHAR"], ["term", "VARCHAR"], ["value", "VARCHAR"]],
  service_need: [["service_id", "VARCHAR"], ["need", "VARCHAR"], ["term_id", "VARCHAR"]],
  service_schedule: [["schedule_id", "VARCHAR"], ["service_id", "VARCHAR"], ["freq", "VARCHAR"], ["interval", "INTEGER"], ["byday", "VARCHAR"], ["bymonthday", "VARCHAR"], ["sessions_per_week", "DOUBLE"]],
  service_area: [["area_id", "VARCHAR"], ["service_id", "VARCHAR"], ["description", "VARCHAR"], ["method", "VARCHAR"], ["lsoas", "INTEGER"], ["unresolved_reason", "VARCHAR"]],
  service_area_lsoa: [["service_id", "VARCHAR"], ["lsoa21cd", "VARCHAR"]],
  service_funding_record: [["funding_id", "VARCHAR"], ["service_id", "VARCHAR"], ["organization_id", "VARCHAR"], ["source", "VARCHAR"]],
} as const satisfies Record<string, Columns>;

/** Tables built by SQL from the ones above. */
export const derivedServiceTables = ["service_funding", "service_reach", "provision"] as const;

export type Row = Record<string, string | number | boolean | null | undefined>;

export async function dropServiceTables(db: Db): Promise<void> {
  for (const name of [...derivedServiceTables, ...Object.keys(serviceTables)]) {
    await db.run(`DROP VIEW IF EXISTS ${ident(name)}`).catch(() => undefined);
    await db.run(`DROP TABLE IF EXISTS ${ident(name)}`);
  }
}

/** Create the table and append the rows (values by column name; null/undefined → NULL). */
export async function writeTable(db: Db, name: keyof typeof serviceTables, rows: Iterable<Row>): Promise<number> {
  const columns: Columns = serviceTables[name];
  await db.run(`CREATE TABLE ${ident(name)} (${columns.map(([c, t]) => `${ident(c)} ${t}`).join(", ")})`);
  const appender = await db.conn.createAppender(name);
  let n = 0;
  try {
    for (const row of rows) {
      for (const [column, type] of columns) {
        const v = row[column];
        if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) appender.appendNull();
        else if (type === "VARCHAR") appender.appendVarchar(String(v));
        else if (type === "DOUBLE") appender.appendDouble(Number(v));
        else if (type === "INTEGER") appender.appendInteger(Number(v));
        else appender.appendBoolean(Boolean(v));
      }
      appender.endRow();
      n++;
    }
  } finally {
    appender.closeSync();
  }
  return n;
}
