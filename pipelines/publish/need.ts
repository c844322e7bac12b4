// Publishing need, provision, the gap and area profiles to the Gaps and Neighbourhood pages: aggregated rows only, referral figures only as the gate published them.
import type { Db } from "../db/connection.ts";
import { MissingSourceError } from "../errors.ts";
import { queryToArrow } from "./arrow.ts";
import { hasTable } from "../db/catalog.ts";
import { layerMembersSql } from "../place/layers.ts";
import { COMPONENTS, themeConfigs, WEIGHTS_WHY } from "../../src/lib/need-themes.ts";
import { needLabel } from "../../src/lib/needs.ts";
import { STANDARDISATIONS } from "../../src/lib/need-index.ts";

async function requireNeed(db: Db): Promise<void> {
  if (!(await hasTable(db, "need_area"))) throw new MissingSourceError("need_area is missing: run `chest build` (the need stage runs after the inputs)");
}

const areaColumns = `layer, code, name, population, theme, need_score, provision_score, gap, priority_score, priority_rank, ranked_areas,
  median_rank, rank_low, rank_high, top_n, in_top_n, in_top_20pct, missing_components, hinge, reasons`;

/** need_area for every layer but LSOA (MSOA, ward, PCN, borough, partnership, custom neighbourhoods). */
export async function needAreas(db: Db): Promise<Buffer> {
  await requireNeed(db);
  return queryToArrow(db, `SELECT ${areaColumns} FROM need_area WHERE layer <> 'lsoa' ORDER BY layer, theme, priority_rank NULLS LAST, code`);
}

/** need_area for LSOAs, with the MSOA each lies in (the page loads it only when the LSOA layer is chosen). */
export async function needLsoas(db: Db): Promise<Buffer> {
  await requireNeed(db);
  return queryToArrow(
    db,
    `SELECT ${areaColumns.replace("layer, ", "").split(",").map((c) => `a.${c.trim()}`).join(", ")}, l.msoa21cd FROM need_area a JOIN lsoa l ON l.lsoa21cd = a.code
     WHERE a.layer = 'lsoa' ORDER BY a.theme, a.priority_rank NULLS LAST, a.code`,
  );
}

/**
 * One row per area of every layer but LSOA: population and age, deprivation (IMD average rank and share of LSOAs
 * in England's most deprived 10%), chest grant money located there, and the number of activities within reach.
 */
export async function needProfiles(db: Db): Promise<Buffer> {
  await requireNeed(db);
  const grants = await hasTable(db, "grant_lsoa");
  const reach = await hasTable(db, "service_reach");
  return queryToArrow(
    db,
    `WITH members AS (
       ${await layerMembersSql(db, ["msoa", "ward", "lad", "pcn", "neighbourhood"])}
       -- Partnerships only where the place names them (a decision record's partnership layer falls back to boroughs).
       UNION ALL SELECT 'partnership', partnership, lsoa21cd FROM lsoa WHERE partnership IS NOT NULL
     ),
     money AS (${grants ? "SELECT lsoa21cd, sum(amount_pence)::DOUBLE / 100 AS pounds, count(DISTINCT grant_id) AS grants FROM grant_lsoa GROUP BY lsoa21cd" : "SELECT NULL::VARCHAR AS lsoa21cd, 0::DOUBLE AS pounds, 0 AS grants WHERE false"}),
     age AS (
       SELECT m.layer, m.code, sum(l.population)::INTEGER AS population, count(*)::INTEGER AS lsoas,
              sum(l.population * l.share_0_15) / sum(l.population) AS share_0_15,
              sum(l.population * (l.share_16_24 + l.share_25_34 + l.share_35_49 + l.share_50_64)) / sum(l.population) AS share_16_64,
              sum(l.population * l.share_65_plus) / sum(l.population) AS share_65_plus,
              sum(coalesce(g.pounds, 0)) AS grant_pounds,
              avg(i.imd_rank) AS mean_imd_rank,
              avg((i.imd_decile = 1)::INTEGER) AS share_most_deprived_10
       FROM members m JOIN lsoa l USING (lsoa21cd) JOIN iod2025 i USING (lsoa21cd) LEFT JOIN money g USING (lsoa21cd)
       GROUP BY m.layer, m.code
     )
     SELECT a.layer, a.code, a.population, a.lsoas, round(a.share_0_15, 4) AS share_0_15, round(a.share_16_64, 4) AS share_16_64,
            round(a.share_65_plus, 4) AS share_65_plus, round(a.grant_pounds, 2) AS grant_pounds,
            round(a.grant_pounds / nullif(a.population, 0), 2) AS grant_per_head,
            round(a.mean_imd_rank) AS mean_imd_rank, round(a.share_most_deprived_10, 4) AS share_most_deprived_10,
            ${reach ? "(SELECT count(DISTINCT r.service_id) FROM service_reach r JOIN members mm USING (lsoa21cd) WHERE mm.layer = a.layer AND mm.code = a.code)::INTEGER" : "0"} AS activities
     FROM age a ORDER BY a.layer, a.code`,
  );
}

/** Activities reaching each area (non-LSOA layers): name, needs met, whether chest-funded, on foot or area-wide. */
export async function needActivities(db: Db): Promise<Buffer> {
  await requireNeed(db);
  if (!(await hasTable(db, "service_reach"))) return queryToArrow(db, `SELECT NULL::VARCHAR AS layer, NULL::VARCHAR AS code, NULL::VARCHAR AS name, NULL::VARCHAR AS needs, NULL::BOOLEAN AS funded, NULL::VARCHAR AS mode WHERE false`);
  return queryToArrow(
    db,
    `WITH members AS (${await layerMembersSql(db, ["msoa", "ward", "pcn", "neighbourhood"])}), needs AS (SELECT service_id, string_agg(DISTINCT need, ',' ORDER BY need) AS needs FROM service_need GROUP BY service_id)
     SELECT m.layer, m.code, s.name, coalesce(n.needs, '') AS needs, coalesce(s.funded_by_chest, false) AS funded,
            CASE WHEN bool_or(r.mode = 'walk') THEN 'walk' ELSE 'area' END AS mode
     FROM members m JOIN service_reach r USING (lsoa21cd) JOIN service s USING (service_id) LEFT JOIN needs n USING (service_id)
     GROUP BY m.layer, m.code, s.service_id, s.name, n.needs, s.funded_by_chest
     ORDER BY m.layer, m.code, s.funded_by_chest DESC, s.name`,
  );
}

/** Referral figures by theme exactly as the publish gate released them (need_referral_published): the profile's referrals and unmet need. */
export async function needReferrals(db: Db): Promise<Buffer> {
  await requireNeed(db);
  return queryToArrow(db, `SELECT layer, code, need, period, referrals, unmet, referrals_per_1000, unmet_per_1000, unmet_percent FROM need_referral_published ORDER BY layer, code, need`);
}

/** Themes, components with their weights and reasons, how the tables were built, and whether inputs are synthetic. */
export async function needMeta(db: Db): Promise<string> {
  await requireNeed(db);
  const meta = Object.fromEntries((await db.all<{ key: string; value: string }>(`SELECT key, value FROM need_meta`)).map((r) => [r.key, r.value]));
  const components = await db.all(`SELECT theme, side, key, label, weight, used, reason, round(sensitivity, 1) AS sensitivity, most_sensitive FROM need_component ORDER BY theme, side, weight DESC, key`);
  return JSON.stringify({
    referralLayer: meta.referral_layer || null,
    referralPeriod: meta.referral_period || null,
    runs: Number(meta.runs),
    seed: Number(meta.seed),
    synthetic: meta.synthetic === "true",
    nationalLsoas: Number(meta.national_lsoas),
    themes: themeConfigs().map((t) => ({ key: t.theme, label: needLabel(t.theme), why: t.why })),
    components,
    definitions: COMPONENTS.map(({ key, label, description }) => ({ key, label, description })),
    standardisations: STANDARDISATIONS,
    why: WEIGHTS_WHY,
  });
}
