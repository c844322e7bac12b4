// Stage 4: area deprivation summaries (IoD technical report definitions) for MSOA, ward, borough, partnership and place, and for every English borough; PCN and custom-neighbourhood rows are added by the need stage.
import type { Db } from "../../db/connection.ts";
import { ident } from "../../db/sql.ts";
import type { Logger } from "../../log.ts";

/** The IMD and its seven domains, the measures the IoD publishes area summaries for. */
export const summaryMeasures = ["imd", "income", "employment", "education", "health", "crime", "barriers", "living_env"];

function longForm(source: string, populationSql: string): string {
  return summaryMeasures
    .map(
      (m) => `SELECT lsoa21cd, '${m}' AS measure, ${ident(`${m}_score`)} AS score, ${ident(`${m}_rank`)} AS rank,
             ${ident(`${m}_decile`)} AS decile, ${populationSql} AS pop FROM ${source}`,
    )
    .join("\n      UNION ALL\n      ");
}

/**
 * The five IoD summary measures over `input(layer, area_code, area_name, lsoa21cd, measure, score, rank, decile, pop)`.
 * With N LSOAs in England and rank r (1 = most deprived):
 *  - average score: population-weighted mean score;
 *  - average rank: population-weighted mean of N + 1 − r (higher = more deprived);
 *  - proportion of LSOAs in the most deprived 10% nationally: share of the area's LSOAs in decile 1;
 *  - extent: population-weighted share of residents in the most deprived 30%: weight 1 up to the 10th
 *    national percentile, then falling linearly from 0.95 at the 11th to 0.05 at the 30th
 *    (0.95 − 0.9·(p − 11)/19), and 0 beyond (IoD technical report, appendix on summary measures);
 *  - local concentration: population-weighted mean of N + 1 − r over the most deprived LSOAs holding
 *    10% of the area's residents, the last one counted in part.
 */
function summarySql(input: string): string {
  return `
    WITH ordered AS (
      SELECT *,
             ($n + 1 - rank) AS reversed_rank,
             ceil(100.0 * rank / $n) AS percentile,
             sum(pop) OVER (PARTITION BY layer, area_code, measure) AS area_pop,
             coalesce(sum(pop) OVER (PARTITION BY layer, area_code, measure ORDER BY rank, lsoa21cd
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS pop_before
      FROM ${input}
    ), weighted AS (
      SELECT *,
             CASE WHEN percentile <= 10 THEN 1.0 WHEN percentile <= 30 THEN 0.95 - 0.9 * (percentile - 11) / 19.0 ELSE 0.0 END AS extent_weight,
             greatest(0, least(pop, 0.1 * area_pop - pop_before)) AS concentration_pop
      FROM ordered
    )
    SELECT layer, area_code, any_value(area_name) AS area_name, measure,
           count(*)::INTEGER AS lsoas,
           sum(pop)::BIGINT AS population,
           round(sum(pop * score) / sum(pop), 3) AS average_score,
           round(sum(pop * reversed_rank) / sum(pop), 2) AS average_rank,
           round(avg(CASE WHEN decile = 1 THEN 1.0 ELSE 0.0 END), 4) AS proportion_most_deprived_10,
           round(sum(pop * extent_weight) / sum(pop), 4) AS extent,
           round(sum(concentration_pop * reversed_rank) / sum(concentration_pop), 2) AS local_concentration
    FROM weighted
    GROUP BY layer, area_code, measure`;
}

/**
 * Area summaries for a layer that arrives after the build (PCN footprints, custom neighbourhoods): `membersSql`
 * gives (area_code, area_name, lsoa21cd); the layer's rows in area_deprivation are replaced, the same five
 * population-weighted measures as every other layer. Nothing when the database has no area_deprivation.
 */
export async function summariseLayer(db: Db, layer: string, membersSql: string): Promise<void> {
  if (!(await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'area_deprivation'`)).length) return;
  const [{ n }] = await db.all<{ n: number }>(`SELECT value::INTEGER AS n FROM meta WHERE key = 'iod2025_lsoas'`);
  await db.run(`DELETE FROM area_deprivation WHERE layer = $layer`, { layer });
  const input = `(SELECT $layer AS layer, m.area_code, m.area_name, d.*
     FROM (${membersSql}) m JOIN (${longForm("iod2025 JOIN lsoa USING (lsoa21cd)", "coalesce(pop_total, population)")}) d USING (lsoa21cd)
     WHERE m.area_code IS NOT NULL) AS layer_input`;
  await db.run(
    `INSERT INTO area_deprivation SELECT * FROM (${summarySql(input)}) ORDER BY area_code, measure`,
    { n, layer },
  );
}

export async function buildSummaries(db: Db, log: Logger): Promise<void> {
  const [{ n }] = await db.all<{ n: number }>(`SELECT value::INTEGER AS n FROM meta WHERE key = 'iod2025_lsoas'`);
  await db.run(`
    CREATE TEMP VIEW lsoa_areas AS
    SELECT 'msoa' AS layer, msoa21cd AS area_code, msoa_name AS area_name, lsoa21cd FROM lsoa
    UNION ALL SELECT 'ward', ward_code, ward_name, lsoa21cd FROM lsoa
    UNION ALL SELECT 'lad', lad_code, lad_name, lsoa21cd FROM lsoa
    UNION ALL SELECT 'partnership', partnership, partnership, lsoa21cd FROM lsoa
    UNION ALL SELECT 'place', (SELECT value FROM meta WHERE key = 'place_id'), (SELECT value FROM meta WHERE key = 'place_name'), lsoa21cd FROM lsoa`);
  await db.run(`
    CREATE TEMP VIEW place_input AS
    SELECT a.layer, a.area_code, a.area_name, d.*
    FROM lsoa_areas a
    JOIN (${longForm("iod2025 JOIN lsoa USING (lsoa21cd)", "coalesce(pop_total, population)")}) d USING (lsoa21cd)`);
  await db.run(`CREATE TABLE area_deprivation AS ${summarySql("place_input")} ORDER BY layer, area_code, measure`, { n });

  // Every English local authority, from the national files, so boroughs can be ranked as the IoD ranks them.
  await db.run(`
    CREATE TEMP VIEW england_input AS
    SELECT 'lad' AS layer, f.lad_code AS area_code, f.lad_name AS area_name, d.*
    FROM raw_iod2025_file7 f
    JOIN (${longForm(
      `(SELECT f.lsoa21cd, ${summaryMeasures
        .flatMap((m) => [`${m}_score`, `${m}_rank`, `${m}_decile`].map((c) => `CAST(f.${ident(c)} AS ${c.endsWith("_score") ? "DOUBLE" : "INTEGER"}) AS ${ident(c)}`))
        .join(", ")}, coalesce(CAST(f.pop_total AS INTEGER), CAST(c.population AS INTEGER)) AS pop_total
        FROM raw_iod2025_file7 f LEFT JOIN raw_census2021_ts001 c USING (lsoa21cd))`,
      "pop_total",
    )}) d USING (lsoa21cd)`);
  await db.run(`
    CREATE TABLE lad_deprivation_england AS
    SELECT *,
           rank() OVER (PARTITION BY measure ORDER BY average_score DESC)::INTEGER AS rank_average_score,
           rank() OVER (PARTITION BY measure ORDER BY average_rank DESC)::INTEGER AS rank_average_rank,
           rank() OVER (PARTITION BY measure ORDER BY proportion_most_deprived_10 DESC)::INTEGER AS rank_proportion_most_deprived_10,
           rank() OVER (PARTITION BY measure ORDER BY extent DESC)::INTEGER AS rank_extent,
           rank() OVER (PARTITION BY measure ORDER BY local_concentration DESC)::INTEGER AS rank_local_concentration
    FROM (${summarySql("england_input")})
    ORDER BY measure, area_code`, { n });
  const rows = await db.all<{ layer: string; n: number }>(
    `SELECT layer, count(DISTINCT area_code)::INTEGER AS n FROM area_deprivation GROUP BY layer ORDER BY layer`,
  );
  log.progress(`summaries: ${rows.map((r) => `${r.n} ${r.layer}`).join(", ")}; every English borough ranked`);
}
