// The need index's inputs per LSOA, set-based in DuckDB: deprivation, age, provision, and referral figures taken only from what the publish gate lets out.
import { buildPcnBoundaries } from "../build/stages/boundaries.ts";
import type { Db } from "../db/connection.ts";
import { silentLogger, type Logger } from "../log.ts";
import { hasTable } from "../db/catalog.ts";
import { ident, literal } from "../db/sql.ts";
import { publishReferrals, type PublishedReferralRow } from "../publish/referrals.ts";
import { MEASURE_TABLES } from "../referrals/measures.ts";
import { THEMES } from "../../src/lib/need-themes.ts";

/** Layers whose published referral figures can be given to the LSOAs inside, finest first. */
const REFERRAL_LAYERS = ["msoa", "ward", "lad"] as const;

/** Tables the referral gate reads that an ingest can change (the referral tables, practices and PCNs) or that only a build changes. */
const GATE_TABLES = ["lsoa", "place_lad", "meta", "practice", "pcn"];

/**
 * A fingerprint of everything publishReferrals reads: per table its row count and the sum of its rows' hashes.
 * The gate is deterministic, so equal fingerprints mean equal published rows.
 */
async function referralFingerprint(db: Db): Promise<string> {
  const tables = (await db.all<{ t: string }>(
    `SELECT table_name AS t FROM duckdb_tables() WHERE NOT temporary AND (table_name LIKE 'referral%' OR list_contains($tables, table_name)) ORDER BY table_name`,
    { tables: GATE_TABLES },
  )).map((r) => r.t);
  if (!tables.some((t) => t === MEASURE_TABLES.values)) return "";
  const parts = await db.all<{ part: string }>(
    tables.map((t) => `SELECT ${literal(t)} || ':' || count(*) || ':' || coalesce(sum(hash(x)::HUGEINT), 0) AS part FROM ${ident(t)} x`).join(" UNION ALL ") + " ORDER BY part",
  );
  return parts.map((p) => p.part).join("|");
}

/**
 * need_referral_published: the referral figures exactly as the publish gate releases them (latest financial
 * year, the finest published layer that contains LSOAs), hidden cells as NULL. Nothing record-level is read:
 * the rows come from publishReferrals, which runs disclosure control and audits the result. The gate takes
 * seconds, so when nothing it reads has changed since the last need build (a grants, services or
 * neighbourhoods ingest), the rows it published then are kept (need_referral_source holds the fingerprint).
 */
export async function writePublishedReferrals(db: Db): Promise<{ layer: string | null; period: string | null; synthetic: boolean }> {
  const fingerprint = await referralFingerprint(db);
  if (fingerprint && (await hasTable(db, "need_referral_published")) && (await hasTable(db, "need_referral_source"))) {
    const [kept] = await db.all<{ layer: string | null; period: string | null; synthetic: boolean }>(
      `SELECT layer, period, synthetic FROM need_referral_source WHERE fingerprint = $fingerprint`,
      { fingerprint },
    );
    if (kept) return kept;
  }
  const published = await publishThroughGate(db);
  await db.run(`DROP TABLE IF EXISTS need_referral_source`);
  await db.run(`CREATE TABLE need_referral_source AS SELECT $fingerprint AS fingerprint, $layer::VARCHAR AS layer, $period::VARCHAR AS period, $synthetic AS synthetic`, {
    fingerprint,
    layer: published.layer,
    period: published.period,
    synthetic: published.synthetic,
  });
  await db.run(`COMMENT ON TABLE need_referral_source IS 'What need_referral_published was built from: a fingerprint (row count and hash sum per table) of every table the referral gate reads, and the layer, year and synthetic flag; an unchanged fingerprint keeps the published rows without re-running the gate'`);
  return published;
}

async function publishThroughGate(db: Db): Promise<{ layer: string | null; period: string | null; synthetic: boolean }> {
  await db.run(`DROP TABLE IF EXISTS need_referral_published`);
  await db.run(`CREATE TABLE need_referral_published (layer VARCHAR, code VARCHAR, need VARCHAR, period VARCHAR,
    referrals INTEGER, unmet INTEGER, referrals_per_1000 DOUBLE, unmet_per_1000 DOUBLE, unmet_percent DOUBLE)`);
  await db.run(`COMMENT ON TABLE need_referral_published IS 'Referral figures as published through disclosure control (pipelines/publish/referrals.ts), latest financial year, finest published layer containing LSOAs; NULL = hidden. The only referral input of the need index.'`);
  const pub = (await hasTable(db, "referral_measures")) ? await publishReferrals(db) : null;
  const rows = pub?.rows ?? [];
  const layer = REFERRAL_LAYERS.find((l) => rows.some((r) => r.layer === l)) ?? null;
  const years = rows.filter((r) => r.period_type === "year").map((r) => r.period).sort();
  const period = years.at(-1) ?? null;
  if (!layer || !period) return { layer: null, period: null, synthetic: pub?.synthetic ?? false };
  const chosen = rows.filter((r: PublishedReferralRow) => r.layer === layer && r.period === period && r.period_type === "year");
  const appender = await db.conn.createAppender("need_referral_published");
  for (const r of chosen) {
    appender.appendVarchar(r.layer);
    appender.appendVarchar(r.code);
    appender.appendVarchar(r.need);
    appender.appendVarchar(r.period);
    for (const v of [r.referrals, r.unmet]) v === null ? appender.appendNull() : appender.appendInteger(v);
    for (const v of [r.referrals_per_1000, r.unmet_per_1000, r.unmet_percent]) v === null ? appender.appendNull() : appender.appendDouble(v);
    appender.endRow();
  }
  appender.closeSync();
  return { layer, period, synthetic: pub!.synthetic };
}

/** LSOA → PCN: PCNs have no boundaries, so each LSOA goes to the PCN of the nearest GP practice in the place with a known location. */
async function writeLsoaPcn(db: Db, log: Logger): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS need_lsoa_pcn`);
  const practices = (await hasTable(db, "practice")) && (await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM practice WHERE in_place AND lat IS NOT NULL AND pcn_code IS NOT NULL`))[0].n > 0;
  if (!practices) {
    await db.run(`CREATE TABLE need_lsoa_pcn (lsoa21cd VARCHAR, pcn_code VARCHAR, pcn_name VARCHAR)`);
  } else {
    await db.run(`
      CREATE TABLE need_lsoa_pcn AS
      SELECT l.lsoa21cd,
             arg_min(p.pcn_code, (p.lat - l.centroid_lat) ^ 2 + ((p.lon - l.centroid_lon) * cos(radians(l.centroid_lat))) ^ 2) AS pcn_code,
             arg_min(coalesce(p.pcn_name, p.pcn_code), (p.lat - l.centroid_lat) ^ 2 + ((p.lon - l.centroid_lon) * cos(radians(l.centroid_lat))) ^ 2) AS pcn_name
      FROM lsoa l CROSS JOIN (SELECT * FROM practice WHERE in_place AND lat IS NOT NULL AND pcn_code IS NOT NULL) p
      GROUP BY l.lsoa21cd ORDER BY l.lsoa21cd`);
  }
  await db.run(`COMMENT ON TABLE need_lsoa_pcn IS 'Each LSOA''s primary care network for the PCN layer: the PCN of the nearest GP practice in the place (PCNs have no boundaries)'`);
  await buildPcnBoundaries(db, log);
}

/**
 * need_input: one row per LSOA and theme with every component value (NULL = missing) and the facts reasons are
 * built from. Deprivation and age come from iod2025, iod2025_indicators and lsoa; provision from grant_lsoa and
 * provision when those inputs exist; referral rates from need_referral_published only.
 */
export async function writeNeedInput(db: Db, log: Logger = silentLogger): Promise<void> {
  await writeLsoaPcn(db, log);
  const grants = await hasTable(db, "grant_lsoa");
  const provision = await hasTable(db, "provision");
  await db.run(`DROP TABLE IF EXISTS need_input`);
  await db.run(
    `CREATE TABLE need_input AS
     WITH themes AS (SELECT unnest($themes::VARCHAR[]) AS theme),
     money AS (${grants ? `SELECT lsoa21cd, sum(amount_pence)::DOUBLE / 100 AS pounds FROM grant_lsoa GROUP BY lsoa21cd` : `SELECT NULL::VARCHAR AS lsoa21cd, NULL::DOUBLE AS pounds WHERE false`}),
     prov AS (${provision ? `SELECT lsoa21cd, need, services_reaching, funded_reaching, places_per_week_per_1000 FROM provision` : `SELECT NULL::VARCHAR AS lsoa21cd, NULL::VARCHAR AS need, NULL::INTEGER AS services_reaching, NULL::INTEGER AS funded_reaching, NULL::DOUBLE AS places_per_week_per_1000 WHERE false`}),
     ref AS (
       SELECT l.lsoa21cd, r.need, r.code AS referral_area, r.referrals_per_1000, r.unmet_per_1000, r.unmet_percent
       FROM lsoa l JOIN need_referral_published r
         ON (r.layer = 'msoa' AND r.code = l.msoa21cd) OR (r.layer = 'ward' AND r.code = l.ward_code)
         OR (r.layer = 'lad' AND list_contains(string_split(r.code, '+'), l.lad_code))
     )
     SELECT l.lsoa21cd, t.theme, l.population,
            i.imd_rank, i.income_rank, i.employment_rank, i.health_rank, i.barriers_rank, i.idaci_rank, i.idaopi_rank,
            i.sub_adult_skills_rank, i.sub_children_rank, i.sub_wider_rank, i.sub_outdoors_rank,
            x.mental_health, x.illness_disability_ratio, x.years_life_lost, x.homelessness, x.overcrowding_rooms,
            l.share_65_plus, l.share_0_15,
            ref.referral_area, ref.referrals_per_1000, ref.unmet_per_1000, ref.unmet_percent,
            ${grants ? "coalesce(m.pounds, 0) / nullif(l.population, 0)" : "NULL::DOUBLE"} AS grant_per_head,
            ${grants ? "coalesce(m.pounds, 0)" : "NULL::DOUBLE"} AS grant_pounds,
            p.services_reaching::DOUBLE AS activities_within_reach,
            p.places_per_week_per_1000 AS places_per_1000,
            p.funded_reaching
     FROM lsoa l CROSS JOIN themes t
     JOIN iod2025 i USING (lsoa21cd)
     LEFT JOIN iod2025_indicators x USING (lsoa21cd)
     LEFT JOIN money m USING (lsoa21cd)
     LEFT JOIN prov p ON p.lsoa21cd = l.lsoa21cd AND p.need = t.theme
     LEFT JOIN ref ON ref.lsoa21cd = l.lsoa21cd AND ref.need = t.theme
     ORDER BY t.theme, l.lsoa21cd`,
    { themes: [...THEMES] },
  );
  await db.run(`COMMENT ON TABLE need_input IS 'Need and provision components per LSOA and theme (NULL = missing): IoD2025 ranks and indicators, Census 2021 age, chest grants, services within reach, and referral rates as published (need_referral_published)'`);
  await db.run(`COMMENT ON COLUMN need_input.referral_area IS 'The published area (MSOA, ward or borough) whose referral figures the LSOA takes'`);
  await db.run(`COMMENT ON COLUMN need_input.grant_per_head IS 'Chest grant money located in the LSOA (grant_lsoa, all rounds) in pounds per Census 2021 resident'`);
}
