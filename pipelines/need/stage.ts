// The need build stage: need, provision, gap and a priority ranking with rank intervals and reasons, per LSOA and theme and for every layer above.
//
// Tables (all documented with COMMENT ON):
//   need_referral_published, need_lsoa_pcn, need_input  (pipelines/need/inputs.ts)
//   need_result      engine output per layer, area and theme (ranks, intervals, reasons), written from JS
//   need_area        need_result with names, population and the gap, the table pages and queries read
//   need_component   each theme's components: weight, used or why not, sensitivity of the ranking
//   need_meta        key/value: referral layer and period used, runs, seed, synthetic flag
import type { Stage } from "../build/build.ts";
import type { Db } from "../db/connection.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { needLabel } from "../../src/lib/needs.ts";
import { themeConfigs } from "../../src/lib/need-themes.ts";
import { componentResults, layerResults, themeIndices, type AreaResult, type ComponentResult, type InputRow, type LayerGroups } from "./compute.ts";
import { writeNeedInput, writePublishedReferrals } from "./inputs.ts";
import { hasTable } from "../db/catalog.ts";
import { buildNeighbourhoodBoundaries } from "../build/stages/boundaries.ts";
import { summariseLayer } from "../build/stages/summaries.ts";
import { silentLogger } from "../log.ts";

/** Weight perturbations per layer and theme (1,000; CHEST_NEED_RUNS lowers it where a quicker build matters more, e.g. ingest tests). */
export const NEED_RUNS = Number(process.env.CHEST_NEED_RUNS) > 0 ? Math.floor(Number(process.env.CHEST_NEED_RUNS)) : 1000;
export const NEED_SEED = 20251130;

/** The layers need is reported on, with the lsoa column holding each LSOA's area code in that layer. */
const LAYERS = [
  { layer: "lsoa", column: "lsoa21cd", peers: "neighbourhoods" },
  { layer: "msoa", column: "msoa21cd", peers: "MSOAs" },
  { layer: "ward", column: "ward_code", peers: "wards" },
  { layer: "pcn", column: "pcn_code", peers: "primary care networks" },
  { layer: "lad", column: "lad_code", peers: "boroughs" },
  { layer: "partnership", column: "partnership", peers: "partnerships" },
  { layer: "neighbourhood", column: "neighbourhood", peers: "neighbourhoods" },
] as const;

async function layerGroups(db: Db): Promise<LayerGroups[]> {
  const custom = await hasTable(db, "neighbourhood_lsoa");
  const rows = await db.all<Record<string, string | null>>(
    `SELECT l.lsoa21cd, l.msoa21cd, l.ward_code, p.pcn_code, l.lad_code, l.partnership, ${custom ? "n.neighbourhood_code" : "NULL::VARCHAR"} AS neighbourhood
     FROM lsoa l LEFT JOIN need_lsoa_pcn p USING (lsoa21cd) ${custom ? "LEFT JOIN neighbourhood_lsoa n USING (lsoa21cd)" : ""}
     ORDER BY l.lsoa21cd`,
  );
  const out: LayerGroups[] = [];
  for (const { layer, column, peers } of LAYERS) {
    const codes = [...new Set(rows.map((r) => r[column]).filter((c): c is string => c !== null))].sort();
    if (!codes.length) continue;
    const index = new Map(codes.map((c, i) => [c, i]));
    out.push({ layer, peers, codes, groupOf: Int32Array.from(rows, (r) => (r[column] === null ? -1 : index.get(r[column]!)!)) });
  }
  return out;
}

const resultColumns: [keyof AreaResult, "VARCHAR" | "DOUBLE" | "INTEGER"][] = [
  ["layer", "VARCHAR"], ["code", "VARCHAR"], ["theme", "VARCHAR"], ["need_score", "DOUBLE"], ["provision_score", "DOUBLE"],
  ["priority_score", "DOUBLE"], ["priority_rank", "INTEGER"], ["median_rank", "DOUBLE"], ["rank_low", "INTEGER"], ["rank_high", "INTEGER"],
  ["top_n", "INTEGER"], ["in_top_n", "DOUBLE"], ["in_top_20pct", "DOUBLE"], ["missing_components", "INTEGER"], ["hinge", "VARCHAR"], ["reasons", "VARCHAR"],
];
const componentColumns: [keyof ComponentResult, "VARCHAR" | "DOUBLE" | "BOOLEAN"][] = [
  ["theme", "VARCHAR"], ["side", "VARCHAR"], ["key", "VARCHAR"], ["label", "VARCHAR"], ["weight", "DOUBLE"], ["used", "BOOLEAN"],
  ["reason", "VARCHAR"], ["sensitivity", "DOUBLE"], ["most_sensitive", "BOOLEAN"],
];

async function writeRows<T extends object>(db: Db, table: string, columns: [keyof T, string][], rows: readonly T[]): Promise<void> {
  await db.run(`CREATE TABLE ${table} (${columns.map(([c, t]) => `"${String(c)}" ${t}`).join(", ")})`);
  const appender = await db.conn.createAppender(table);
  for (const row of rows) {
    for (const [c, t] of columns) {
      const v = row[c] as unknown;
      if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) appender.appendNull();
      else if (t === "VARCHAR") appender.appendVarchar(String(v));
      else if (t === "INTEGER") appender.appendInteger(Number(v));
      else if (t === "BOOLEAN") appender.appendBoolean(Boolean(v));
      else appender.appendDouble(Number(v));
    }
    appender.endRow();
  }
  appender.closeSync();
}

/** need_area: names, population and the gap beside the engine's results, set-based. */
async function writeNeedArea(db: Db): Promise<void> {
  const custom = await hasTable(db, "neighbourhood_lsoa");
  await db.run(`
    CREATE TABLE need_area AS
    WITH names AS (
      SELECT 'lsoa' AS layer, lsoa21cd AS code, lsoa21nm AS name, population FROM lsoa
      UNION ALL SELECT 'msoa', msoa21cd, any_value(msoa_name), sum(population) FROM lsoa GROUP BY msoa21cd
      UNION ALL SELECT 'ward', ward_code, any_value(ward_name), sum(population) FROM lsoa GROUP BY ward_code
      UNION ALL SELECT 'pcn', p.pcn_code, any_value(p.pcn_name), sum(l.population) FROM lsoa l JOIN need_lsoa_pcn p USING (lsoa21cd) GROUP BY p.pcn_code
      UNION ALL SELECT 'lad', lad_code, any_value(lad_name), sum(population) FROM lsoa GROUP BY lad_code
      UNION ALL SELECT 'partnership', partnership, partnership, sum(population) FROM lsoa WHERE partnership IS NOT NULL GROUP BY partnership
      ${custom ? "UNION ALL SELECT 'neighbourhood', n.neighbourhood_code, any_value(n.neighbourhood_name), sum(l.population) FROM lsoa l JOIN neighbourhood_lsoa n USING (lsoa21cd) GROUP BY n.neighbourhood_code" : ""}
    )
    SELECT r.layer, r.code, coalesce(n.name, r.code) AS name, n.population::INTEGER AS population, r.theme,
           round(r.need_score, 2) AS need_score, round(r.provision_score, 2) AS provision_score,
           round(r.need_score - r.provision_score, 2) AS gap,
           round(r.priority_score, 2) AS priority_score, r.priority_rank,
           count(r.priority_rank) OVER (PARTITION BY r.layer, r.theme)::INTEGER AS ranked_areas,
           r.median_rank, r.rank_low, r.rank_high, r.top_n, round(r.in_top_n, 3) AS in_top_n, round(r.in_top_20pct, 3) AS in_top_20pct,
           r.missing_components, r.hinge, r.reasons
    FROM need_result r LEFT JOIN names n ON n.layer = r.layer AND n.code = r.code
    ORDER BY r.layer, r.theme, r.priority_rank NULLS LAST, r.code`);
  const comments: [string, string][] = [
    ["layer", "lsoa, msoa, ward, pcn (nearest practice), lad (borough), partnership, neighbourhood (custom, when ingested)"],
    ["need_score", "need index 0–100 (weighted mean of the theme's standardised components; higher = more need)"],
    ["provision_score", "provision index 0–100 (place percentile ranks of grants per head, activities within reach, places per 1,000; higher = more provision)"],
    ["gap", "need_score − provision_score (−100…100; positive = need outruns provision)"],
    ["priority_score", "half need, half lack of provision, 0–100 (50 = balanced); what the ranking orders by"],
    ["priority_rank", "1 = highest priority within the layer and theme; ties share a rank"],
    ["median_rank", "median rank over the weight perturbations (need_meta runs, seed)"],
    ["rank_low", "5th percentile of the rank over the perturbations (the 90% interval's better end)"],
    ["rank_high", "95th percentile (the 90% interval's worse end)"],
    ["in_top_n", "share of perturbation runs in which the area ranked in the top top_n"],
    ["in_top_20pct", "share of perturbation runs in which the area ranked in the top 20% of its layer"],
    ["missing_components", "need components missing for the area (re-weighted around; e.g. a hidden referral cell)"],
    ["hinge", "the component whose weight the area's rank moves with most over the runs (|r| ≥ 0.3)"],
    ["reasons", "two or three plain-English facts that put the area where it ranks, separated by '; '"],
  ];
  await db.run(`COMMENT ON TABLE need_area IS 'Need, provision, gap and priority rank with 90% rank interval and reasons, per area of every layer and per theme (theme ''all'' = all needs)'`);
  for (const [c, text] of comments) await db.run(`COMMENT ON COLUMN need_area.${c} IS '${text.replaceAll("'", "''")}'`);
}

export async function buildNeed(db: Db, place: Place, log?: Logger, runs = NEED_RUNS): Promise<void> {
  for (const t of ["need_area", "need_result", "need_component", "need_meta"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
  const ref = await writePublishedReferrals(db);
  await writeNeedInput(db, log);
  await writeLayerShapesAndSummaries(db, log);
  const [{ national }] = await db.all<{ national: number }>(`SELECT coalesce((SELECT value::INTEGER FROM meta WHERE key = 'iod2025_lsoas'), 33755) AS national`);
  const layers = await layerGroups(db);
  const results: AreaResult[] = [];
  const components: ComponentResult[] = [];
  for (const config of themeConfigs(place.needThemes ?? {})) {
    const rows = await db.all<InputRow>(`SELECT * EXCLUDE (theme) FROM need_input WHERE theme = $theme ORDER BY lsoa21cd`, { theme: config.theme });
    const indices = themeIndices(config, rows, national);
    const themePhrase = config.theme === "all" ? "" : needLabel(config.theme).toLowerCase();
    for (const layer of layers) results.push(...layerResults(config, layer, rows, indices, { nationalN: national, runs, seed: NEED_SEED, themePhrase }));
    components.push(...componentResults(config, indices));
  }
  await writeRows(db, "need_result", resultColumns, results);
  await db.run(`COMMENT ON TABLE need_result IS 'The need-index engine''s output per layer, area and theme (read need_area, which adds names, population and the gap)'`);
  await writeRows(db, "need_component", componentColumns, components);
  await db.run(`COMMENT ON TABLE need_component IS 'Each theme''s need and provision components: weight as configured, whether used (or why not: weight 0, no variation), and the mean number of places areas move when its weight alone rises by half (sensitivity)'`);
  await writeNeedArea(db);
  await db.run(`CREATE TABLE need_meta (key VARCHAR, value VARCHAR)`);
  await db.run(`INSERT INTO need_meta VALUES ('referral_layer', $l), ('referral_period', $p), ('runs', $r), ('seed', $s), ('synthetic', $y), ('national_lsoas', $n)`, {
    l: ref.layer ?? "",
    p: ref.period ?? "",
    r: String(runs),
    s: String(NEED_SEED),
    y: String(ref.synthetic || (await syntheticInputs(db))),
    n: String(national),
  });
  await db.run(`COMMENT ON TABLE need_meta IS 'How the need tables were built: the published referral layer and financial year used, perturbation runs and seed, whether any input is synthetic'`);
  log?.info(`need: ${results.length.toLocaleString("en-GB")} area results over ${layers.length} layers; referrals from ${ref.layer ?? "none"} ${ref.period ?? ""}`.trim());
}

/**
 * The layers that arrive after the build, made layers like the others: custom neighbourhoods' shapes merged from
 * the LSOA shapes (PCN footprints are merged by writeNeedInput), and both layers' population-weighted deprivation
 * summaries in area_deprivation (the Need map). A removed neighbourhoods file removes its layer.
 */
async function writeLayerShapesAndSummaries(db: Db, log: Logger = silentLogger): Promise<void> {
  const custom = await hasTable(db, "neighbourhood_lsoa");
  await buildNeighbourhoodBoundaries(db, log);
  await summariseLayer(db, "pcn", `SELECT pcn_code AS area_code, pcn_name AS area_name, lsoa21cd FROM need_lsoa_pcn WHERE pcn_code IS NOT NULL`);
  await summariseLayer(
    db,
    "neighbourhood",
    custom
      ? `SELECT neighbourhood_code AS area_code, neighbourhood_name AS area_name, lsoa21cd FROM neighbourhood_lsoa`
      : `SELECT NULL::VARCHAR AS area_code, NULL::VARCHAR AS area_name, NULL::VARCHAR AS lsoa21cd WHERE false`,
  );
}

/** Whether any grants or services input behind the provision side is synthetic demo data. */
async function syntheticInputs(db: Db): Promise<boolean> {
  const checks: string[] = [];
  if (await hasTable(db, "grant_rounds")) checks.push(`SELECT bool_or(synthetic) AS s FROM grant_rounds`);
  if (await hasTable(db, "service")) checks.push(`SELECT bool_or(synthetic) AS s FROM service`);
  if (!checks.length) return false;
  const [{ s }] = await db.all<{ s: boolean | null }>(`SELECT coalesce(bool_or(s), false) AS s FROM (${checks.join(" UNION ALL ")})`);
  return Boolean(s);
}

/** A build stage for the end of the stage list (after grants, services and referrals). */
export function needStage(place: Place, log?: Logger): Stage {
  return { name: "need, provision and gap", run: (db) => buildNeed(db, place, log) };
}
