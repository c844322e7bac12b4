// referral_measures: referrals, unmet, rates per 1,000 residents, unmet share and waits per LSOA, MSOA, ward, PCN, borough and place, by month, financial year and in all.
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
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

/** SQL: the April year of a month held as yyyymm. */
const aprilYear = (month: string) => `(${month} // 100 - (${month} % 100 < 4)::INTEGER)`;

/**
 * Rebuild referral_measures from referral (records) and referral_aggregate (counts), set-based. Record-level
 * referrals count once per need they carry and once under "all"; aggregate counts are added to their own layer
 * and to every layer that contains their area (an MSOA count reaches its borough and the place, not LSOAs or
 * wards). Waits come from records only; the median wait is given for years and the whole span, not for months.
 *
 * Every pass groups small integers: areas, PCNs and needs are numbered in the order of their codes (rm_code), months
 * are yyyymm, years the April year and the whole span 0, so numbers sort as the codes and periods do and the text is
 * put back, in order, on the small result. Each layer is its own GROUP BY (DuckDB's grouping sets build one wide
 * hash table per set and were several times slower here).
 */
export async function buildMeasures(db: Db, placeCode: string, placeName: string): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS referral_measures`);
  await numberCodes(db, placeCode);
  // The facts: one row per referral and need, and one under "all".
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_fact AS
     SELECT r.lsoa21cd, r.msoa21cd, r.ward_code, r.lad_code, r.pcn_code, 1 AS place_code, r.month, r.financial_year, n.id AS need, r.unmet, r.days_waited
     FROM (SELECT a.lsoa21cd, a.msoa21cd, a.ward_code, a.lad_code, p.id AS pcn_code,
                  (year(r.referral_date) * 100 + month(r.referral_date))::INTEGER AS month,
                  (year(r.referral_date) - (month(r.referral_date) < 4)::INTEGER)::INTEGER AS financial_year,
                  (r.outcome = '${UNMET_OUTCOME}')::INTEGER AS unmet, r.days_waited, unnest(list_append(r.needs, 'all')) AS need
           FROM referral r JOIN rm_lsoa a ON a.code = r.lsoa21cd
           LEFT JOIN rm_code p ON p.layer = 'pcn' AND p.code = r.pcn_code) r
     JOIN rm_code n ON n.layer = 'need' AND n.code = r.need`,
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
  // Median waits (a holistic aggregate: from the facts themselves) for every layer's years and whole span.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_median AS
     ${measureLayers
       .flatMap(({ layer, column }) => [
         `SELECT '${layer}' AS layer, ${ident(column)} AS area, financial_year AS period, need, median(days_waited)::DOUBLE AS wait_median
          FROM rm_fact WHERE days_waited IS NOT NULL AND ${ident(column)} IS NOT NULL GROUP BY ${ident(column)}, financial_year, need`,
         `SELECT '${layer}', ${ident(column)}, 0, need, median(days_waited)::DOUBLE
          FROM rm_fact WHERE days_waited IS NOT NULL AND ${ident(column)} IS NOT NULL GROUP BY ${ident(column)}, need`,
       ])
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
  // Months, years (counts and sums from the months) and the whole span, records and aggregates side by side; codes, labels and population put back; in order.
  // Medians join on the period number alone: a month (yyyymm) is never a year (yyyy) or the whole span (0).
  await db.run(
    `CREATE TABLE referral_measures AS
     WITH rec AS (
       SELECT layer, area, month AS period, 'month' AS period_type, need, referrals, unmet, waits_n, wait_sum FROM rm_month
       UNION ALL SELECT layer, area, ${aprilYear("month")}, 'year', need, sum(referrals), sum(unmet), sum(waits_n), sum(wait_sum) FROM rm_month GROUP BY layer, area, ${aprilYear("month")}, need
       UNION ALL SELECT layer, area, 0, 'all', need, sum(referrals), sum(unmet), sum(waits_n), sum(wait_sum) FROM rm_month GROUP BY layer, area, need
     ), agg AS (
       SELECT layer, area, month AS period, 'month' AS period_type, need, sum(referrals) AS referrals, sum(unmet) AS unmet FROM rm_agg GROUP BY layer, area, month, need
       UNION ALL SELECT layer, area, ${aprilYear("month")}, 'year', need, sum(referrals), sum(unmet) FROM rm_agg GROUP BY layer, area, ${aprilYear("month")}, need
       UNION ALL SELECT layer, area, 0, 'all', need, sum(referrals), sum(unmet) FROM rm_agg GROUP BY layer, area, need
     ), counts AS (
       SELECT layer, area, period, period_type, need,
              (coalesce(rec.referrals, 0) + coalesce(agg.referrals, 0))::INTEGER AS referrals,
              (coalesce(rec.unmet, 0) + coalesce(agg.unmet, 0))::INTEGER AS unmet,
              coalesce(agg.referrals, 0)::INTEGER AS from_aggregates,
              coalesce(rec.waits_n, 0)::INTEGER AS waits_n, rec.wait_sum::BIGINT AS wait_sum
       FROM rec FULL OUTER JOIN agg USING (layer, area, period, period_type, need)
     ), areas AS (
       SELECT 'lsoa' AS layer, lsoa21cd AS area_code, lsoa21nm AS area_name, msoa21cd AS parent_code, population FROM lsoa
       UNION ALL SELECT 'msoa', msoa21cd, any_value(msoa_name), any_value(lad_code), sum(population) FROM lsoa GROUP BY msoa21cd
       UNION ALL SELECT 'ward', ward_code, any_value(ward_name), any_value(lad_code), sum(population) FROM lsoa GROUP BY ward_code
       UNION ALL SELECT 'lad', lad_code, any_value(lad_name), $place, sum(population) FROM lsoa GROUP BY lad_code
       UNION ALL SELECT 'place', $place, $placeName, NULL, sum(population) FROM lsoa
       UNION ALL SELECT 'pcn', code, name, NULL, NULL FROM pcn
     )
     SELECT c.layer, ac.code AS area_code, a.area_name, a.parent_code,
            CASE c.period_type WHEN 'month' THEN printf('%04d-%02d', c.period // 100, c.period % 100)
                               WHEN 'year' THEN printf('%d/%02d', c.period, (c.period + 1) % 100) ELSE 'all' END AS period,
            c.period_type, nc.code AS need, c.referrals, c.unmet, a.population::INTEGER AS population,
            round(1000.0 * c.referrals / nullif(a.population, 0), 3) AS referrals_per_1000,
            round(1000.0 * c.unmet / nullif(a.population, 0), 3) AS unmet_per_1000,
            round(c.unmet / nullif(c.referrals, 0)::DOUBLE, 4) AS unmet_share,
            c.waits_n, c.wait_sum, round(c.wait_sum / nullif(c.waits_n, 0)::DOUBLE, 2) AS wait_mean, m.wait_median,
            c.from_aggregates
     FROM counts c
     LEFT JOIN rm_code ac ON ac.layer = c.layer AND ac.id = c.area
     JOIN rm_code nc ON nc.layer = 'need' AND nc.id = c.need
     LEFT JOIN rm_median m ON m.layer = c.layer AND m.area = c.area AND m.period = c.period AND m.need = c.need
     LEFT JOIN areas a ON a.layer = c.layer AND a.area_code = ac.code
     ORDER BY c.layer, c.area, c.period_type, c.period, c.need`,
    { place: placeCode, placeName },
  );
  for (const t of ["rm_code", "rm_lsoa", "rm_lsoa_month", "rm_month", "rm_median", "rm_agg"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

/**
 * rm_code (layer, code, id): every area, PCN and need (from records and aggregates) numbered within its layer in the
 * order of its code, so numbers sort as codes do; rm_lsoa: each LSOA's number with its MSOA's, ward's and borough's.
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
     SELECT l.lsoa21cd AS code, li.id AS lsoa21cd, mi.id AS msoa21cd, wi.id AS ward_code, di.id AS lad_code
     FROM lsoa l ${join("li", "lsoa", "lsoa21cd")} ${join("mi", "msoa", "msoa21cd")} ${join("wi", "ward", "ward_code")} ${join("di", "lad", "lad_code")}`,
  );
}
