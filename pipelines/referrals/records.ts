// Record-level referral files: read as text in DuckDB, checked set-based (reject rows with file, line, column, value, reason), located, stored.
import { createIdentifierMacros, hasIdentifierSql, identifierIn, identifierReasonsSql, isNhsNumber, POSTCODE_FULL, POSTCODE_IN_TEXT } from "../privacy/identifiers.ts";
import type { SpatialIndex } from "../../geo/spatial-index.ts";
import { describePointProblem } from "../../geo/point-checks.ts";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { InputError } from "../errors.ts";
import { bulkCsv, MAX_RECORD_CHARS } from "../kit/delimited.ts";
import type { RecordLayout } from "./format.ts";
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

/** Read the file as text columns (any encoding and delimiter the kit detects); a file DuckDB cannot parse fails whole with the line it stopped at. */
async function readRaw(input: RecordFileInput | { db: Db; path: string; label: string; layout: { names: string[] } }): Promise<void> {
  const { db, path, label, layout } = input;
  const csv = bulkCsv(path, label);
  try {
    await db.run(`
      CREATE OR REPLACE TEMP TABLE rf_raw AS
      SELECT * FROM read_csv(${literal(csv.path)}, header = true, auto_detect = false,
                             columns = {${layout.names.map((n) => `${literal(n)}: 'VARCHAR'`).join(", ")}},
                             strict_mode = true, encoding = 'utf-8', delim = ${literal(csv.delimiter)}, quote = '"', escape = '"',
                             max_line_size = ${MAX_RECORD_CHARS * 4})`);
  } catch (e) {
    const message = (e as Error).message;
    // DuckDB's message quotes the offending line: it may hold identifiers, so only the line number and counts are kept.
    const line = /line:? (\d+)/i.exec(message)?.[1];
    const found = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
    if (found) throw new InputError(label, `line ${line ?? "?"} has ${found[2]} fields where the header has ${found[1]}: the file is damaged, not comma-separated, or has a value with a comma that is not in quotes`);
    if (/maximum line size|max_line_size/i.test(message))
      throw new InputError(label, `${line ? `line ${line}` : "a line"} is longer than ${(MAX_RECORD_CHARS * 4).toLocaleString("en-GB")} bytes: the file is damaged (or a quote is never closed); nothing from it is loaded`);
    if (/unicode|utf-?8|encoding/i.test(message)) throw new InputError(label, `is not UTF-8 text${line ? ` (line ${line})` : ""}: save it as CSV UTF-8 and ingest it again`);
    throw new InputError(label, `cannot be read as CSV${line ? ` (line ${line})` : ""}: check it is a comma-separated file with one header row`);
  } finally {
    csv.cleanup();
  }
}

export { readRaw as readRawCsv };

/** Rows with direct identifiers anywhere (rf_identifier: line, col, reason). Cheap row filter first, exact per-column reasons on the few flagged rows. */
async function findIdentifiers(db: Db, layout: RecordLayout): Promise<void> {
  const all = layout.names.map((n) => ident(n));
  const notPostcode = layout.names.filter((n) => n !== "postcode").map((n) => ident(n));
  const postcode = layout.columns.postcode !== undefined ? ident("postcode") : null;
  const postcodeAddress = postcode
    ? `(${postcode} IS NOT NULL AND NOT regexp_full_match(upper(regexp_replace(trim(${postcode}), '\\s+', '', 'g')), '${POSTCODE_FULL}') AND regexp_matches(${postcode}, '${POSTCODE_IN_TEXT}'))`
    : "false";
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_flagged AS
    SELECT * EXCLUDE (allv, otherv) FROM (
      SELECT (rowid + 2)::INTEGER AS line, *, concat_ws(chr(31), ${all.join(", ")}) AS allv,
             ${notPostcode.length ? `concat_ws(chr(31), ${notPostcode.join(", ")})` : "''"} AS otherv
      FROM rf_raw)
    WHERE ${hasIdentifierSql("allv", { allowPostcode: true })} OR regexp_matches(otherv, '${POSTCODE_IN_TEXT}') OR ${postcodeAddress}`);
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

/** Every check, set-based, for one file already in rf_raw. Leaves rf_checked (parsed rows + problems), rf_token_problem, rf_needs. */
async function check(input: RecordFileInput): Promise<void> {
  const { db, layout, today } = input;
  const col = (c: RecordColumn) => (layout.columns[c] !== undefined ? `nullif(trim(${ident(c)}), '')` : "NULL::VARCHAR");
  await db.run(`
    CREATE OR REPLACE TEMP VIEW rf_parsed AS
    SELECT *,
           CASE WHEN regexp_full_match(date_raw, '${ISO_DATE}') THEN try_strptime(left(date_raw, 10), '%Y-%m-%d')::DATE END AS referral_date,
           upper(regexp_replace(postcode_raw, '\\s+', '', 'g')) AS pc,
           try_cast(lon_raw AS DOUBLE) AS lon,
           try_cast(lat_raw AS DOUBLE) AS lat
    FROM (
      SELECT (rowid + 2)::INTEGER AS line,
             ${col("referral_id")} AS referral_id,
             ${col("referral_date")} AS date_raw,
             upper(${col("practice_code")}) AS practice_raw,
             upper(${col("pcn_code")}) AS pcn_raw,
             upper(${col("lsoa_code")}) AS lsoa_raw,
             ${col("postcode")} AS postcode_raw,
             ${col("longitude")} AS lon_raw,
             ${col("latitude")} AS lat_raw,
             ${col("age_band")} AS age_raw,
             ${col("needs")} AS needs_raw,
             ${col("source")} AS source_raw,
             ${col("outcome")} AS outcome_raw,
             ${col("activity_id")} AS activity_raw,
             ${col("days_waited")} AS days_raw
      FROM rf_raw)`);

  await locatePoints(input);
  if (!input.hasPostcodes) await db.run(`CREATE OR REPLACE TEMP TABLE rf_postcode (pc VARCHAR, lsoa21cd VARCHAR)`);

  const problems = [
    `{'col': 'referral_id', 'value': left(p.referral_id, 80), 'reason':
       CASE WHEN p.referral_id IS NULL THEN 'missing referral id'
            WHEN length(p.referral_id) > 64 THEN 'referral id longer than 64 characters' END}`,
    `{'col': 'referral_date', 'value': left(p.date_raw, 80), 'reason':
       CASE WHEN p.date_raw IS NULL THEN 'missing referral date'
            WHEN regexp_full_match(p.date_raw, '[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}')
              THEN 'dd/mm/yyyy dates are ambiguous (some exports write mm/dd/yyyy): write the date as yyyy-mm-dd, e.g. 2024-03-07'
            WHEN NOT regexp_full_match(p.date_raw, '${ISO_DATE}') THEN 'not a date in yyyy-mm-dd form'
            WHEN p.referral_date IS NULL THEN 'not a real calendar date'
            WHEN p.referral_date > DATE ${literal(today)} THEN 'in the future (after ${today})'
            WHEN p.referral_date < DATE '2010-01-01' THEN 'before 2010: check the date' END}`,
    `{'col': 'practice_code', 'value': left(p.practice_raw, 80), 'reason':
       CASE WHEN p.practice_raw IS NULL AND p.pcn_raw IS NULL THEN 'no practice or PCN code'
            WHEN p.practice_raw IS NULL THEN NULL
            WHEN NOT regexp_full_match(p.practice_raw, '[A-Z][0-9]{5}') THEN 'not an ODS practice code (a letter and five digits, e.g. F84003)'
            WHEN pr.code IS NULL THEN 'unknown practice code: not in the NHS ODS list of GP practices (epraccur)' END}`,
    `{'col': 'pcn_code', 'value': left(p.pcn_raw, 80), 'reason':
       CASE WHEN p.pcn_raw IS NULL THEN NULL
            WHEN NOT regexp_full_match(p.pcn_raw, 'U[0-9]{5}') THEN 'not an ODS PCN code (U and five digits, e.g. U00367)'
            WHEN pn.code IS NULL THEN 'unknown PCN code: not in the NHS ODS list of primary care networks (ePCN)'
            WHEN pr.pcn_code IS NOT NULL AND pr.pcn_code <> p.pcn_raw
              THEN 'practice ' || p.practice_raw || ' belongs to PCN ' || pr.pcn_code || ' in the NHS ePCN list, not ' || p.pcn_raw END}`,
    `{'col': CASE WHEN p.lsoa_raw IS NOT NULL THEN 'lsoa_code' WHEN p.postcode_raw IS NOT NULL THEN 'postcode'
                  WHEN p.lon_raw IS NOT NULL OR p.lat_raw IS NOT NULL THEN 'longitude' ELSE 'lsoa_code' END,
      'value': CASE WHEN p.lsoa_raw IS NOT NULL THEN left(p.lsoa_raw, 80)
                    WHEN p.postcode_raw IS NOT NULL THEN '${WITHHELD}'
                    WHEN p.lon IS NOT NULL AND p.lat IS NOT NULL AND isfinite(p.lon) AND isfinite(p.lat)
                      THEN printf('%.2f, %.2f (rounded)', p.lon, p.lat)
                    ELSE left(coalesce(p.lon_raw, '') || ', ' || coalesce(p.lat_raw, ''), 80) END,
      'reason':
       CASE WHEN p.lsoa_raw IS NOT NULL THEN
              CASE WHEN NOT regexp_full_match(p.lsoa_raw, '[EW]01[0-9]{6}') THEN 'not an LSOA code (E01 and six digits)'
                   WHEN pl.lsoa21cd IS NOT NULL THEN NULL
                   WHEN e21.code IS NOT NULL THEN 'LSOA ' || p.lsoa_raw || ' is in ' || coalesce(e21.lad_name, 'another area') || ', outside the place'
                   WHEN pl11.lsoa21cd IS NOT NULL THEN NULL
                   WHEN e11.code11 IS NOT NULL THEN '2011 LSOA ' || p.lsoa_raw || ' (2021: ' || e11.code21 || ', ' || coalesce(e11lad.lad_name, 'another area') || ') is outside the place'
                   ELSE 'not a known LSOA code (neither 2021 nor 2011)' END
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
            ELSE 'no location: give lsoa_code, postcode, or longitude and latitude' END}`,
    `{'col': 'age_band', 'value': left(p.age_raw, 80), 'reason':
       CASE WHEN p.age_raw IS NOT NULL AND av.value IS NULL THEN 'unknown age band (use 0-15, 16-24, 25-34, 35-49, 50-64, 65+ or unknown)' END}`,
    `{'col': 'needs', 'value': left(p.needs_raw, 80), 'reason': CASE WHEN p.needs_raw IS NULL THEN 'no need category given' END}`,
    `{'col': 'source', 'value': left(p.source_raw, 80), 'reason':
       CASE WHEN p.source_raw IS NOT NULL AND sv.value IS NULL THEN 'unknown referral source (use ${referralSources.join(", ")})' END}`,
    `{'col': 'outcome', 'value': left(p.outcome_raw, 80), 'reason':
       CASE WHEN p.outcome_raw IS NULL THEN 'missing outcome'
            WHEN ov.value IS NULL THEN 'unknown outcome (use ${outcomes.join(", ")})' END}`,
    `{'col': 'activity_id', 'value': left(p.activity_raw, 80), 'reason':
       CASE WHEN length(p.activity_raw) > 64 THEN 'activity id longer than 64 characters' END}`,
    `{'col': 'days_waited', 'value': left(p.days_raw, 80), 'reason':
       CASE WHEN p.days_raw IS NULL THEN NULL
            WHEN NOT regexp_full_match(p.days_raw, '-?[0-9]{1,9}') THEN 'not a whole number of days'
            WHEN try_cast(p.days_raw AS INTEGER) < 0 THEN 'negative number of days'
            WHEN try_cast(p.days_raw AS INTEGER) > 1000 THEN 'more than 1,000 days: check the value'
            WHEN p.referral_date IS NOT NULL AND p.referral_date <= DATE ${literal(today)}
                 AND try_cast(p.days_raw AS INTEGER) > date_diff('day', p.referral_date, DATE ${literal(today)})
              THEN 'more days than have passed since the referral date' END}`,
  ];

  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_checked AS
    SELECT p.line, p.referral_id, p.referral_date, p.practice_raw AS practice_code,
           CASE WHEN p.pcn_raw IS NOT NULL THEN p.pcn_raw ELSE pr.pcn_code END AS pcn_code,
           CASE WHEN p.lsoa_raw IS NOT NULL THEN coalesce(pl.lsoa21cd, pl11.lsoa21cd)
                WHEN p.postcode_raw IS NOT NULL THEN ppl.lsoa21cd
                ELSE pt.lsoa21cd END AS lsoa21cd,
           CASE WHEN p.lsoa_raw IS NOT NULL THEN CASE WHEN pl.lsoa21cd IS NOT NULL THEN 'lsoa21' ELSE 'lsoa11' END
                WHEN p.postcode_raw IS NOT NULL THEN 'postcode' ELSE 'coordinates' END AS location_method,
           coalesce(av.value, 'unknown') AS age_band, sv.value AS source, ov.value AS outcome,
           p.activity_raw AS activity_id,
           CASE WHEN regexp_full_match(p.days_raw, '[0-9]{1,9}') THEN try_cast(p.days_raw AS INTEGER) END AS days_waited,
           list_filter([${problems.join(",\n")}], lambda x: x.reason IS NOT NULL) AS problems
    FROM rf_parsed p
    LEFT JOIN lsoa pl ON pl.lsoa21cd = p.lsoa_raw
    LEFT JOIN rf_lsoa21 e21 ON e21.code = p.lsoa_raw
    LEFT JOIN rf_lsoa11 e11 ON e11.code11 = p.lsoa_raw
    LEFT JOIN lsoa pl11 ON pl11.lsoa21cd = CASE WHEN e21.code IS NULL THEN e11.code21 END
    LEFT JOIN rf_lsoa21 e11lad ON e11lad.code = e11.code21
    LEFT JOIN rf_postcode pcd ON pcd.pc = CASE WHEN p.lsoa_raw IS NULL THEN p.pc END
    LEFT JOIN lsoa ppl ON ppl.lsoa21cd = pcd.lsoa21cd
    LEFT JOIN rf_lsoa21 pclad ON pclad.code = pcd.lsoa21cd
    LEFT JOIN rf_point pt ON pt.lon = CASE WHEN p.lsoa_raw IS NULL AND p.postcode_raw IS NULL THEN p.lon END AND pt.lat = p.lat
    LEFT JOIN practice pr ON pr.code = p.practice_raw
    LEFT JOIN pcn pn ON pn.code = p.pcn_raw
    LEFT JOIN rf_vocab av ON av.kind = 'age_band' AND av.word = ${normaliseWordSql("p.age_raw")}
    LEFT JOIN rf_vocab sv ON sv.kind = 'source' AND sv.word = ${normaliseWordSql("p.source_raw")}
    LEFT JOIN rf_vocab ov ON ov.kind = 'outcome' AND ov.word = ${normaliseWordSql("p.outcome_raw")}`);

  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_token AS
    SELECT line, trim(t) AS token, ${needNormaliseSql("t")} AS norm
    FROM (SELECT line, unnest(string_split(needs_raw, ';')) AS t FROM rf_parsed WHERE needs_raw IS NOT NULL)`);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_needs AS
    SELECT t.line, list_sort(list_distinct(list(s.need))) AS needs
    FROM rf_token t JOIN rf_need_synonym s ON s.label = t.norm GROUP BY t.line`);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_token_problem AS
    SELECT t.line, 'needs' AS col, left(t.token, 80) AS value,
           'unknown need category (the value): not in the need taxonomy or the place''s needSynonyms; map it to a category in the place file, it is never guessed' AS reason
    FROM rf_token t LEFT JOIN rf_need_synonym s ON s.label = t.norm
    WHERE t.norm <> '' AND s.need IS NULL
    UNION ALL
    SELECT p.line, 'needs', left(p.needs_raw, 80), 'no need category given'
    FROM rf_parsed p
    WHERE p.needs_raw IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rf_token t WHERE t.line = p.line AND t.norm <> '')`);
}

/** Locate coordinates (rows with no LSOA code or postcode) with the spatial index: rf_point(lon, lat, lsoa21cd, problem). */
async function locatePoints(input: RecordFileInput): Promise<void> {
  const { db } = input;
  await db.run(`CREATE OR REPLACE TEMP TABLE rf_point (lon DOUBLE, lat DOUBLE, lsoa21cd VARCHAR, problem VARCHAR)`);
  const reader = await db.conn.runAndReadAll(`
    SELECT DISTINCT lon, lat FROM rf_parsed
    WHERE lsoa_raw IS NULL AND postcode_raw IS NULL AND lon IS NOT NULL AND lat IS NOT NULL AND isfinite(lon) AND isfinite(lat)`);
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
  await readRaw(input);
  await findIdentifiers(db, layout);
  await check(input);

  // Reports name columns as the file does ("Referral Date"), or by their canonical name when the file lacks them.
  await db.run(`CREATE OR REPLACE TEMP TABLE rf_header AS SELECT unnest($names::VARCHAR[]) AS name, unnest($headers::VARCHAR[]) AS header`, {
    names: layout.names,
    headers: layout.headers,
  });
  await db.run(`CREATE OR REPLACE TEMP TABLE rf_bad AS
    SELECT DISTINCT line FROM rf_identifier UNION SELECT DISTINCT line FROM rf_token_problem
    UNION SELECT line FROM rf_checked WHERE len(problems) > 0`);
  await db.run(
    `INSERT INTO referral_reject
     SELECT $file, r.line, coalesce(h.header, col),
            CASE WHEN i.line IS NOT NULL OR col = 'postcode' THEN '${WITHHELD}' ELSE value END,
            reason
     FROM (
       SELECT line, x.col AS col, x.value AS value, x.reason AS reason FROM (SELECT line, unnest(problems) AS x FROM rf_checked WHERE len(problems) > 0)
       UNION ALL SELECT line, col, value, reason FROM rf_token_problem
       UNION ALL SELECT line, col, NULL, reason FROM rf_identifier) r
     LEFT JOIN rf_header h ON h.name = r.col
     LEFT JOIN (SELECT DISTINCT line FROM rf_identifier) i ON i.line = r.line
     ORDER BY r.line, col, reason`,
    { file: label },
  );
  await db.run(
    `INSERT INTO referral
     SELECT $file, $order::INTEGER, c.line, c.referral_id, c.referral_date, strftime(c.referral_date, '%Y-%m'),
            printf('%d/%02d', year(c.referral_date) - (month(c.referral_date) < 4)::INTEGER, (year(c.referral_date) - (month(c.referral_date) < 4)::INTEGER + 1) % 100),
            c.practice_code, c.pcn_code, c.lsoa21cd, c.location_method, c.age_band, c.source, c.outcome, c.activity_id, c.days_waited, n.needs
     FROM rf_checked c JOIN rf_needs n USING (line) ANTI JOIN rf_bad b ON b.line = c.line
     ORDER BY c.line`,
    { file: label, order: input.order },
  );
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
  await db.run(`DROP VIEW IF EXISTS rf_parsed`);
  for (const t of ["rf_header", "rf_raw", "rf_flagged", "rf_identifier", "rf_point", "rf_checked", "rf_token", "rf_needs", "rf_token_problem", "rf_bad"])
    await db.run(`DROP TABLE IF EXISTS ${ident(t)}`);
  return { file: label, format: "records", ...s, ignored_columns: layout.ignored.join("; "), synthetic: /^demo-/.test(label) };
}
