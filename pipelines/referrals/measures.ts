// referral_measures: referrals, unmet, rates per 1,000 residents, unmet share and waits per LSOA, MSOA, ward, PCN, borough and place, by month, financial year and in all.
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { UNMET_OUTCOME } from "./vocabulary.ts";

/** The layers measures are built for, with the column of the fact table that holds each area's code. */
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

const periodColumns = `
  CASE WHEN grouping(month) = 0 THEN month WHEN grouping(financial_year) = 0 THEN financial_year ELSE 'all' END AS period,
  CASE WHEN grouping(month) = 0 THEN 'month' WHEN grouping(financial_year) = 0 THEN 'year' ELSE 'all' END AS period_type`;

/**
 * Rebuild referral_measures from referral (records) and referral_aggregate (counts), set-based. Record-level
 * referrals count once per need they carry and once under "all"; aggregate counts are added to their own layer
 * and to every layer that contains their area (an MSOA count reaches its borough and the place, not LSOAs or
 * wards). Waits come from records only; the median wait is given for years and the whole span, not for months.
 */
export async function buildMeasures(db: Db, placeCode: string, placeName: string): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS referral_measures`);
  // Every area, need and PCN as a small integer (rm_code: layer, code, id): the passes below group integers, not text.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_code AS
     ${measureLayers
       .filter(({ layer }) => layer !== "pcn" && layer !== "place")
       .map(({ layer, column }) => `SELECT '${layer}' AS layer, code, row_number() OVER (ORDER BY code)::INTEGER AS id FROM (SELECT DISTINCT ${ident(column)} AS code FROM lsoa WHERE ${ident(column)} IS NOT NULL)`)
       .join("\n     UNION ALL ")}
     UNION ALL SELECT 'pcn', code, row_number() OVER (ORDER BY code)::INTEGER FROM (SELECT DISTINCT pcn_code AS code FROM referral WHERE pcn_code IS NOT NULL)
     UNION ALL SELECT 'place', ${literal(placeCode)}, 1
     UNION ALL SELECT 'need', need, row_number() OVER (ORDER BY need)::INTEGER FROM (SELECT DISTINCT unnest(needs) AS need FROM referral UNION SELECT 'all')`,
  );
  const code = (alias: string, layer: string, on: string) => `LEFT JOIN rm_code ${alias} ON ${alias}.layer = '${layer}' AND ${alias}.code = ${on}`;
  // The facts: one row per referral and need, and one under "all", every key an integer (months as yyyymm, years as the April year).
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_fact AS
     SELECT li.id AS lsoa21cd, mi.id AS msoa21cd, wi.id AS ward_code, di.id AS lad_code, pi.id AS pcn_code, 1 AS place_code,
            (year(r.referral_date) * 100 + month(r.referral_date))::INTEGER AS month,
            (year(r.referral_date) - (month(r.referral_date) < 4)::INTEGER)::INTEGER AS financial_year,
            ni.id AS need, (r.outcome = '${UNMET_OUTCOME}')::INTEGER AS unmet, r.days_waited
     FROM (SELECT lsoa21cd, pcn_code, referral_date, outcome, days_waited, unnest(list_append(needs, 'all')) AS need FROM referral) r
     JOIN lsoa l USING (lsoa21cd)
     ${code("li", "lsoa", "l.lsoa21cd")} ${code("mi", "msoa", "l.msoa21cd")} ${code("wi", "ward", "l.ward_code")} ${code("di", "lad", "l.lad_code")}
     ${code("pi", "pcn", "r.pcn_code")} ${code("ni", "need", "r.need")}`,
  );
  // Aggregate rows, repeated for each layer that contains their area.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rm_agg AS
     WITH a AS (
       SELECT a.*, ${financialYearSql("strptime(a.period || '-01', '%Y-%m-%d')")} AS financial_year FROM referral_aggregate a
     ), msoa AS (SELECT DISTINCT msoa21cd, lad_code FROM lsoa), ward AS (SELECT DISTINCT ward_code, lad_code FROM lsoa)
     SELECT 'lsoa' AS layer, a.area_code, a.period AS month, a.financial_year, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'lsoa'
     UNION ALL SELECT 'msoa', l.msoa21cd, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a JOIN lsoa l ON l.lsoa21cd = a.area_code WHERE a.layer = 'lsoa'
     UNION ALL SELECT 'ward', l.ward_code, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a JOIN lsoa l ON l.lsoa21cd = a.area_code WHERE a.layer = 'lsoa'
     UNION ALL SELECT 'lad', l.lad_code, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a JOIN lsoa l ON l.lsoa21cd = a.area_code WHERE a.layer = 'lsoa'
     UNION ALL SELECT 'msoa', a.area_code, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'msoa'
     UNION ALL SELECT 'lad', m.lad_code, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a JOIN msoa m ON m.msoa21cd = a.area_code WHERE a.layer = 'msoa'
     UNION ALL SELECT 'ward', a.area_code, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'ward'
     UNION ALL SELECT 'lad', w.lad_code, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a JOIN ward w ON w.ward_code = a.area_code WHERE a.layer = 'ward'
     UNION ALL SELECT 'lad', a.area_code, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'lad'
     UNION ALL SELECT 'place', $place, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a WHERE a.layer IN ('lsoa', 'msoa', 'ward', 'lad')
     UNION ALL SELECT 'pcn', a.area_code, a.period, a.financial_year, a.need, a.referrals, a.unmet FROM a WHERE a.layer = 'pcn'`,
    { place: placeCode },
  );
  // Medians (a holistic aggregate, the slow part) for years and the whole span; months get counts, sums and means.
  // Two passes over the facts: every layer's months in one (counts and sums per LSOA and per PCN first, the larger
  // areas summed from the LSOAs'), every layer's years and whole span in the other (with medians, the holistic and
  // slow part, from the facts themselves), as grouping sets; the layer is the area column that is grouped.
  const layerColumns = `CASE ${measureLayers.map(({ layer, column }) => `WHEN grouping(${ident(column)}) = 0 THEN '${layer}'`).join(" ")} END AS layer,
     CASE ${measureLayers.map(({ column }) => `WHEN grouping(${ident(column)}) = 0 THEN ${ident(column)}`).join(" ")} END AS area_code`;
  const notNull = measureLayers.map(({ column }) => `(${ident(column)} IS NOT NULL OR grouping(${ident(column)}) = 1)`).join(" AND ");
  const fromRecords = [
    `
      SELECT ${layerColumns}, month AS period, 'month' AS period_type, need,
             sum(referrals)::INTEGER AS referrals, sum(unmet)::INTEGER AS unmet,
             sum(waits_n)::INTEGER AS waits_n, sum(wait_sum)::BIGINT AS wait_sum, NULL::DOUBLE AS wait_median
      FROM (
        SELECT lsoa21cd, msoa21cd, ward_code, lad_code, NULL::INTEGER AS pcn_code, place_code, month, need,
               count(*) AS referrals, sum(unmet) AS unmet, count(days_waited) AS waits_n, sum(days_waited) AS wait_sum
        FROM rm_fact GROUP BY lsoa21cd, msoa21cd, ward_code, lad_code, place_code, month, need
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, pcn_code, NULL, month, need, count(*), sum(unmet), count(days_waited), sum(days_waited)
        FROM rm_fact GROUP BY pcn_code, month, need)
      GROUP BY GROUPING SETS (${measureLayers.map(({ column }) => `(${ident(column)}, month, need)`).join(", ")})
      HAVING ${notNull}`,
    `
      SELECT ${layerColumns},
             CASE WHEN grouping(financial_year) = 0 THEN financial_year END AS period,
             CASE WHEN grouping(financial_year) = 0 THEN 'year' ELSE 'all' END AS period_type, need,
             count(*)::INTEGER AS referrals, sum(unmet)::INTEGER AS unmet,
             count(days_waited)::INTEGER AS waits_n, sum(days_waited)::BIGINT AS wait_sum, median(days_waited)::DOUBLE AS wait_median
      FROM rm_fact
      GROUP BY GROUPING SETS (${measureLayers.flatMap(({ column }) => [`(${ident(column)}, financial_year, need)`, `(${ident(column)}, need)`]).join(", ")})
      HAVING ${notNull}`,
  ];
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rm_counts AS
    WITH rec_ids AS (${fromRecords.join("\nUNION ALL")}),
    rec AS (
      SELECT r.layer, c.code AS area_code,
             CASE r.period_type WHEN 'month' THEN printf('%04d-%02d', r.period // 100, r.period % 100)
                                WHEN 'year' THEN printf('%d/%02d', r.period, (r.period + 1) % 100) ELSE 'all' END AS period,
             r.period_type, n.code AS need, r.referrals, r.unmet, r.waits_n, r.wait_sum, r.wait_median
      FROM rec_ids r JOIN rm_code c ON c.layer = r.layer AND c.id = r.area_code JOIN rm_code n ON n.layer = 'need' AND n.id = r.need),
    agg AS (
      SELECT layer, area_code, ${periodColumns}, need, sum(referrals)::INTEGER AS referrals, sum(unmet)::INTEGER AS unmet
      FROM rm_agg
      GROUP BY GROUPING SETS ((layer, area_code, month, need), (layer, area_code, financial_year, need), (layer, area_code, need)))
    SELECT layer, area_code, period, period_type, need,
           (coalesce(rec.referrals, 0) + coalesce(agg.referrals, 0))::INTEGER AS referrals,
           (coalesce(rec.unmet, 0) + coalesce(agg.unmet, 0))::INTEGER AS unmet,
           coalesce(agg.referrals, 0)::INTEGER AS from_aggregates,
           coalesce(rec.waits_n, 0)::INTEGER AS waits_n, rec.wait_sum, rec.wait_median
    FROM rec FULL OUTER JOIN agg USING (layer, area_code, period, period_type, need)`);
  await db.run(
    `CREATE TABLE referral_measures AS
     WITH areas AS (
       SELECT 'lsoa' AS layer, lsoa21cd AS area_code, lsoa21nm AS area_name, msoa21cd AS parent_code, population FROM lsoa
       UNION ALL SELECT 'msoa', msoa21cd, any_value(msoa_name), any_value(lad_code), sum(population) FROM lsoa GROUP BY msoa21cd
       UNION ALL SELECT 'ward', ward_code, any_value(ward_name), any_value(lad_code), sum(population) FROM lsoa GROUP BY ward_code
       UNION ALL SELECT 'lad', lad_code, any_value(lad_name), $place, sum(population) FROM lsoa GROUP BY lad_code
       UNION ALL SELECT 'place', $place, $placeName, NULL, sum(population) FROM lsoa
       UNION ALL SELECT 'pcn', code, name, NULL, NULL FROM pcn
     )
     SELECT c.layer, c.area_code, a.area_name, a.parent_code, c.period, c.period_type, c.need,
            c.referrals, c.unmet, a.population::INTEGER AS population,
            round(1000.0 * c.referrals / nullif(a.population, 0), 3) AS referrals_per_1000,
            round(1000.0 * c.unmet / nullif(a.population, 0), 3) AS unmet_per_1000,
            round(c.unmet / nullif(c.referrals, 0)::DOUBLE, 4) AS unmet_share,
            c.waits_n, c.wait_sum, round(c.wait_sum / nullif(c.waits_n, 0)::DOUBLE, 2) AS wait_mean, c.wait_median,
            c.from_aggregates
     FROM rm_counts c LEFT JOIN areas a USING (layer, area_code)
     ORDER BY c.layer, c.area_code, c.period_type, c.period, c.need`,
    { place: placeCode, placeName },
  );
  for (const t of ["rm_fact", "rm_code", "rm_agg", "rm_counts"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
}
