// referral_measures: referrals, unmet, rates per 1,000 residents, unmet share and waits per LSOA, MSOA, ward, PCN, borough and place, by month, financial year and in all.
import type { Db } from "../db/connection.ts";
import { inTransaction } from "../db/transaction.ts";
import { ident, literal } from "../db/sql.ts";
import { REFERRAL_TYPES } from "./types.ts";
import { UNMET_OUTCOME } from "./vocabulary.ts";

/** The layers measures are built for, with the column of the fact table that holds each area's number. */
export const measureLayers = [
  { layer: "lsoa", column: "lsoa21cd" },
  { layer: "msoa", column: "msoa21cd" },
  { layer: "ward", column: "ward_code" },
  { layer: "lad", column: "lad_code" },
  { layer: "pcn", column: "pcn_code" },
  { layer: "place", column: "place_code" },
] as const;

export type MeasureLayer = (typeof measureLayers)[number]["layer"];

/** SQL: the NHS financial year (April to March) of a DATE as '2024/25'. */
export function financialYearSql(date: string): string {
  const y = `(year(${date}) - (month(${date}) < 4)::INTEGER)`;
  return `printf('%d/%02d', ${y}, (${y} + 1) % 100)`;
}

/** The tables behind the view referral_measures: its numbers (values), and the text of its areas, periods and needs. */
export const MEASURE_TABLES = {
  values: "referral_measure_value",
  area: "referral_measure_area",
  period: "referral_measure_period",
  need: "referral_measure_need",
} as const;

/** Drop referral_measures (a view; a table in databases built before) and the tables behind it. */
export async function dropMeasures(db: Db): Promise<void> {
  const [{ view }] = await db.all<{ view: boolean }>(`SELECT count(*) > 0 AS view FROM duckdb_views() WHERE view_name = 'referral_measures' AND NOT temporary`);
  await db.run(view ? `DROP VIEW referral_measures` : `DROP TABLE IF EXISTS referral_measures`);
  for (const t of Object.values(MEASURE_TABLES)) await db.run(`DROP TABLE IF EXISTS ${ident(t)}`);
}

/** The data dictionary of referral_measures and the tables behind it (DuckDB comments). */
const measureDescriptions: Record<string, { table: string; columns: Record<string, string> }> = {
  referral_measures: {
    table: "Referrals, unmet, rates per 1,000 residents, unmet share and waits per area (LSOA, MSOA, ward, borough, PCN, place), period (month, financial year, all) and need, before disclosure control: a view over referral_measure_value and its area, period and need tables",
    columns: {
      layer: "lsoa, msoa, ward, lad, pcn or place",
      area_code: "the area's code (ONS, or ODS for PCNs)",
      area_name: "the area's name",
      parent_code: "the MSOA of an LSOA, the borough of an MSOA or ward, the place of a borough",
      period: "yyyy-mm (month), yyyy/yy (financial year, April to March) or all",
      period_type: "month, year or all",
      need: "the need category, or all (a referral counts once per need it carries and once under all)",
      referrals: "referrals (records and aggregate counts)",
      unmet: "referrals whose outcome was no suitable activity",
      population: "residents (PCNs: none)",
      referrals_per_1000: "referrals per 1,000 residents (computed when read)",
      unmet_per_1000: "unmet referrals per 1,000 residents (computed when read)",
      unmet_share: "unmet / referrals (computed when read)",
      waits_n: "referral records with days waited",
      wait_sum: "days waited, summed",
      wait_mean: "mean days waited (computed when read)",
      wait_median: "median days waited (financial years only: the periods the disclosure gate publishes waits for; not months or all)",
      from_aggregates: "of the referrals, those from aggregate files",
    },
  },
  [MEASURE_TABLES.values]: {
    table: "The numbers of referral_measures, one row per area, period and need, in the view's order",
    columns: { area: "referral_measure_area.id", period: "referral_measure_period.id", need: "referral_measure_need.id" },
  },
  [MEASURE_TABLES.area]: {
    table: "The areas of referral_measures, numbered by layer and code",
    columns: { id: "the number referral_measure_value.area refers to", area_number: "the area's number within its layer while the measures are built" },
  },
  [MEASURE_TABLES.period]: {
    table: "The periods of referral_measures, numbered by period type and period",
    columns: { id: "the number referral_measure_value.period refers to", period_number: "yyyymm (month), the April year (year) or 0 (all)" },
  },
  [MEASURE_TABLES.need]: {
    table: "The needs of referral_measures, numbered in code order",
    columns: { id: "the number referral_measure_value.need refers to", need: "the need category, or all" },
  },
};

/** One transaction: ~60 COMMENT statements, each its own commit otherwise. */
async function describeMeasures(db: Db): Promise<void> {
  await inTransaction(db, () => commentMeasures(db));
}

async function commentMeasures(db: Db): Promise<void> {
  for (const [name, { table, columns }] of Object.entries(measureDescriptions)) {
    await db.run(`COMMENT ON ${name === "referral_measures" ? "VIEW" : "TABLE"} ${ident(name)} IS ${literal(table)}`);
    // Columns the view shares with the tables behind it are described once, under the view.
    const names = await db.all<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = $name AND table_schema = 'main'`, { name });
    for (const { c } of names) {
      const text = columns[c] ?? measureDescriptions.referral_measures.columns[c];
      if (text) await db.run(`COMMENT ON COLUMN ${ident(name)}.${ident(c)} IS ${literal(text)}`);
    }
  }
}

/** SQL: the April year of a month held as yyyymm. */
const aprilYear = (month: string) => `(${month} // 100 - (${month} % 100 < 4)::INTEGER)`;

/**
 * Rebuild referral_measures from referral (records) and referral_aggregate (counts), set-based. Record-level
 * referrals count once per need they carry and once under "all"; aggregate counts are added to their own layer
 * and to every layer that contains their area (an MSOA count reaches its borough and the place, not LSOAs or
 * wards). Waits come from records only; the median wait is given for financial years only: months and the whole span
 * are never published with a wait (pipelines/publish/referrals.ts reads years, and months without waits), and a median
 * costs a holistic aggregate over every wait, so none is computed for them (their mean wait is there).
 *
 * Every pass groups small integers: areas, PCNs and needs are numbered in the order of their codes (rm_code), months
 * are yyyymm, years the April year and the whole span 0, so numbers sort as the codes and periods do and the text is
 * put back, in order, on the small result. Each layer is its own GROUP BY (DuckDB's grouping sets build one wide
 * hash table per set and were several times slower here).
 */
export async function buildMeasures(db: Db, placeCode: string, placeName: string): Promise<void> {
  await dropMeasures(db);
  await numberCodes(db, placeCode);
  // The facts: one row per referral and need, and one under "all". Needs are numbered before the list is unnested, not
  // joined once per fact: n.ids holds each need's number at its place in the ENUM (enum_code, from 0). Years, needs and
  // days (at most 1,000: records.ts refuses more) are SMALLINTs: the medians' holistic states hold two bytes a wait.
  const needType = REFERRAL_TYPES.need;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_fact AS
     SELECT * FROM (
       SELECT a.lsoa21cd, a.msoa21cd, a.ward_code, a.lad_code, p.id AS pcn_code, 1 AS place_code,
              (year(r.referral_date) * 100 + month(r.referral_date))::INTEGER AS month,
              (year(r.referral_date) - (month(r.referral_date) < 4)::INTEGER)::SMALLINT AS financial_year,
              unnest(list_append(list_transform(r.needs, lambda x: n.ids[enum_code(x) + 1]), n.all_id))::SMALLINT AS need,
              (r.outcome = '${UNMET_OUTCOME}'::${REFERRAL_TYPES.outcome})::INTEGER AS unmet, r.days_waited::SMALLINT AS days_waited
       FROM referral r JOIN rm_lsoa a ON a.code = r.lsoa21cd
       LEFT JOIN (SELECT try_cast(code AS ${REFERRAL_TYPES.pcn_code}) AS code, id FROM rm_code WHERE layer = 'pcn') p ON p.code = r.pcn_code
       CROSS JOIN (
         SELECT list(c.id ORDER BY e.i) AS ids, (SELECT id FROM rm_code WHERE layer = 'need' AND code = 'all') AS all_id
         FROM (SELECT unnest(enum_range(NULL::${needType}))::VARCHAR AS code, generate_subscripts(enum_range(NULL::${needType}), 1) AS i) e
         LEFT JOIN rm_code c ON c.layer = 'need' AND c.code = e.code) n)
     WHERE need IS NOT NULL`,
  );
  // Month counts and sums per LSOA and per PCN from the facts; the larger areas' months summed from their LSOAs'.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_lsoa_month AS
     SELECT lsoa21cd, month, need, count(*) AS referrals, sum(unmet) AS unmet, count(days_waited) AS waits_n, sum(days_waited) AS wait_sum
     FROM rm_fact GROUP BY lsoa21cd, month, need`,
  );
  const fromLsoas = (layer: string, column: string) => `
     SELECT '${layer}' AS layer, a.${ident(column)} AS area, m.month, m.need, sum(m.referrals) AS referrals, sum(m.unmet) AS unmet,
            sum(m.waits_n) AS waits_n, sum(m.wait_sum) AS wait_sum
     FROM rm_lsoa_month m JOIN rm_lsoa a ON a.lsoa21cd = m.lsoa21cd
     WHERE a.${ident(column)} IS NOT NULL GROUP BY a.${ident(column)}, m.month, m.need`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_month AS
     SELECT 'lsoa' AS layer, lsoa21cd AS area, month, need, referrals, unmet, waits_n, wait_sum FROM rm_lsoa_month
     UNION ALL ${fromLsoas("msoa", "msoa21cd")}
     UNION ALL ${fromLsoas("ward", "ward_code")}
     UNION ALL ${fromLsoas("lad", "lad_code")}
     UNION ALL SELECT 'place', 1, month, need, sum(referrals), sum(unmet), sum(waits_n), sum(wait_sum) FROM rm_lsoa_month GROUP BY month, need
     UNION ALL SELECT 'pcn', pcn_code, month, need, count(*), sum(unmet), count(days_waited), sum(days_waited)
               FROM rm_fact WHERE pcn_code IS NOT NULL GROUP BY pcn_code, month, need`,
  );
  // Median waits (a holistic aggregate: from the facts themselves) for every layer's financial years.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_median AS
     ${measureLayers
       .map(
         ({ layer, column }) => `SELECT '${layer}' AS layer, ${ident(column)} AS area, financial_year AS period, need, median(days_waited)::DOUBLE AS wait_median
          FROM rm_fact WHERE days_waited IS NOT NULL AND ${ident(column)} IS NOT NULL GROUP BY ${ident(column)}, financial_year, need`,
       )
       .join("\n     UNION ALL ")}`,
  );
  await db.run(`DROP TABLE rm_fact`);
  // Aggregate rows, numbered like the facts, repeated for each layer that contains their area.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_agg AS
     WITH a AS (
       SELECT a.layer, a.area_code, replace(a.period, '-', '')::INTEGER AS month, n.id AS need, a.referrals, a.unmet
       FROM referral_aggregate a JOIN rm_code n ON n.layer = 'need' AND n.code = a.need
     ), placed AS (
       SELECT 'lsoa' AS layer, a.area_code, a.month, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'lsoa'
       UNION ALL SELECT 'msoa', l.msoa21cd, a.month, a.need, a.referrals, a.unmet FROM a JOIN lsoa l ON l.lsoa21cd = a.area_code WHERE a.layer = 'lsoa'
       UNION ALL SELECT 'ward', l.ward_code, a.month, a.need, a.referrals, a.unmet FROM a JOIN lsoa l ON l.lsoa21cd = a.area_code WHERE a.layer = 'lsoa'
       UNION ALL SELECT 'lad', l.lad_code, a.month, a.need, a.referrals, a.unmet FROM a JOIN lsoa l ON l.lsoa21cd = a.area_code WHERE a.layer = 'lsoa'
       UNION ALL SELECT 'msoa', a.area_code, a.month, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'msoa'
       UNION ALL SELECT 'lad', m.lad_code, a.month, a.need, a.referrals, a.unmet FROM a JOIN (SELECT DISTINCT msoa21cd, lad_code FROM lsoa) m ON m.msoa21cd = a.area_code WHERE a.layer = 'msoa'
       UNION ALL SELECT 'ward', a.area_code, a.month, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'ward'
       UNION ALL SELECT 'lad', w.lad_code, a.month, a.need, a.referrals, a.unmet FROM a JOIN (SELECT DISTINCT ward_code, lad_code FROM lsoa) w ON w.ward_code = a.area_code WHERE a.layer = 'ward'
       UNION ALL SELECT 'lad', a.area_code, a.month, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'lad'
       UNION ALL SELECT 'place', $place, a.month, a.need, a.referrals, a.unmet FROM a WHERE a.layer IN ('lsoa', 'msoa', 'ward', 'lad')
       UNION ALL SELECT 'pcn', a.area_code, a.month, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'pcn')
     SELECT p.layer, c.id AS area, p.month, p.need, p.referrals, p.unmet FROM placed p LEFT JOIN rm_code c ON c.layer = p.layer AND c.code = p.area_code`,
    { place: placeCode },
  );
  // Months, years (counts and sums from the months) and the whole span, records and aggregates side by side, as numbers.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_count AS
     WITH rec AS (
       SELECT layer, area, month AS period, 'month' AS period_type, need, referrals, unmet, waits_n, wait_sum FROM rm_month
       UNION ALL SELECT layer, area, ${aprilYear("month")}, 'year', need, sum(referrals), sum(unmet), sum(waits_n), sum(wait_sum) FROM rm_month GROUP BY layer, area, ${aprilYear("month")}, need
       UNION ALL SELECT layer, area, 0, 'all', need, sum(referrals), sum(unmet), sum(waits_n), sum(wait_sum) FROM rm_month GROUP BY layer, area, need
     ), agg AS (
       SELECT layer, area, month AS period, 'month' AS period_type, need, sum(referrals) AS referrals, sum(unmet) AS unmet FROM rm_agg GROUP BY layer, area, month, need
       UNION ALL SELECT layer, area, ${aprilYear("month")}, 'year', need, sum(referrals), sum(unmet) FROM rm_agg GROUP BY layer, area, ${aprilYear("month")}, need
       UNION ALL SELECT layer, area, 0, 'all', need, sum(referrals), sum(unmet) FROM rm_agg GROUP BY layer, area, need
     )
     SELECT layer, area, period, period_type, need,
            (coalesce(rec.referrals, 0) + coalesce(agg.referrals, 0))::INTEGER AS referrals,
            (coalesce(rec.unmet, 0) + coalesce(agg.unmet, 0))::INTEGER AS unmet,
            coalesce(agg.referrals, 0)::INTEGER AS from_aggregates,
            coalesce(rec.waits_n, 0)::INTEGER AS waits_n, rec.wait_sum::BIGINT AS wait_sum
     FROM rec FULL OUTER JOIN agg USING (layer, area, period, period_type, need)`,
  );
  // The text is stored once per area, period and need (small tables numbered in the order of the old sort: layer, area
  // code, period type, period, need); the counts, sums and medians are stored as numbers in that order.
  await db.run(
    `CREATE TABLE ${MEASURE_TABLES.area} AS
     WITH areas AS (
       SELECT 'lsoa' AS layer, lsoa21cd AS area_code, lsoa21nm AS area_name, msoa21cd AS parent_code, population FROM lsoa
       UNION ALL SELECT 'msoa', msoa21cd, any_value(msoa_name), any_value(lad_code), sum(population) FROM lsoa GROUP BY msoa21cd
       UNION ALL SELECT 'ward', ward_code, any_value(ward_name), any_value(lad_code), sum(population) FROM lsoa GROUP BY ward_code
       UNION ALL SELECT 'lad', lad_code, any_value(lad_name), $place, sum(population) FROM lsoa GROUP BY lad_code
       UNION ALL SELECT 'place', $place, $placeName, NULL, sum(population) FROM lsoa
       UNION ALL SELECT 'pcn', code, name, NULL, NULL FROM pcn
     )
     SELECT row_number() OVER (ORDER BY c.layer, c.area)::INTEGER AS id, c.layer, c.area AS area_number, ac.code AS area_code, a.area_name, a.parent_code,
            a.population::INTEGER AS population
     FROM (SELECT DISTINCT layer, area FROM rm_count) c
     LEFT JOIN rm_code ac ON ac.layer = c.layer AND ac.id = c.area
     LEFT JOIN areas a ON a.layer = c.layer AND a.area_code = ac.code`,
    { place: placeCode, placeName },
  );
  await db.run(
    `CREATE TABLE ${MEASURE_TABLES.period} AS
     SELECT row_number() OVER (ORDER BY period_type, period)::INTEGER AS id, period AS period_number,
            CASE period_type WHEN 'month' THEN printf('%04d-%02d', period // 100, period % 100)
                             WHEN 'year' THEN printf('%d/%02d', period, (period + 1) % 100) ELSE 'all' END AS period,
            period_type
     FROM (SELECT DISTINCT period, period_type FROM rm_count)`,
  );
  await db.run(`CREATE TABLE ${MEASURE_TABLES.need} AS SELECT id, code AS need FROM rm_code WHERE layer = 'need'`);
  // Medians join on the period number alone: a month (yyyymm) is never a year (yyyy).
  await db.run(
    `CREATE TABLE ${MEASURE_TABLES.values} AS
     SELECT a.id AS area, p.id AS period, c.need, c.referrals, c.unmet, c.waits_n, c.wait_sum, m.wait_median, c.from_aggregates
     FROM rm_count c
     JOIN ${MEASURE_TABLES.area} a ON a.layer = c.layer AND a.area_number IS NOT DISTINCT FROM c.area
     JOIN ${MEASURE_TABLES.period} p ON p.period_number = c.period AND p.period_type = c.period_type
     LEFT JOIN rm_median m ON m.layer = c.layer AND m.area = c.area AND m.period = c.period AND m.need = c.need
     ORDER BY a.id, p.id, c.need`,
  );
  // What consumers read: the text put back, the rates, unmet share and mean wait computed from the stored counts and sums.
  await db.run(
    `CREATE VIEW referral_measures AS
     SELECT a.layer, a.area_code, a.area_name, a.parent_code, p.period, p.period_type, n.need, v.referrals, v.unmet, a.population,
            round(1000.0 * v.referrals / nullif(a.population, 0), 3) AS referrals_per_1000,
            round(1000.0 * v.unmet / nullif(a.population, 0), 3) AS unmet_per_1000,
            round(v.unmet / nullif(v.referrals, 0)::DOUBLE, 4) AS unmet_share,
            v.waits_n, v.wait_sum, round(v.wait_sum / nullif(v.waits_n, 0)::DOUBLE, 2) AS wait_mean, v.wait_median, v.from_aggregates
     FROM ${MEASURE_TABLES.values} v
     JOIN ${MEASURE_TABLES.area} a ON a.id = v.area
     JOIN ${MEASURE_TABLES.period} p ON p.id = v.period
     JOIN ${MEASURE_TABLES.need} n ON n.id = v.need`,
  );
  await describeMeasures(db);
  for (const t of ["rm_code", "rm_lsoa", "rm_lsoa_month", "rm_month", "rm_median", "rm_agg", "rm_count"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

/**
 * rm_code (layer, code, id): every area, PCN and need (from records and aggregates) numbered within its layer in the
 * order of its code, so numbers sort as codes do; rm_lsoa: each LSOA's number with its MSOA's, ward's and borough's, keyed by
 * the code as referral stores it (ENUM).
 */
async function numberCodes(db: Db, placeCode: string): Promise<void> {
  const fromLsoa = measureLayers.filter(({ layer }) => layer !== "pcn" && layer !== "place");
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_code AS
     SELECT layer, code, row_number() OVER (PARTITION BY layer ORDER BY code)::INTEGER AS id FROM (
       ${fromLsoa.map(({ layer, column }) => `SELECT DISTINCT '${layer}' AS layer, ${ident(column)} AS code FROM lsoa WHERE ${ident(column)} IS NOT NULL`).join("\n       UNION ")}
       UNION SELECT layer, area_code FROM referral_aggregate WHERE layer IN (${fromLsoa.map(({ layer }) => `'${layer}'`).join(", ")}, 'pcn')
       UNION SELECT DISTINCT 'pcn', pcn_code FROM referral WHERE pcn_code IS NOT NULL
       UNION SELECT 'place', ${literal(placeCode)}
       UNION SELECT DISTINCT 'need', unnest(needs) FROM referral
       UNION SELECT 'need', need FROM referral_aggregate
       UNION SELECT 'need', 'all')`,
  );
  const join = (alias: string, layer: string, column: string) => `LEFT JOIN rm_code ${alias} ON ${alias}.layer = '${layer}' AND ${alias}.code = l.${ident(column)}`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_lsoa AS
     SELECT l.lsoa21cd::${REFERRAL_TYPES.lsoa21cd} AS code, li.id AS lsoa21cd, mi.id AS msoa21cd, wi.id AS ward_code, di.id AS lad_code
     FROM lsoa l ${join("li", "lsoa", "lsoa21cd")} ${join("mi", "msoa", "msoa21cd")} ${join("wi", "ward", "ward_code")} ${join("di", "lad", "lad_code")}`,
  );
}
