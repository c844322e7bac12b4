// The rejects and changes reports written by DuckDB (kit/csv-copy.ts) are byte for byte what the JavaScript writer (src/lib/csv.ts) writes: every cell, and the file (BOM, header, CRLF, order).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { csvCellSql } from "../../pipelines/kit/csv-copy.ts";
import { recordChanges } from "../../pipelines/kit/changes.ts";
import { recordIssues } from "../../pipelines/kit/issues.ts";
import { csvCell, csvText } from "../../src/lib/csv.ts";
import { tempDir } from "../support/pipeline.ts";

/** Every character JavaScript's \s matches, and some it does not (U+0085, U+180E, U+200B). */
const spaces = [" ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u1680", "\u2000", "\u2005", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", "\u0085", "\u180e", "\u200b"];
const hostile: (string | null)[] = [
  null, "", "plain", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x")', "@SUM(A1)", "+1", "-2+3", "\t=1+1", "\r=1", "-5", "-0.02713", "-1e5", "-.5",
  "-5.", "-", "-1e", "-1e+5x", "a,b", "a;b", 'a"b', '"', "a\nb", "a\r\nb", "£1,234.56", "Café", "🙂", "'quoted'", "x\u0000y",
  ...spaces.flatMap((s) => [s, `${s}x`, `x${s}`, `x${s}x`, `=${s}`, `-${s}`, `${s}=1`]),
];

describe("CSV written by DuckDB", () => {
  it("writes every cell as csvCell does", async () => {
    const db = await openDb();
    const got = await db.all<{ c: string }>(`SELECT ${csvCellSql("v")} AS c FROM unnest($values::VARCHAR[]) WITH ORDINALITY t(v, i) ORDER BY i`, {
      values: hostile.map((v) => v ?? "\u0001null"),
    });
    db.close();
    // unnest of a bound list cannot hold NULL here: the marker stands for it.
    expect(got.map((r) => r.c)).toEqual(hostile.map((v) => (v === null ? csvCell("\u0001null") : csvCell(v))));
    const nul = await openDb();
    expect(await nul.all(`SELECT ${csvCellSql("NULL::VARCHAR")} AS c`)).toEqual([{ c: csvCell(null) }]);
    nul.close();
  });

  // Against the text as written: a value that starts with U+FEFF keeps it (the JavaScript writer, reading the rows
  // through the node API, lost it).
  it("writes the rejects report with the same bytes as csvText: BOM, header, CRLF, report order", async () => {
    const db = await openDb();
    const dir = tempDir();
    const rows = hostile.map((v, i) => [`file ${i % 3}.csv`, i % 5 ? String(i + 1) : null, v, v === null ? null : `${v}${v}`, `reason ${v ?? ""}`, i % 2 ? "error" : "warning", v]);
    await db.run(`CREATE TABLE issues (i INTEGER, file VARCHAR, "row" INTEGER, "column" VARCHAR, value VARCHAR, reason VARCHAR, severity VARCHAR, sheet VARCHAR)`);
    for (const [i, r] of rows.entries()) await db.run(`INSERT INTO issues VALUES ($1, $2, $3::INTEGER, $4, $5, $6, $7, $8)`, [rows.length - i, ...r]);
    const summary = await recordIssues(db, "hostile", `SELECT file, "row", "column", value, reason, severity, sheet FROM issues ORDER BY i DESC`, dir, ["sheet"]);
    db.close();
    expect(summary.report).toBe(join(dir, "hostile-rejects.csv"));
    expect(readFileSync(summary.report, "utf8")).toBe(csvText(["file", "row", "column", "value", "reason", "severity", "sheet"], rows, { bom: true }));
    expect(summary.errors + summary.warnings).toBe(rows.length);
  });

  it("writes the header alone when there is nothing to report", async () => {
    const db = await openDb();
    const dir = tempDir();
    const summary = await recordIssues(db, "none", `SELECT 'f' AS file, NULL AS "row", NULL AS "column", NULL AS value, 'r' AS reason, 'error' AS severity WHERE false`, dir);
    db.close();
    expect(readFileSync(summary.report, "utf8")).toBe("\ufefffile,row,column,value,reason,severity\r\n");
  });

  it("writes the changes report with the same bytes as csvText, fields in identifier and field order", async () => {
    const db = await openDb();
    const dir = tempDir();
    // The expected rows are read back through the node API, which drops a value's leading U+FEFF (the rejects test
    // above checks such values against the text as written); the report itself keeps it.
    const values = hostile.filter((v): v is string => v !== null && !v.includes("\u0000") && !v.startsWith("\ufeff"));
    const old = Object.fromEntries(values.map((v, i) => [`f${String(i).padStart(3, "0")}`, v]));
    const now = Object.fromEntries(values.map((v, i) => [`f${String(i).padStart(3, "0")}`, i % 4 ? `${v}!` : v]));
    await db.run(`CREATE TABLE pairs AS SELECT * FROM (VALUES ('=id 2', $old::JSON, $now::JSON, 'a.csv', 'b;c.csv', 'later ingest'), ('id 1', $now::JSON, $old::JSON, ' a', NULL, 'later Last Modified')) t(identifier, old_json, new_json, old_file, new_file, rule)`, {
      old: JSON.stringify(old),
      now: JSON.stringify(now),
    });
    const summary = await recordChanges(db, "hostile", `SELECT * FROM pairs`, dir);
    const rows = await db.all<Record<string, string | null>>(`SELECT identifier, field, old_value, new_value, old_file, new_file, rule FROM input_changes ORDER BY identifier, field`);
    db.close();
    expect(summary.fields).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(40);
    const header = ["identifier", "field", "old_value", "new_value", "old_file", "new_file", "rule"];
    expect(readFileSync(summary.report, "utf8")).toBe(csvText(header, rows.map((r) => header.map((h) => r[h])), { bom: true }));
  });

  it("reports a changed field whatever its key holds (quotes, slashes, tildes, dots, brackets, empty)", async () => {
    const db = await openDb();
    const dir = tempDir();
    const keys = ['a"b', "c/d", "e~f", "~1", "x.y", "[0]", "$", "", "back\\slash", "same"];
    const old = Object.fromEntries(keys.map((k) => [k, `old ${k}`]));
    const now = Object.fromEntries(keys.map((k) => [k, k === "same" ? `old ${k}` : `new ${k}`]));
    await db.run(`CREATE TABLE pairs AS SELECT 'id 1' AS identifier, $old::JSON AS old_json, $now::JSON AS new_json, 'a.csv' AS old_file, 'b.csv' AS new_file, 'later ingest' AS rule`, {
      old: JSON.stringify(old),
      now: JSON.stringify(now),
    });
    await recordChanges(db, "keys", `SELECT * FROM pairs`, dir);
    const rows = await db.all<{ field: string; old_value: string; new_value: string }>(`SELECT field, old_value, new_value FROM input_changes ORDER BY field`);
    db.close();
    const changed = keys.filter((k) => k !== "same").sort();
    expect(rows).toEqual([...rows].sort((a, b) => (a.field < b.field ? -1 : 1)));
    expect(rows.map((r) => r.field).sort()).toEqual(changed);
    for (const r of rows) expect([r.old_value, r.new_value]).toEqual([`old ${r.field}`, `new ${r.field}`]);
  });
});
