// `chest inputs`: the list of ingested files as a table for people (counts and dates the UK way) or as CSV for machines (as stored).
import { formatDate, formatNumber } from "../../src/lib/format.ts";
import type { QueryResult } from "../query/query.ts";
import type { InputRow } from "./ingest.ts";

const columns = ["kind", "id", "name", "rows", "accepted", "rejected", "ingested (UTC)", "sha256"];

/** For the console: 29,269 rows, ingested 1 Dec 2026 19:25:22 (UTC). */
export function inputsTable(rows: InputRow[]): QueryResult {
  return {
    columns,
    rows: rows.map((r) => [r.kind, r.id, r.name, formatNumber(r.rows_read), formatNumber(r.accepted), formatNumber(r.rejected), `${formatDate(r.ingested_at)} ${r.ingested_at.slice(11, 19)}`, r.sha256]),
  };
}

/** For --csv: the numbers and the ISO time as stored. */
export function inputsCsv(rows: InputRow[]): QueryResult {
  return { columns, rows: rows.map((r) => [r.kind, r.id, r.name, r.rows_read, r.accepted, r.rejected, r.ingested_at.slice(0, 19).replace("T", " "), r.sha256]) };
}
