// Aggregate referral files (period, area code, need, referrals, unmet): read whole by the kit's delimited reader (any encoding or delimiter), rows checked with zod, areas and overlaps checked in DuckDB.
import type { Db } from "../db/connection.ts";
import { readBounded } from "../kit/bounds.ts";
import { raggedReason, readDelimited } from "../kit/delimited.ts";
import { appendRows, createTable, type TableDecl } from "../kit/table.ts";
import { ALL_NEEDS, normaliseNeedLabel } from "../../src/lib/needs.ts";
import type { AggregateLayout } from "./format.ts";
import { identifierInValue, WITHHELD, type FileStats } from "./records.ts";
import { aggregateRowSchema } from "./vocabulary.ts";

export interface AggregateFileInput {
  db: Db;
  path: string;
  label: string;
  order: number;
  layout: AggregateLayout;
  /** yyyy-mm-dd; months after today's month are rejected. */
  today: string;
  needs: ReadonlyMap<string, string>;
}

interface Reject {
  line: number;
  column: string;
  value: string | null;
  reason: string;
}

const fields = ["period", "area_code", "need", "referrals", "unmet"] as const;

type AggregateRow = { line: number } & Record<(typeof fields)[number], string | null>;

/**
 * The data rows of an aggregate file (small: read whole, within the kit's size bound) with the line each is on
 * (header = 1). Empty cells are null; a row with more or fewer fields than the header is a row-level reject.
 */
function readAggregateRows(input: AggregateFileInput): { rows: AggregateRow[]; ragged: Reject[] } {
  const { label, layout } = input;
  const [head, ...body] = readDelimited(readBounded(input.path, label), label).records;
  const width = head?.fields.length ?? 0;
  const rows: AggregateRow[] = [];
  const ragged: Reject[] = [];
  for (const r of body) {
    const uneven = raggedReason(r, width);
    if (uneven) {
      ragged.push({ line: r.row, column: "", value: null, reason: uneven });
      continue;
    }
    const cell = (name: (typeof fields)[number]) => {
      const v = r.fields[layout.columns[name]];
      return v === undefined || v === "" ? null : v;
    };
    rows.push({ line: r.row, period: cell("period"), area_code: cell("area_code"), need: cell("need"), referrals: cell("referrals"), unmet: cell("unmet") });
  }
  return { rows, ragged };
}

const validRow: TableDecl = {
  name: "ra_row",
  columns: [["line", "INTEGER"], ["period", "VARCHAR"], ["area", "VARCHAR"], ["need", "VARCHAR"], ["referrals", "INTEGER"], ["unmet", "INTEGER"]],
};
const temp = { schema: "main", catalog: "temp" };
const rejectRow: TableDecl = { name: "ra_reject", columns: [["line", "INTEGER"], ["col", "VARCHAR"], ["value", "VARCHAR"], ["reason", "VARCHAR"]] };

/** Ingest one aggregate file: rejects into referral_reject, accepted rows into referral_aggregate. */
export async function ingestAggregateFile(input: AggregateFileInput): Promise<FileStats> {
  const { db, label, layout, today } = input;
  const { rows, ragged } = readAggregateRows(input);
  const headerOf = (name: string) => layout.headers[layout.names.indexOf(name)] ?? name;
  const rejects: Reject[] = [...ragged];
  const valid: { line: number; period: string; area: string; need: string; referrals: number; unmet: number }[] = [];
  const thisMonth = today.slice(0, 7);
  for (const row of rows) {
    const line = row.line;
    const text = (v: string | null) => (v === null ? undefined : v);
    const identifier = fields
      .map((name) => [name, identifierInValue(row[name] ?? "")] as const)
      .find(([, what]) => what !== null);
    if (identifier) {
      rejects.push({ line, column: headerOf(identifier[0]), value: WITHHELD, reason: `${identifier[1]}: the row is refused and nothing from it is stored` });
      continue;
    }
    const parsed = aggregateRowSchema.safeParse({
      period: text(row.period),
      area_code: text(row.area_code),
      need: text(row.need),
      referrals: text(row.referrals),
      unmet: text(row.unmet),
    });
    const problems: Reject[] = [];
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[0] ?? "period") as (typeof fields)[number];
        problems.push({ line, column: headerOf(name), value: (row[name] ?? "").slice(0, 80), reason: issue.message });
      }
    } else {
      const r = parsed.data;
      if (r.period > thisMonth) problems.push({ line, column: headerOf("period"), value: r.period, reason: `in the future (after ${thisMonth})` });
      if (r.period < "2010-01") problems.push({ line, column: headerOf("period"), value: r.period, reason: "before 2010: check the period" });
      const needKey = normaliseNeedLabel(r.need) === ALL_NEEDS ? ALL_NEEDS : input.needs.get(normaliseNeedLabel(r.need));
      if (needKey === undefined)
        problems.push({
          line,
          column: headerOf("need"),
          value: r.need.slice(0, 80),
          reason: `unknown need category "${r.need.slice(0, 80)}": not in the need taxonomy or the place's needSynonyms (use "all" for the total)`,
        });
      if (r.unmet > r.referrals)
        problems.push({ line, column: headerOf("unmet"), value: String(r.unmet), reason: `more unmet referrals (${r.unmet}) than referrals (${r.referrals})` });
      if (problems.length === 0) valid.push({ line, period: r.period, area: r.area_code, need: needKey!, referrals: r.referrals, unmet: r.unmet });
    }
    rejects.push(...problems);
  }

  await createTable(db, validRow, { temp: true });
  await appendRows(db, validRow, valid.map((v) => [v.line, v.period, v.area, v.need, v.referrals, v.unmet]), temp);

  // Areas: which layer each code is, whether it is in the place (2011 LSOAs converted), duplicates, and each need within its total.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE ra_located AS
    WITH msoa AS (SELECT DISTINCT msoa21cd AS code FROM lsoa), ward AS (SELECT DISTINCT ward_code AS code FROM lsoa)
    SELECT r.*,
           CASE WHEN r.area LIKE 'E01%' THEN 'lsoa' WHEN r.area LIKE 'E02%' THEN 'msoa' WHEN r.area LIKE 'E05%' THEN 'ward'
                WHEN r.area LIKE 'U%' THEN 'pcn' ELSE 'lad' END AS layer,
           coalesce(l21.lsoa21cd, l11.lsoa21cd, m.code, w.code, p.code, d.lad_code) AS area_code,
           l21.lsoa21cd IS NULL AND l11.lsoa21cd IS NOT NULL AS converted
    FROM ra_row r
    LEFT JOIN lsoa l21 ON l21.lsoa21cd = r.area
    LEFT JOIN rf_lsoa21 e21 ON e21.code = r.area
    LEFT JOIN rf_lsoa11 e11 ON e11.code11 = r.area AND e21.code IS NULL
    LEFT JOIN lsoa l11 ON l11.lsoa21cd = e11.code21
    LEFT JOIN msoa m ON m.code = r.area
    LEFT JOIN ward w ON w.code = r.area
    LEFT JOIN pcn p ON p.code = r.area
    LEFT JOIN place_lad d ON d.lad_code = r.area`);
  const areaRejects = await db.all<Reject>(`
    SELECT line, 'area_code' AS "column", area AS value,
           CASE WHEN layer = 'pcn' THEN 'unknown PCN code: not in the NHS ODS list of primary care networks (ePCN)'
                ELSE upper(layer) || ' ' || area || ' is not in the place' END AS reason
    FROM ra_located WHERE area_code IS NULL
    UNION ALL
    SELECT line, 'area_code', area, 'the same period, area and need appear again at line ' || first_line
    FROM (SELECT line, area, first_value(line) OVER w AS first_line, row_number() OVER w AS rn
          FROM ra_located WHERE area_code IS NOT NULL
          WINDOW w AS (PARTITION BY period, layer, area_code, need ORDER BY line))
    WHERE rn > 1
    ORDER BY line`);
  for (const r of areaRejects) rejects.push({ ...r, column: headerOf(r.column) });
  const badLines = new Set(rejects.map((r) => r.line));
  await db.run(`CREATE OR REPLACE TEMP TABLE ra_bad AS SELECT unnest($lines::DOUBLE[])::INTEGER AS line`, { lines: [...badLines, -1] });
  // Every (period, area) needs an "all" row, and no need can exceed it: otherwise the total is unknown.
  const totalRejects = await db.all<Reject>(`
    WITH ok AS (SELECT l.* FROM ra_located l ANTI JOIN ra_bad b ON b.line = l.line),
    totals AS (SELECT period, layer, area_code, referrals, unmet FROM ok WHERE need = 'all')
    SELECT o.line, 'need' AS "column", o.need AS value,
           CASE WHEN t.area_code IS NULL THEN 'no "all" row for this period and area: give the total number of referrals (each referral once) as need "all"'
                ELSE 'more referrals or unmet for this need than the "all" row for the same period and area' END AS reason
    FROM ok o LEFT JOIN totals t USING (period, layer, area_code)
    WHERE o.need <> 'all' AND (t.area_code IS NULL OR o.referrals > t.referrals OR o.unmet > t.unmet)
    ORDER BY o.line`);
  for (const r of totalRejects) rejects.push({ ...r, column: headerOf(r.column) });

  await createTable(db, rejectRow, { temp: true });
  await appendRows(db, rejectRow, rejects.map((r) => [r.line, r.column, r.value, r.reason]), temp);
  await db.run(`INSERT INTO referral_reject SELECT $file, line, col, value, reason FROM ra_reject ORDER BY line, col, reason`, { file: label });
  await db.run(
    `INSERT INTO referral_aggregate
     SELECT $file, $order::INTEGER, line, period, layer, area_code, converted, need, referrals, unmet
     FROM ra_located l ANTI JOIN ra_reject j ON j.line = l.line ORDER BY l.line`,
    { file: label, order: input.order },
  );
  const [s] = await db.all<{ accepted: number; converted: number }>(
    `SELECT count(*)::INTEGER AS accepted, count(*) FILTER (WHERE converted_from_2011)::INTEGER AS converted FROM referral_aggregate WHERE file = $file AND file_order = $order::INTEGER`,
    { file: label, order: input.order },
  );
  for (const t of ["ra_row", "ra_located", "ra_bad", "ra_reject"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
  return {
    file: label,
    format: "aggregate",
    rows: rows.length + ragged.length,
    accepted: s.accepted,
    rejected_rows: new Set(rejects.map((r) => r.line)).size,
    identifier_rows: 0,
    lsoa21: 0,
    lsoa11_converted: s.converted,
    postcode: 0,
    coordinates: 0,
    ignored_columns: layout.ignored.join("; "),
    synthetic: /^demo-/.test(label),
  };
}
