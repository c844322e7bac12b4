// The kit's one rejects-and-warnings writer: every kind's problems (file, row, column, value, reason, severity) go into the input_issues table and data/out/rejects/<kind>-rejects.csv, formula-safe.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import { copyCsv } from "./csv-copy.ts";
import { createTable, type TableDecl } from "./table.ts";

export type Severity = "error" | "warning";

/** One problem found in an input: an error rejects the row (or record); a warning keeps it. */
export interface Issue {
  file: string;
  /** Row (header = 1), line, or record position such as services[3]; null for the whole file. */
  row: string | number | null;
  column: string | null;
  value: string | null;
  reason: string;
  severity: Severity;
}

export const issuesTable: TableDecl = {
  name: "input_issues",
  description: "Every problem found in the ingested files of every kind: one row per problem. Errors rejected the row; warnings kept it. The same rows are in data/out/rejects/<kind>-rejects.csv.",
  columns: [
    ["kind", "VARCHAR", "input kind: grants, referrals, services, …"],
    ["n", "INTEGER", "order within the kind's report"],
    ["file", "VARCHAR", "file as the user named it"],
    ["row", "VARCHAR", "row (header = 1), line, or record position; NULL for the whole file"],
    ["column", "VARCHAR", "column or field"],
    ["value", "VARCHAR", "the value as read (withheld where it may identify a person)"],
    ["reason", "VARCHAR", "what is wrong, and what to do about it"],
    ["severity", "VARCHAR", "error (row rejected) or warning (row kept)"],
  ],
};

export interface IssueSummary {
  /** The CSV report written. */
  report: string;
  errors: number;
  warnings: number;
  /** The commonest reasons, most first. */
  byReason: { reason: string; severity: Severity; count: number }[];
}

/**
 * Record a kind's problems. `select` is SQL yielding file, row, column, value, reason, severity and then any
 * `extras` columns the kind adds to its CSV (e.g. sheet, grant_id), already in report order. The rows replace the
 * kind's earlier rows in input_issues, and the CSV is written whole (a temporary file renamed into place) by DuckDB
 * (csv-copy.ts), so a million problems never enter JavaScript.
 */
export async function recordIssues(db: Db, kind: string, select: string, reportsDir: string, extras: string[] = []): Promise<IssueSummary> {
  const exists = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'input_issues' AND NOT temporary`);
  if (!exists.length) await createTable(db, issuesTable);
  await db.run(`DELETE FROM input_issues WHERE kind = $kind`, { kind });
  await db.run(`CREATE OR REPLACE TEMP TABLE kit_issues AS SELECT row_number() OVER ()::INTEGER AS n, * FROM (${select})`);
  await db.run(
    `INSERT INTO input_issues SELECT $kind, n, file, "row"::VARCHAR, "column", value::VARCHAR, reason, severity FROM kit_issues ORDER BY n`,
    { kind },
  );
  mkdirSync(reportsDir, { recursive: true });
  const report = join(reportsDir, `${kind}-rejects.csv`);
  const header = ["file", "row", "column", "value", "reason", "severity", ...extras];
  await copyCsv(db, report, header, header.map((c) => `${ident(c)}::VARCHAR`), `SELECT * FROM kit_issues`, ["n"]);
  const counts = await db.all<{ reason: string; severity: Severity; count: number }>(
    `SELECT reason, severity, count(*)::INTEGER AS count FROM kit_issues GROUP BY ALL ORDER BY count DESC, reason LIMIT 8`,
  );
  const [t] = await db.all<{ errors: number; warnings: number }>(
    `SELECT count(*) FILTER (WHERE severity = 'error')::INTEGER AS errors, count(*) FILTER (WHERE severity = 'warning')::INTEGER AS warnings FROM kit_issues`,
  );
  await db.run(`DROP TABLE kit_issues`);
  return { report, errors: t.errors, warnings: t.warnings, byReason: counts };
}
