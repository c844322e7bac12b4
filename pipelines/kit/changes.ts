// The kit's corrections rule and changes report: a record whose identifier arrives again with different content is an update (later Last Modified wins, else the later ingest), and every changed field is reported (identifier, field, old → new).
import type { Db } from "../db/connection.ts";
import { createTable, type TableDecl } from "./table.ts";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ident, literal } from "../db/sql.ts";
import { copyCsv } from "./csv-copy.ts";

/** The changes report lists at most this many changed fields (all of them are in input_changes). */
const REPORT_LIMIT = 100_000;

export const changesTable: TableDecl = {
  name: "input_changes",
  description:
    "Corrections: one row per field that changed when a record's identifier arrived again in a later file. The kept version is the one with the later Last Modified date, else the later ingest (ingest order is recorded in input_file.seq).",
  columns: [
    ["kind", "VARCHAR", "input kind"],
    ["identifier", "VARCHAR", "the record's identifier (grant Identifier, service id, referral id)"],
    ["field", "VARCHAR", "field that changed"],
    ["old_value", "VARCHAR", "value in the version set aside"],
    ["new_value", "VARCHAR", "value in the version kept"],
    ["old_file", "VARCHAR", "file of the version set aside"],
    ["new_file", "VARCHAR", "file of the version kept"],
    ["rule", "VARCHAR", "why the kept version won: 'later Last Modified', 'later ingest', or 'older Last Modified ignored' when a later ingest carried an older date"],
  ],
};

/**
 * The SQL order that puts the winning version of each identifier first: later Last Modified (NULLs lose to any date),
 * then the later ingest (input_file.seq), then the later row in the file. `modified` and `seq` and `row` are SQL expressions.
 */
export function latestFirst(modified: string | null, seq: string, row: string): string {
  return `${modified ? `${modified} DESC NULLS LAST, ` : ""}${seq} DESC, ${row} DESC`;
}

/**
 * Record the changes for `kind`. `pairs` is SQL yielding identifier, old_json, new_json (JSON objects of the two
 * versions, same keys), old_file, new_file, rule. Each key whose value differs becomes one row. Replaces the kind's
 * earlier rows; writes data/out/rejects/<kind>-changes.csv. Returns how many records and fields changed.
 */
export async function recordChanges(db: Db, kind: string, pairs: string, reportsDir: string): Promise<{ records: number; fields: number; report: string }> {
  const exists = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'input_changes' AND NOT temporary`);
  if (!exists.length) await createTable(db, changesTable);
  await db.run(`DELETE FROM input_changes WHERE kind = $kind`, { kind });
  // Each key as a JSON Pointer ('/' + the key, '~' and '/' escaped), which any key can be written as; a JSONPath
  // ('$."key"') breaks on a key holding a quote or a backslash.
  const at = `'/' || replace(replace(k, '~', '~0'), '/', '~1')`;
  await db.run(
    `INSERT INTO input_changes
     SELECT $kind, identifier, k, json_extract_string(old_json, ${at}), json_extract_string(new_json, ${at}), old_file, new_file, rule
     FROM (SELECT *, unnest(list_distinct(list_concat(json_keys(old_json), json_keys(new_json)))) AS k FROM (${pairs}))
     WHERE json_extract(old_json, ${at}) IS DISTINCT FROM json_extract(new_json, ${at})
     ORDER BY identifier, k`,
    { kind },
  );
  const [{ records, fields }] = await db.all<{ records: number; fields: number }>(
    `SELECT count(DISTINCT identifier)::INTEGER AS records, least(count(*), ${REPORT_LIMIT})::INTEGER AS fields FROM input_changes WHERE kind = $kind`,
    { kind },
  );
  mkdirSync(reportsDir, { recursive: true });
  const report = join(reportsDir, `${kind}-changes.csv`);
  const header = ["identifier", "field", "old_value", "new_value", "old_file", "new_file", "rule"];
  await copyCsv(db, report, header, header.map((h) => ident(h)), `SELECT * FROM input_changes WHERE kind = ${literal(kind)} ORDER BY identifier, field LIMIT ${REPORT_LIMIT}`, ["identifier", "field"]);
  return { records, fields, report };
}
