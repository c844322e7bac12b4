// Record-level referral files: read as text in DuckDB, checked set-based (reject rows with file, line, column, value, reason), located, stored.
import { createIdentifierMacros, identifierCandidatePattern, identifierIn, identifierReasonsSql, isNhsNumber, POSTCODE_FULL, POSTCODE_IN_TEXT } from "../privacy/identifiers.ts";
import type { SpatialIndex } from "../../geo/spatial-index.ts";
import { describePointProblem } from "../../geo/point-checks.ts";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { InputError } from "../errors.ts";
import { bulkCsv, csvCell, MAX_RECORD_CHARS, raggedReason, readDelimited } from "../kit/delimited.ts";
import { readBounded } from "../kit/bounds.ts";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecordLayout } from "./format.ts";
import { financialYearSql } from "./measures.ts";
import { FIRST_REFERRAL_DATE, REFERRAL_TYPES } from "./types.ts";
import { needNormaliseSql, normaliseWordSql, outcomes, referralSources, type RecordColumn } from "./vocabulary.ts";

export interface RecordFileInput {
  db: Db;
  /** Registered path of the file. */
  path: string;
  /** The name the user gave it (reported and stored). */
  label: string;
  /** Order of the file among all referral files (duplicates keep the earliest). */
  order: number;
  layout: RecordLayout;
  /** yyyy-mm-dd: referral dates after it are rejected as future. */
  today: string;
  /** Whether rf_postcode holds a postcode directory. */
  hasPostcodes: boolean;
  /** The LSOA point-in-polygon index, built on first use. */
  index: () => SpatialIndex;
}

export interface FileStats {
  file: string;
  format: "records" | "aggregate";
  rows: number;
  accepted: number;
  rejected_rows: number;
  identifier_rows: number;
  lsoa21: number;
  lsoa11_converted: number;
  postcode: number;
  coordinates: number;
  ignored_columns: string;
  synthetic: boolean;
}

/** What a withheld value shows in the rejects report. */
export const WITHHELD = "(withheld)";

const REFUSED = "the row is refused and nothing from it is stored";

// Direct identifiers in values: the patterns, macros and reasons live in pipelines/privacy/identifiers.ts (one module for every ingest of records about people).
const ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?";
export { isNhsNumber };

/** The identifier check in JavaScript, for the small files checked row by row (aggregates); record-level files use the same patterns in SQL. */
export function identifierInValue(value: string): string | null {
  return identifierIn(value);
}

/** A row set aside because its fields do not line up with the header: its line (header = 1) and the reason. */
export interface RaggedRow {
  line: number;
  reason: string;
}

/** rf_raw from a UTF-8 file DuckDB reads strictly. */
async function readStrict(db: Db, path: string, delimiter: string, names: string[]): Promise<void> {
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_raw AS
    SELECT * FROM read_csv(${literal(path)}, header = true, auto_detect = false,
                           columns = {${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(", ")}},
                           strict_mode = true, encoding = 'utf-8', delim = ${literal(delimiter)}, quote = '"', escape = '"',
                           max_line_size = ${MAX_RECORD_CHARS * 4})`);
}

/**
 * A file with rows that have more or fewer fields than its header (a value with a comma outside quotes, a damaged
 * row): read whole with the kit's reader (within its size bound), those rows written as empty rows to a clean copy so
 * every other row keeps its line, and the copy read into rf_raw. Returns the rows set aside, rejected by the caller.
 */
async function readRagged(db: Db, path: string, label: string, names: string[], refusal: InputError): Promise<RaggedRow[]> {
  const [head, ...body] = readDelimited(readBounded(path, label), label).records;
  const width = head.fields.length;
  const ragged: RaggedRow[] = [];
  // Cells as the kit writes them, without formula marks (numeric: this copy is read by DuckDB, never opened).
  const lines = [names.map((n) => csvCell(n, true)).join(",")];
  // With values running over several lines, a stray quote can swallow the rows after it: where rows begin and end is
  // then not certain, so such a file is refused whole, as before, rather than read row by row.
  if (body.some((r) => r.fields.some((f) => /[\r\n]/.test(f)))) throw refusal;
  body.forEach((r, k) => {
    const reason = raggedReason(r, width);
    if (reason) ragged.push({ line: k + 2, reason });
    lines.push((reason ? Array<string>(width).fill("") : r.fields).map((v) => csvCell(v, true)).join(","));
  });
  const copy = join(tmpdir(), `chest-rows-${process.pid}-${Date.now()}.csv`);
  writeFileSync(copy, lines.join("\n") + "\n");
  try {
    await readStrict(db, copy, ",", names);
  } finally {
    rmSync(copy, { force: true });
  }
  return ragged;
}

/**
 * Read the file as text columns (any encoding and delimiter the kit detects). Rows with more or fewer fields than the
 * header are returned to be rejected (the rest are read); a file DuckDB cannot otherwise parse fails whole with the
 * line it stopped at.
 */
async function readRaw(input: RecordFileInput | { db: Db; path: string; label: string; layout: { names: string[] } }): Promise<RaggedRow[]> {
  const { db, path, label, layout } = input;
  const csv = bulkCsv(path, label);
  try {
    await readStrict(db, csv.path, csv.delimiter, layout.names);
    return [];
  } catch (e) {
    const message = (e as Error).message;
    // DuckDB's message quotes the offending line: it may hold identifiers, so only the line number and counts are kept.
    const line = /line:? (\d+)/i.exec(message)?.[1];
    const found = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
    if (found) {
      const refusal = new InputError(label, `line ${line ?? "?"} has ${found[2]} fields where the header has ${found[1]}: the file is damaged, not comma-separated, or has a value with a comma that is not in quotes`);
      return await readRagged(db, path, label, layout.names, refusal);
    }
    if (/maximum line size|max_line_size/i.test(message))
      throw new InputError(label, `${line ? `line ${line}` : "a line"} is longer than ${(MAX_RECORD_CHARS * 4).toLocaleString("en-GB")} bytes: the file is damaged (or a quote is never closed); nothing from it is loaded`);
    if (/unicode|utf-?8|encoding/i.test(message)) throw new InputError(label, `is not UTF-8 text${line ? ` (line ${line})` : ""}: save it as CSV UTF-8 and ingest it again`);
    // Any other fault: the kit's reader names it precisely where it can (a quote never closed, and on which line); it never loads what DuckDB refused.
    readDelimited(readBounded(path, label), label);
    throw new InputError(label, `cannot be read as CSV${line ? ` (line ${line})` : ""}: check it is a comma-separated file with one header row`);
  } finally {
    csv.cleanup();
  }
}

export { readRaw as readRawCsv };

/** The canonical columns whose values are checked once per distinct text in check()'s lookups, with the lookup and its key (the text as read). */
const lookupColumns: { column: RecordColumn; table: string; key: string }[] = [
  { column: "referral_date", table: "rf_date_value", key: "date_key" },
  { column: "practice_code", table: "rf_practice_value", key: "practice_key" },
  { column: "pcn_code", table: "rf_practice_value", key: "pcn_key" },
  { column: "lsoa_code", table: "rf_lsoa_value", key: "lsoa_key" },
  { column: "age_band", table: "rf_age_band_value", key: "age_key" },
  { column: "needs", table: "rf_need_value", key: "needs_key" },
  { column: "source", table: "rf_source_value", key: "source_key" },
  { column: "outcome", table: "rf_outcome_value", key: "outcome_key" },
  { column: "days_waited", table: "rf_days_value", key: "days_key" },
];

/**
 * SQL over rf_parsed p (ident_text, postcode_text) and the lookups: whether a row may hold a direct identifier. One
 * combined pattern (a superset of the checks) over the columns that do not repeat, joined by chr(31), and once per
 * distinct text for the columns that do (the lookups' `flagged`): no pattern spans chr(31), so this flags the rows a
 * scan of the whole joined row would. The exact reasons come from findIdentifiers on the rows it flags.
 */
function identifierFlagSql(layout: RecordLayout, lookupAlias: Record<string, string>): string {
  const postcodeAddress = `(p.postcode_text IS NOT NULL AND NOT regexp_full_match(upper(regexp_replace(trim(p.postcode_text), '\\s+', '', 'g')), '${POSTCODE_FULL}') AND regexp_matches(p.postcode_text, '${POSTCODE_IN_TEXT}'))`;
  const parts = [`regexp_matches(p.ident_text, '${identifierCandidatePattern({ postcodes: true })}')`];
  if (layout.columns.postcode !== undefined) parts.push(`regexp_matches(coalesce(p.postcode_text, ''), '${identifierCandidatePattern()}')`, postcodeAddress);
  for (const table of new Set(lookupColumns.map((l) => l.table))) parts.push(`${lookupAlias[table]}.flagged`);
  return parts.join(" OR ");
}

/** Mark each lookup's keys that may hold a direct identifier (flagged), with the same combined pattern, once per distinct text. */
async function flagLookups(db: Db): Promise<void> {
  for (const table of new Set(lookupColumns.map((l) => l.table))) {
    const keys = lookupColumns.filter((l) => l.table === table).map((l) => `coalesce(regexp_matches(${l.key}, '${identifierCandidatePattern({ postcodes: true })}'), false)`);
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT *, ${keys.join(" OR ")} AS flagged FROM ${table}`);
  }
}

/** Rows with direct identifiers anywhere (rf_identifier: line, col, reason): exact per-column reasons on the rows check() flagged. */
async function findIdentifiers(db: Db): Promise<void> {
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_flagged AS
    SELECT (rowid + 2)::INTEGER AS line, * FROM rf_raw WHERE rowid IN (SELECT line - 2 FROM rf_problem WHERE flagged)`);
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM rf_flagged`);
  if (n === 0) {
    await db.run(`CREATE OR REPLACE TEMP TABLE rf_identifier (line INTEGER, col VARCHAR, reason VARCHAR)`);
    return;
  }
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_identifier AS
    WITH long AS (UNPIVOT rf_flagged ON COLUMNS(* EXCLUDE (line)) INTO NAME col VALUE v)
    SELECT line, col, reason FROM (
      SELECT line, col, unnest(list_concat(
        list_transform(${identifierReasonsSql("v", { allowPostcode: true })}, lambda x: x || ': ${REFUSED}'),
        list_filter([
          CASE WHEN col <> 'postcode' AND regexp_matches(v, '${POSTCODE_IN_TEXT}') THEN 'holds a postcode outside the postcode column: ${REFUSED}' END,
          CASE WHEN col = 'postcode' AND NOT regexp_full_match(upper(regexp_replace(trim(v), '\\s+', '', 'g')), '${POSTCODE_FULL}')
                    AND regexp_matches(v, '${POSTCODE_IN_TEXT}') THEN 'looks like an address (a postcode with a house number or street): ${REFUSED}' END
        ], lambda x: x IS NOT NULL))) AS reason
      FROM long)
    ORDER BY line, col`);
}

/**
 * Every check, set-based, for one file already in rf_raw. Leaves the view rf_checked (parsed rows, whether a check
 * failed, problems and the identifier flag), so the accepted rows go from the view straight into referral (filtered on
 * `failed`, so no problem list is built for them), and returns its SQL for some rows
 * only (a query of rf_raw row ids), for the few rows set aside. Columns whose values repeat (dates, practice and PCN
 * codes, LSOA codes, vocabularies, need lists, days) are tidied and checked once per distinct text in small lookups
 * (rf_*_value, keyed by the text as read), then one pass joins them to the rows; a row's problem list is only built
 * when one of its checks failed.
 */
async function check(input: RecordFileInput): Promise<(rows: string) => string> {
  const { db, layout, today } = input;
  const raw = (c: RecordColumn) => (layout.columns[c] !== undefined ? ident(c) : "NULL::VARCHAR");
  const clean = (c: RecordColumn) => (layout.columns[c] !== undefined ? `nullif(trim(${ident(c)}), '')` : "NULL::VARCHAR");
  // The text of the columns that do not repeat (and of columns not read, extra_*), for the identifier check per row.
  const rowText = layout.names.filter((n) => n !== "postcode" && !lookupColumns.some((l) => l.column === n)).map((n) => ident(n));
  // Per row: the few columns that do not repeat; the *_key columns are the text as read, for the lookups. `rows`: a
  // query of rf_raw row ids to parse only those (the whole file when absent).
  const parsed = (rows?: string) => `
    SELECT *,
           upper(regexp_replace(postcode_raw, '\\s+', '', 'g')) AS pc,
           try_cast(lon_raw AS DOUBLE) AS lon,
           try_cast(lat_raw AS DOUBLE) AS lat
    FROM (
      SELECT (rowid + 2)::INTEGER AS line,
             ${clean("referral_id")} AS referral_id,
             ${raw("referral_date")} AS date_key,
             ${raw("practice_code")} AS practice_key,
             ${raw("pcn_code")} AS pcn_key,
             ${raw("lsoa_code")} AS lsoa_key,
             ${clean("postcode")} AS postcode_raw,
             ${clean("longitude")} AS lon_raw,
             ${clean("latitude")} AS lat_raw,
             ${raw("age_band")} AS age_key,
             ${raw("needs")} AS needs_key,
             ${raw("source")} AS source_key,
             ${raw("outcome")} AS outcome_key,
             ${clean("activity_id")} AS activity_raw,
             ${raw("days_waited")} AS days_key,
             ${rowText.length ? `concat_ws(chr(31), ${rowText.join(", ")})` : "''"} AS ident_text,
             ${raw("postcode")} AS postcode_text
      FROM rf_raw${rows ? ` WHERE rowid IN (${rows})` : ""})`;
  await db.run(`CREATE OR REPLACE TEMP VIEW rf_parsed AS ${parsed()}`);
  const tidy = (key: string) => `nullif(trim(${key}), '')`;
  const distinct = (...keys: string[]) => `(SELECT DISTINCT ${keys.join(", ")} FROM rf_parsed)`;

  // LSOA codes (2021, or 2011 converted with the best-fit lookup), once per distinct text.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_lsoa_value AS
    SELECT d.lsoa_key, d.lsoa_raw, coalesce(pl.lsoa21cd, pl11.lsoa21cd)::${REFERRAL_TYPES.lsoa21cd} AS lsoa21cd,
           (CASE WHEN pl.lsoa21cd IS NOT NULL THEN 'lsoa21' ELSE 'lsoa11' END)::${REFERRAL_TYPES.location_method} AS location_method,
           CASE WHEN NOT regexp_full_match(d.lsoa_raw, '[EW]01[0-9]{6}') THEN 'not an LSOA code (E01 and six digits)'
                WHEN pl.lsoa21cd IS NOT NULL THEN NULL
                WHEN e21.code IS NOT NULL THEN 'LSOA ' || d.lsoa_raw || ' is in ' || coalesce(e21.lad_name, 'another area') || ', outside the place'
                WHEN pl11.lsoa21cd IS NOT NULL THEN NULL
                WHEN e11.code11 IS NOT NULL THEN '2011 LSOA ' || d.lsoa_raw || ' (2021: ' || e11.code21 || ', ' || coalesce(e11lad.lad_name, 'another area') || ') is outside the place'
                ELSE 'not a known LSOA code (neither 2021 nor 2011)' END AS reason
    FROM (SELECT lsoa_key, upper(${tidy("lsoa_key")}) AS lsoa_raw FROM ${distinct("lsoa_key")}) d
    LEFT JOIN lsoa pl ON pl.lsoa21cd = d.lsoa_raw
    LEFT JOIN rf_lsoa21 e21 ON e21.code = d.lsoa_raw
    LEFT JOIN rf_lsoa11 e11 ON e11.code11 = d.lsoa_raw
    LEFT JOIN lsoa pl11 ON pl11.lsoa21cd = CASE WHEN e21.code IS NULL THEN e11.code21 END
    LEFT JOIN rf_lsoa21 e11lad ON e11lad.code = e11.code21`);

  await locatePoints(input);
  if (!input.hasPostcodes) await db.run(`CREATE OR REPLACE TEMP TABLE rf_postcode (pc VARCHAR, lsoa21cd VARCHAR)`);

  // Dates: the parsed date and what is wrong with it, once per distinct text.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_date_value AS
    SELECT date_key, date_raw, referral_date, try_cast(strftime(referral_date, '%Y-%m') AS ${REFERRAL_TYPES.month}) AS month,
           try_cast(${financialYearSql("referral_date")} AS ${REFERRAL_TYPES.financial_year}) AS financial_year,
           CASE WHEN date_raw IS NULL THEN 'missing referral date'
                WHEN regexp_full_match(date_raw, '[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}')
                  THEN 'dd/mm/yyyy dates are ambiguous (some exports write mm/dd/yyyy): write the date as yyyy-mm-dd, e.g. 2024-03-07'
                WHEN NOT regexp_full_match(date_raw, '${ISO_DATE}') THEN 'not a date in yyyy-mm-dd form'
                WHEN referral_date IS NULL THEN 'not a real calendar date'
                WHEN referral_date > DATE ${literal(today)} THEN 'in the future (after ${today})'
                WHEN referral_date < DATE ${literal(FIRST_REFERRAL_DATE)} THEN 'before 2010: check the date' END AS reason
    FROM (SELECT date_key, date_raw, CASE WHEN regexp_full_match(date_raw, '${ISO_DATE}') THEN try_strptime(left(date_raw, 10), '%Y-%m-%d')::DATE END AS referral_date
          FROM (SELECT date_key, ${tidy("date_key")} AS date_raw FROM ${distinct("date_key")}))`);

  // Practice and PCN codes, once per distinct pair: the PCN stored and what is wrong with either code.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_practice_value AS
    SELECT d.practice_key, d.pcn_key, d.practice_raw, d.pcn_raw, try_cast(d.practice_raw AS ${REFERRAL_TYPES.practice_code}) AS practice_code,
           try_cast(CASE WHEN d.pcn_raw IS NOT NULL THEN d.pcn_raw ELSE pr.pcn_code END AS ${REFERRAL_TYPES.pcn_code}) AS pcn_code,
           CASE WHEN d.practice_raw IS NULL AND d.pcn_raw IS NULL THEN 'no practice or PCN code'
                WHEN d.practice_raw IS NULL THEN NULL
                WHEN NOT regexp_full_match(d.practice_raw, '[A-Z][0-9]{5}') THEN 'not an ODS practice code (a letter and five digits, e.g. F84003)'
                WHEN pr.code IS NULL THEN 'unknown practice code: not in the NHS ODS list of GP practices (epraccur)' END AS practice_reason,
           CASE WHEN d.pcn_raw IS NULL THEN NULL
                WHEN NOT regexp_full_match(d.pcn_raw, 'U[0-9]{5}') THEN 'not an ODS PCN code (U and five digits, e.g. U00367)'
                WHEN pn.code IS NULL THEN 'unknown PCN code: not in the NHS ODS list of primary care networks (ePCN)'
                WHEN pr.pcn_code IS NOT NULL AND pr.pcn_code <> d.pcn_raw
                  THEN 'practice ' || d.practice_raw || ' belongs to PCN ' || pr.pcn_code || ' in the NHS ePCN list, not ' || d.pcn_raw END AS pcn_reason
    FROM (SELECT practice_key, pcn_key, upper(${tidy("practice_key")}) AS practice_raw, upper(${tidy("pcn_key")}) AS pcn_raw FROM ${distinct("practice_key", "pcn_key")}) d
    LEFT JOIN practice pr ON pr.code = d.practice_raw
    LEFT JOIN pcn pn ON pn.code = d.pcn_raw`);

  // Age band, source and outcome words, once per distinct text.
  const words = (kind: "age_band" | "source" | "outcome", key: string, type = REFERRAL_TYPES[kind]) => `
    CREATE OR REPLACE TEMP TABLE rf_${kind}_value AS
    SELECT d.${key}, d.text, v.value::${type} AS value FROM (SELECT ${key}, ${tidy(key)} AS text FROM ${distinct(key)}) d
    LEFT JOIN rf_vocab v ON v.kind = '${kind}' AND v.word = ${normaliseWordSql("d.text")}`;
  await db.run(words("age_band", "age_key"));
  await db.run(words("source", "source_key"));
  await db.run(words("outcome", "outcome_key"));

  // Need lists, once per distinct text: the categories (sorted, distinct), the tokens that are no category, and whether any token was given.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_need_value AS
    SELECT t.needs_key, any_value(t.needs_raw) AS needs_raw,
           list_sort(list_distinct(list(s.need) FILTER (WHERE s.need IS NOT NULL)))::${REFERRAL_TYPES.need}[] AS needs,
           coalesce(list(left(t.token, 80)) FILTER (WHERE t.norm <> '' AND s.need IS NULL), []) AS unknown,
           any_value(t.needs_raw) IS NOT NULL AND count(*) FILTER (WHERE t.norm <> '') = 0 AS none_given
    FROM (SELECT needs_key, needs_raw, trim(t) AS token, ${needNormaliseSql("t")} AS norm
          FROM (SELECT needs_key, needs_raw, unnest(coalesce(string_split(needs_raw, ';'), [NULL])) AS t
                FROM (SELECT needs_key, ${tidy("needs_key")} AS needs_raw FROM ${distinct("needs_key")}))) t
    LEFT JOIN rf_need_synonym s ON s.label = t.norm
    GROUP BY t.needs_key`);

  // Days waited, once per distinct text: the number and what is wrong with it (the check against the date is per row).
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_days_value AS
    SELECT days_key, days_raw, CASE WHEN regexp_full_match(days_raw, '[0-9]{1,9}') THEN try_cast(days_raw AS INTEGER) END AS days_waited,
           try_cast(days_raw AS INTEGER) AS days,
           CASE WHEN NOT regexp_full_match(days_raw, '-?[0-9]{1,9}') THEN 'not a whole number of days'
                WHEN try_cast(days_raw AS INTEGER) < 0 THEN 'negative number of days'
                WHEN try_cast(days_raw AS INTEGER) > 1000 THEN 'more than 1,000 days: check the value' END AS reason
    FROM (SELECT days_key, ${tidy("days_key")} AS days_raw FROM ${distinct("days_key")})`);

  // Each column's problem (NULL when none), per row from the lookups.
  const reasons: Record<string, string> = {
    referral_id: `CASE WHEN p.referral_id IS NULL THEN 'missing referral id' WHEN length(p.referral_id) > 64 THEN 'referral id longer than 64 characters' END`,
    referral_date: `dv.reason`,
    practice_code: `pv.practice_reason`,
    pcn_code: `pv.pcn_reason`,
    location: `CASE WHEN lv.lsoa_raw IS NOT NULL THEN lv.reason
            WHEN p.postcode_raw IS NOT NULL THEN
              CASE WHEN NOT ${input.hasPostcodes} THEN 'a postcode is given but no postcode directory is set up: set CHEST_POSTCODES to an ONSPD or NSPL CSV file, or give lsoa_code'
                   WHEN NOT regexp_full_match(p.pc, '${POSTCODE_FULL}') THEN 'not a UK postcode'
                   WHEN pcd.pc IS NULL THEN 'postcode not found in the postcode directory'
                   WHEN ppl.lsoa21cd IS NULL THEN 'postcode is in ' || coalesce(pclad.lad_name, 'another area') || ', outside the place' END
            WHEN p.lon_raw IS NOT NULL OR p.lat_raw IS NOT NULL THEN
              CASE WHEN p.lon_raw IS NULL OR p.lat_raw IS NULL THEN 'give both longitude and latitude'
                   WHEN p.lon IS NULL OR p.lat IS NULL OR NOT isfinite(p.lon) OR NOT isfinite(p.lat)
                     THEN 'longitude and latitude must be numbers in decimal degrees (WGS84)'
                   ELSE pt.problem END
            ELSE 'no location: give lsoa_code, postcode, or longitude and latitude' END`,
    age_band: `CASE WHEN av.text IS NOT NULL AND av.value IS NULL THEN 'unknown age band (use 0-15, 16-24, 25-34, 35-49, 50-64, 65+ or unknown)' END`,
    needs: `CASE WHEN nv.needs_raw IS NULL THEN 'no need category given' END`,
    source: `CASE WHEN sv.text IS NOT NULL AND sv.value IS NULL THEN 'unknown referral source (use ${referralSources.join(", ")})' END`,
    outcome: `CASE WHEN ov.text IS NULL THEN 'missing outcome' WHEN ov.value IS NULL THEN 'unknown outcome (use ${outcomes.join(", ")})' END`,
    activity_id: `CASE WHEN length(p.activity_raw) > 64 THEN 'activity id longer than 64 characters' END`,
    days_waited: `CASE WHEN dw.days_raw IS NULL THEN NULL
            WHEN dw.reason IS NOT NULL THEN dw.reason
            WHEN dv.referral_date <= DATE ${literal(today)} AND dw.days > date_diff('day', dv.referral_date, DATE ${literal(today)})
              THEN 'more days than have passed since the referral date' END`,
  };
  // The problems as the rejects report shows them (column, value, reason), built only for rows with one.
  const problems = [
    `{'col': 'referral_id', 'value': left(referral_id, 80), 'reason': r_referral_id}`,
    `{'col': 'referral_date', 'value': left(date_raw, 80), 'reason': r_referral_date}`,
    `{'col': 'practice_code', 'value': left(practice_raw, 80), 'reason': r_practice_code}`,
    `{'col': 'pcn_code', 'value': left(pcn_raw, 80), 'reason': r_pcn_code}`,
    `{'col': CASE WHEN lsoa_raw IS NOT NULL THEN 'lsoa_code' WHEN postcode_raw IS NOT NULL THEN 'postcode'
                  WHEN lon_raw IS NOT NULL OR lat_raw IS NOT NULL THEN 'longitude' ELSE 'lsoa_code' END,
      'value': CASE WHEN lsoa_raw IS NOT NULL THEN left(lsoa_raw, 80)
                    WHEN postcode_raw IS NOT NULL THEN '${WITHHELD}'
                    WHEN lon IS NOT NULL AND lat IS NOT NULL AND isfinite(lon) AND isfinite(lat)
                      THEN printf('%.2f, %.2f (rounded)', lon, lat)
                    ELSE left(coalesce(lon_raw, '') || ', ' || coalesce(lat_raw, ''), 80) END,
      'reason': r_location}`,
    `{'col': 'age_band', 'value': left(age_raw, 80), 'reason': r_age_band}`,
    `{'col': 'needs', 'value': left(needs_raw, 80), 'reason': r_needs}`,
    `{'col': 'source', 'value': left(source_raw, 80), 'reason': r_source}`,
    `{'col': 'outcome', 'value': left(outcome_raw, 80), 'reason': r_outcome}`,
    `{'col': 'activity_id', 'value': left(activity_raw, 80), 'reason': r_activity_id}`,
    `{'col': 'days_waited', 'value': left(days_raw, 80), 'reason': r_days_waited}`,
  ];
  await flagLookups(db);
  const unknownNeed = "unknown need category (the value): not in the need taxonomy or the place''s needSynonyms; map it to a category in the place file, it is never guessed";
  const names = Object.keys(reasons);
  const on = (alias: string, key: string) => `${alias}.${key} IS NOT DISTINCT FROM p.${key}`;
  // Whether any check failed (problems is built only then): the insert filters on it alone, never building a list.
  const failed = `coalesce(${names.map((n) => `r_${n} IS NOT NULL`).join(" OR ")} OR len(unknown_needs) > 0 OR none_given, false)`;
  const checked = (rows?: string) => `
    SELECT line, referral_id, referral_date, month, financial_year, practice_code, pcn_code, lsoa21cd, location_method,
           age_band, source, outcome, activity_raw AS activity_id, days_waited, needs, flagged, ${failed} AS failed,
           CASE WHEN ${failed} THEN list_concat(
             list_filter([${problems.join(",\n")}], lambda x: x.reason IS NOT NULL),
             list_transform(unknown_needs, lambda u: {'col': 'needs', 'value': u, 'reason': '${unknownNeed}'}),
             CASE WHEN none_given THEN [{'col': 'needs', 'value': left(needs_raw, 80), 'reason': 'no need category given'}] ELSE [] END) END AS problems
    FROM (
      SELECT p.line, p.referral_id, p.postcode_raw, p.lon_raw, p.lat_raw, p.lon, p.lat, p.activity_raw,
             dv.date_raw, dv.referral_date, dv.month, dv.financial_year, pv.practice_raw, pv.practice_code, pv.pcn_raw, pv.pcn_code, lv.lsoa_raw,
             av.text AS age_raw, sv.text AS source_raw, ov.text AS outcome_raw, nv.needs_raw, dw.days_raw,
             ${names.map((n) => `${reasons[n]} AS r_${n}`).join(",\n             ")},
             CASE WHEN lv.lsoa_raw IS NOT NULL THEN lv.lsoa21cd WHEN p.postcode_raw IS NOT NULL THEN ppl.lsoa21cd::${REFERRAL_TYPES.lsoa21cd}
                  ELSE pt.lsoa21cd::${REFERRAL_TYPES.lsoa21cd} END AS lsoa21cd,
             CASE WHEN lv.lsoa_raw IS NOT NULL THEN lv.location_method WHEN p.postcode_raw IS NOT NULL THEN 'postcode'::${REFERRAL_TYPES.location_method}
                  ELSE 'coordinates'::${REFERRAL_TYPES.location_method} END AS location_method,
             coalesce(av.value, 'unknown'::${REFERRAL_TYPES.age_band}) AS age_band, sv.value AS source, ov.value AS outcome, dw.days_waited,
             nv.needs, nv.unknown AS unknown_needs, nv.none_given,
             ${identifierFlagSql(layout, { rf_date_value: "dv", rf_practice_value: "pv", rf_lsoa_value: "lv", rf_age_band_value: "av", rf_source_value: "sv", rf_outcome_value: "ov", rf_need_value: "nv", rf_days_value: "dw" })} AS flagged
      FROM (${rows ? parsed(rows) : "SELECT * FROM rf_parsed"}) p
      LEFT JOIN rf_date_value dv ON ${on("dv", "date_key")}
      LEFT JOIN rf_practice_value pv ON ${on("pv", "practice_key")} AND ${on("pv", "pcn_key")}
      LEFT JOIN rf_lsoa_value lv ON ${on("lv", "lsoa_key")}
      LEFT JOIN rf_age_band_value av ON ${on("av", "age_key")}
      LEFT JOIN rf_source_value sv ON ${on("sv", "source_key")}
      LEFT JOIN rf_outcome_value ov ON ${on("ov", "outcome_key")}
      LEFT JOIN rf_need_value nv ON ${on("nv", "needs_key")}
      LEFT JOIN rf_days_value dw ON ${on("dw", "days_key")}
      LEFT JOIN rf_postcode pcd ON pcd.pc = CASE WHEN lv.lsoa_raw IS NULL THEN p.pc END
      LEFT JOIN lsoa ppl ON ppl.lsoa21cd = pcd.lsoa21cd
      LEFT JOIN rf_lsoa21 pclad ON pclad.code = pcd.lsoa21cd
      LEFT JOIN rf_point pt ON pt.lon = CASE WHEN lv.lsoa_raw IS NULL AND p.postcode_raw IS NULL THEN p.lon END AND pt.lat = p.lat)`;
  await db.run(`CREATE OR REPLACE TEMP VIEW rf_checked AS ${checked()}`);
  return checked;
}

/** The per-value lookups check() builds. */
const lookupTables = ["rf_date_value", "rf_practice_value", "rf_lsoa_value", "rf_age_band_value", "rf_source_value", "rf_outcome_value", "rf_need_value", "rf_days_value"];

/** Locate coordinates (rows with no LSOA code or postcode) with the spatial index: rf_point(lon, lat, lsoa21cd, problem). */
async function locatePoints(input: RecordFileInput): Promise<void> {
  const { db } = input;
  await db.run(`CREATE OR REPLACE TEMP TABLE rf_point (lon DOUBLE, lat DOUBLE, lsoa21cd VARCHAR, problem VARCHAR)`);
  const reader = await db.conn.runAndReadAll(`
    SELECT DISTINCT lon, lat FROM rf_parsed p
    WHERE lon IS NOT NULL AND lat IS NOT NULL AND isfinite(lon) AND isfinite(lat) AND postcode_raw IS NULL
      AND NOT EXISTS (SELECT 1 FROM rf_lsoa_value v WHERE v.lsoa_key IS NOT DISTINCT FROM p.lsoa_key AND v.lsoa_raw IS NOT NULL)`);
  const [lons, lats] = reader.getColumnsJS() as [number[], number[]];
  if (!lons || lons.length === 0) return;
  const index = input.index();
  const appender = await db.conn.createAppender("rf_point", "main", "temp");
  const round2 = (x: number) => Math.round(x * 100) / 100;
  for (let i = 0; i < lons.length; i++) {
    const lon = lons[i];
    const lat = lats[i];
    let code: string | null = null;
    let problem: string | null = null;
    if (describePointProblem(lon, lat) !== null) {
      // The message shows the point rounded to about 1 km: a resident's home is not repeated in the report.
      problem = describePointProblem(round2(lon), round2(lat)) ?? "outside England";
    } else {
      code = index.locate(lon, lat);
      if (code === null) problem = `the point (about ${round2(lon)}, ${round2(lat)}) is not in any LSOA of the place`;
    }
    appender.appendDouble(lon);
    appender.appendDouble(lat);
    if (code === null) appender.appendNull();
    else appender.appendVarchar(code);
    if (problem === null) appender.appendNull();
    else appender.appendVarchar(problem);
    appender.endRow();
  }
  appender.closeSync();
}

/** Ingest one record-level file: rejects into referral_reject, accepted rows into referral. */
export async function ingestRecordFile(input: RecordFileInput): Promise<FileStats> {
  const { db, label, layout } = input;
  await createIdentifierMacros(db);
  const reading = readRaw(input);
  // A file with coordinates: the spatial index is built while DuckDB reads the file (its threads, not this one). A
  // missing boundary file is reported when a point is located, as before.
  if (layout.columns.longitude !== undefined) {
    try {
      input.index();
    } catch {
      // input.index() throws again where it is needed.
    }
  }
  const ragged = await reading;
  const checkedRows = await check(input);
  const fields = `$file, $order::INTEGER, c.line, c.referral_id, c.referral_date, c.month, c.financial_year, c.practice_code, c.pcn_code, c.lsoa21cd, c.location_method, c.age_band, c.source, c.outcome, c.activity_id, c.days_waited, c.needs`;
  // One pass over every row: the rows with no problem and no possible identifier go straight into referral. The rows
  // set aside (those not stored: a few percent) are checked again alone, for their problem lists and identifier flags.
  await db.run(`INSERT INTO referral SELECT ${fields} FROM rf_checked c WHERE NOT c.failed AND NOT coalesce(c.flagged, false)`, { file: label, order: input.order });
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rf_problem AS
     SELECT line, problems, flagged FROM (${checkedRows(`SELECT rowid FROM rf_raw EXCEPT SELECT line - 2 FROM referral WHERE file_order = $order::INTEGER`)})`,
    { order: input.order },
  );
  await findIdentifiers(db);
  // Rows whose fields did not line up were read as empty rows: rejected for that alone, nothing from them checked or shown.
  if (ragged.length) {
    await db.run(`CREATE OR REPLACE TEMP TABLE rf_ragged AS SELECT unnest($lines::INTEGER[]) AS line, unnest($reasons::VARCHAR[]) AS reason`, {
      lines: ragged.map((r) => r.line),
      reasons: ragged.map((r) => r.reason),
    });
    await db.run(`UPDATE rf_problem p SET problems = [{'col': '', 'value': NULL::VARCHAR, 'reason': g.reason}], flagged = false FROM rf_ragged g WHERE g.line = p.line`);
    await db.run(`DELETE FROM rf_identifier WHERE line IN (SELECT line FROM rf_ragged)`);
  }

  // Reports name columns as the file does ("Referral Date"), or by their canonical name when the file lacks them.
  await db.run(`CREATE OR REPLACE TEMP TABLE rf_header AS SELECT unnest($names::VARCHAR[]) AS name, unnest($headers::VARCHAR[]) AS header`, {
    names: layout.names,
    headers: layout.headers,
  });
  await db.run(`CREATE OR REPLACE TEMP TABLE rf_bad AS
    SELECT DISTINCT line FROM rf_identifier UNION SELECT line FROM rf_problem WHERE problems IS NOT NULL`);
  await db.run(
    `INSERT INTO referral_reject
     SELECT $file, r.line, coalesce(h.header, col),
            CASE WHEN i.line IS NOT NULL OR col = 'postcode' THEN '${WITHHELD}' ELSE value END,
            reason
     FROM (
       SELECT line, x.col AS col, x.value AS value, x.reason AS reason FROM (SELECT line, unnest(problems) AS x FROM rf_problem WHERE problems IS NOT NULL)
       UNION ALL SELECT line, col, NULL, reason FROM rf_identifier) r
     LEFT JOIN rf_header h ON h.name = r.col
     LEFT JOIN (SELECT DISTINCT line FROM rf_identifier) i ON i.line = r.line
     ORDER BY r.line, col, reason`,
    { file: label },
  );
  // Rows flagged as possibly holding an identifier where none was found, with no problem, are stored too (after the
  // others: referral has no order, every reader sorts or aggregates).
  if ((await db.all(`SELECT 1 FROM rf_problem p ANTI JOIN rf_bad b USING (line) LIMIT 1`)).length)
    await db.run(`INSERT INTO referral SELECT ${fields} FROM (${checkedRows(`SELECT line - 2 FROM rf_problem EXCEPT SELECT line - 2 FROM rf_bad`)}) c ORDER BY c.line`, {
      file: label,
      order: input.order,
    });
  const [s] = await db.all<Omit<FileStats, "file" | "format" | "ignored_columns" | "synthetic">>(
    `SELECT (SELECT count(*) FROM rf_raw)::INTEGER AS rows,
            count(*)::INTEGER AS accepted,
            (SELECT count(*) FROM rf_bad)::INTEGER AS rejected_rows,
            (SELECT count(DISTINCT line) FROM rf_identifier)::INTEGER AS identifier_rows,
            count(*) FILTER (WHERE location_method = 'lsoa21')::INTEGER AS lsoa21,
            count(*) FILTER (WHERE location_method = 'lsoa11')::INTEGER AS lsoa11_converted,
            count(*) FILTER (WHERE location_method = 'postcode')::INTEGER AS postcode,
            count(*) FILTER (WHERE location_method = 'coordinates')::INTEGER AS coordinates
     FROM referral WHERE file = $file AND file_order = $order::INTEGER`,
    { file: label, order: input.order },
  );
  for (const v of ["rf_checked", "rf_parsed"]) await db.run(`DROP VIEW IF EXISTS ${v}`);
  for (const t of ["rf_header", "rf_raw", "rf_ragged", "rf_flagged", "rf_identifier", "rf_point", "rf_problem", "rf_bad", ...lookupTables])
    await db.run(`DROP TABLE IF EXISTS ${ident(t)}`);
  return { file: label, format: "records", ...s, ignored_columns: layout.ignored.join("; "), synthetic: /^demo-/.test(label) };
}
