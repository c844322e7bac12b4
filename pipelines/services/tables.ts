// The services tables' columns in one place, written through the kit's table declaration (no SQL built from values).
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import { writeTable as writeDeclared, type ColumnDecl, type Row } from "../kit/table.ts";

export type Columns = readonly ColumnDecl[];
export type { Row };

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

export async function dropServiceTables(db: Db): Promise<void> {
  for (const name of [...derivedServiceTables, ...Object.keys(serviceTables)]) {
    await db.run(`DROP VIEW IF EXISTS ${ident(name)}`).catch(() => undefined);
    await db.run(`DROP TABLE IF EXISTS ${ident(name)}`);
  }
}

/** Create the table and append the rows (values by column name; null/undefined → NULL). */
export async function writeTable(db: Db, name: keyof typeof serviceTables, rows: Iterable<Row>): Promise<number> {
  return writeDeclared(db, { name, columns: serviceTables[name] }, rows);
}
