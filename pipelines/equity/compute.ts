// Equity of spend per place, partnership and borough × round × funder type: spend and residents by national IMD decile in DuckDB, then src/lib/equity.ts on those ≤ 10 rows per group.
import type { Db } from "../db/connection.ts";
import {
  CORE20_DECILES,
  concentrationIndex,
  core20Share,
  decileGroups,
  headline,
  slopeIndex,
  spendPerHeadByDecile,
  type DecileSpendRow,
} from "../../src/lib/equity.ts";
import { funderTypeOrder } from "../../src/lib/grants-labels.ts";
import { ident } from "../db/sql.ts";

/** round_id / funder_type value meaning "every grant" / "every funder type" (round ids cannot contain brackets). */
export const ALL = "(all)";
/** round_id of grants that belong to none of the place's funding rounds. */
export const NO_ROUND = "(no round)";

/** Area layers, named as in area_deprivation so the context columns join directly. */
export const equityLayers = ["place", "partnership", "lad"] as const;
export type EquityLayer = (typeof equityLayers)[number];

/** One group: an area × round × funder type, with every statistic of the Equity page. */
export interface EquityRow {
  layer: EquityLayer;
  area_code: string;
  area_name: string;
  round_id: string;
  round_name: string;
  /** Order of the round in the place configuration (0 = first); null for (all) and (no round). */
  round_seq: number | null;
  synthetic: boolean;
  funder_type: string;
  /** Grants with money placed in the area (under this round and funder type). */
  grants: number;
  lsoas: number;
  population: number;
  /** £ placed in the area's neighbourhoods. */
  spend: number;
  spend_per_head: number | null;
  /** £ placed in neighbourhoods with no IMD decile (not in any statistic; expected 0). */
  unranked_spend: number;
  core20_spend: number;
  core20_population: number;
  core20_spend_share: number | null;
  core20_population_share: number | null;
  core20_ratio: number | null;
  concentration_index: number | null;
  /** Slope index of inequality, £ per head (least deprived end − most deprived end). */
  sii: number | null;
  rii: number | null;
  /** Fitted £ per head at the most deprived end (rank 0). */
  sii_intercept: number | null;
  headline: string;
  previous_round_id: string | null;
  core20_spend_share_change: number | null;
  concentration_index_change: number | null;
  sii_change: number | null;
  spend_per_head_change: number | null;
  imd_average_score: number | null;
  imd_average_rank: number | null;
  imd_proportion_most_deprived_10: number | null;
  imd_extent: number | null;
  imd_local_concentration: number | null;
}

/** One decile of one group; always ten per group (deciles with no neighbourhoods have zero residents). */
export interface EquityDecileRow {
  layer: EquityLayer;
  area_code: string;
  round_id: string;
  funder_type: string;
  decile: number;
  lsoas: number;
  population: number;
  grants: number;
  spend: number;
  spend_per_head: number | null;
  share_of_spend: number | null;
  share_of_population: number | null;
  /** Cumulative shares from decile 1: the concentration curve's point at the end of this decile. */
  cum_population_share: number | null;
  cum_spend_share: number | null;
}

export interface EquityRound {
  round_id: string;
  round_name: string;
  round_seq: number | null;
  synthetic: boolean;
}

export interface EquityResult {
  /** False when the database has no grant tables (no grants stage has run). */
  hasGrants: boolean;
  placeId: string;
  placeName: string;
  rows: EquityRow[];
  deciles: EquityDecileRow[];
  /** Rounds that have money placed in the place, in configuration order, then (no round). */
  rounds: EquityRound[];
  /** Funder types that have money placed in the place, in the standard order. */
  funderTypes: string[];
  /** Money awarded and placed, by round (NO_ROUND for grants in no round) and ALL: how much of it these figures cover. */
  coverage: { round_id: string; grants: number; awarded: number; placed: number }[];
}

/** Raw aggregate from DuckDB: one area × round × funder type × decile (decile 0 = LSOAs with no IMD decile). */
interface DecileAggregate {
  layer: EquityLayer;
  area_code: string;
  area_name: string;
  round_id: string;
  funder_type: string;
  decile: number;
  lsoas: number;
  population: number;
  grants: number;
  spend: number;
}

interface GroupAggregate {
  layer: EquityLayer;
  area_code: string;
  round_id: string;
  funder_type: string;
  grants: number;
}

async function tableExists(db: Db, name: string): Promise<boolean> {
  const rows = await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = $name`, { name });
  return rows.length > 0;
}

async function hasAllTables(db: Db, names: string[]): Promise<boolean> {
  for (const n of names) if (!(await tableExists(db, n))) return false;
  return true;
}

/** Each LSOA once per area layer it belongs to: the place, its partnership (when it has one) and its borough. */
const areasSql = `areas AS (
      SELECT l.lsoa21cd, 'place' AS layer, p.code AS area_code, p.name AS area_name FROM lsoa l, place p
      UNION ALL SELECT lsoa21cd, 'partnership', partnership, partnership FROM lsoa WHERE partnership IS NOT NULL
      UNION ALL SELECT lsoa21cd, 'lad', lad_code, lad_name FROM lsoa
    ),
    lsoa_decile AS (
      SELECT l.lsoa21cd, coalesce(l.population, 0) AS population, coalesce(i.imd_decile, 0)::INTEGER AS decile
      FROM lsoa l LEFT JOIN iod2025 i USING (lsoa21cd)
    )`;

/**
 * Pence by grant, round, funder type, layer, area and decile. Each grant's money is summed per borough, partnership
 * and decile over its LSOAs (whole pence), then split in the proportions of its grant_funder_type rows, rounded to a
 * millionth of a penny there; every sum after that is exact (DECIMAL), so the figures (and the page data's bytes) are
 * the same on every run whatever order the threads add them in. Grants are numbered (`gk`) so the aggregates after it
 * hash integers, not Identifiers.
 */
function moneySql(withGrants: boolean): string {
  if (!withGrants)
    return `SELECT NULL::BIGINT AS gk, NULL::VARCHAR AS round_id, NULL::VARCHAR AS funder_type, NULL::VARCHAR AS layer,
      NULL::VARCHAR AS area_code, NULL::INTEGER AS decile, NULL::DECIMAL(38, 6) AS pence WHERE false`;
  return `WITH lsoa_decile AS (
      SELECT l.lsoa21cd, l.lad_code, l.partnership, coalesce(i.imd_decile, 0)::INTEGER AS decile FROM lsoa l LEFT JOIN iod2025 i USING (lsoa21cd)
    ),
    keyed AS (SELECT grant_id, row_number() OVER () AS gk, coalesce(round_id, '${NO_ROUND}') AS round_id, amount_pence FROM grants),
    shares AS (
      SELECT k.gk, f.funder_type, sum(f.amount_pence)::DOUBLE / nullif(any_value(k.amount_pence), 0) AS share
      FROM grant_funder_type f JOIN keyed k USING (grant_id) GROUP BY 1, 2
    ),
    placed AS (
      SELECT k.gk, d.lad_code, d.partnership, d.decile, sum(gl.amount_pence) AS pence
      FROM grant_lsoa gl JOIN keyed k USING (grant_id) JOIN lsoa_decile d USING (lsoa21cd)
      GROUP BY ALL
    ),
    cell AS (
      SELECT p.gk, k.round_id, s.funder_type, p.lad_code, p.partnership, p.decile, (p.pence * s.share)::DECIMAL(38, 6) AS pence
      FROM placed p JOIN keyed k USING (gk) JOIN shares s USING (gk)
      WHERE s.share > 0
    )
    SELECT gk, round_id, funder_type, 'place' AS layer, $place_code::VARCHAR AS area_code, decile, sum(pence) AS pence FROM cell GROUP BY ALL
    UNION ALL SELECT gk, round_id, funder_type, 'partnership', partnership, decile, sum(pence) FROM cell WHERE partnership IS NOT NULL GROUP BY ALL
    UNION ALL SELECT gk, round_id, funder_type, 'lad', lad_code, decile, sum(pence) FROM cell GROUP BY ALL`;
}

/**
 * Pence and grants with money per `keys` (layer, area_code, …) × round × funder type, each also as "(all)". A grant
 * counts once in a group however many of its rows fall there: the rows are first summed per grant (no DISTINCT, which
 * DuckDB does slowly in grouping sets), and a grant is in one round, so the "(all)" rounds add the rounds' counts. No
 * amount is negative, so a grant has money in a group when any of its rows there does. `unique`: `money` already has
 * one row per grant, round, funder type and `keys`.
 */
const byRoundAndFunder = (money: string, keys: string, unique: boolean) => `
    WITH per_funder AS (${unique ? `SELECT * FROM ${money}` : `SELECT gk, round_id, funder_type, ${keys}, sum(pence) AS pence FROM ${money} GROUP BY ALL`}),
    per_grant AS (SELECT gk, round_id, ${keys}, sum(pence) AS pence FROM per_funder GROUP BY ALL),
    by_round AS (
      SELECT ${keys}, round_id, funder_type, sum(pence) AS pence, count(*) FILTER (WHERE pence > 0) AS grants FROM per_funder GROUP BY ALL
      UNION ALL SELECT ${keys}, round_id, '${ALL}', sum(pence), count(*) FILTER (WHERE pence > 0) FROM per_grant GROUP BY ALL
    )
    SELECT * FROM by_round
    UNION ALL SELECT ${keys}, '${ALL}', funder_type, sum(pence), sum(grants) FROM by_round GROUP BY ALL`;

/** Every area × decile (residents and LSOAs) × every round and funder type that has money, with its spend and grants. */
const decileSql = (money: string) => `WITH place AS (SELECT $place_code::VARCHAR AS code, $place_name::VARCHAR AS name),
    ${areasSql},
    pop AS (
      SELECT a.layer, a.area_code, any_value(a.area_name) AS area_name, d.decile, count(*) AS lsoas, sum(d.population) AS population
      FROM areas a JOIN lsoa_decile d USING (lsoa21cd) GROUP BY a.layer, a.area_code, d.decile
    ),
    spend AS (${byRoundAndFunder(money, "layer, area_code, decile", true)}),
    combos AS (SELECT DISTINCT round_id, funder_type FROM spend UNION SELECT '${ALL}', '${ALL}')
    SELECT p.layer, p.area_code, p.area_name, c.round_id, c.funder_type, p.decile, p.lsoas::INTEGER AS lsoas,
      p.population::DOUBLE AS population, coalesce(s.grants, 0)::INTEGER AS grants, (coalesce(s.pence, 0) / 100.0)::DOUBLE AS spend
    FROM pop p CROSS JOIN combos c
    LEFT JOIN spend s ON s.layer = p.layer AND s.area_code = p.area_code AND s.decile = p.decile
      AND s.round_id = c.round_id AND s.funder_type = c.funder_type
    ORDER BY p.layer, p.area_code, c.round_id, c.funder_type, p.decile`;

/** Grants with money in each area × round × funder type (a grant in several deciles counts once). */
const groupSql = (money: string) => `SELECT layer, area_code, round_id, funder_type, grants::INTEGER AS grants FROM (${byRoundAndFunder(money, "layer, area_code", false)})`;

/** A name for this call's temporary table, so calls on one connection never share one. */
let moneyTables = 0;

interface Context {
  layer: string;
  area_code: string;
  average_score: number | null;
  average_rank: number | null;
  proportion_most_deprived_10: number | null;
  extent: number | null;
  local_concentration: number | null;
}

const key = (...parts: (string | number)[]) => parts.join("\u0000");

/** Sort order for funder types: (all) first, then the standard order, then anything else alphabetically. */
function funderRank(t: string): number {
  if (t === ALL) return -1;
  const i = (funderTypeOrder as readonly string[]).indexOf(t);
  return i === -1 ? funderTypeOrder.length : i;
}

/** Compute every equity statistic from a built database (read-only use: nothing is written). */
export async function computeEquity(db: Db): Promise<EquityResult> {
  const withGrants = await hasAllTables(db, ["grants", "grant_lsoa", "grant_funder_type", "grant_rounds"]);
  const meta = (await tableExists(db, "meta"))
    ? new Map((await db.all<{ key: string; value: string }>(`SELECT key, value FROM meta WHERE key IN ('place_id', 'place_name')`)).map((m) => [m.key, m.value]))
    : new Map<string, string>();
  const place = { code: meta.get("place_id") ?? "place", name: meta.get("place_name") ?? "The place" };
  const params = { place_code: place.code, place_name: place.name };
  // Worked out once into a temporary table (in memory, so a read-only database will do), read by both aggregates.
  const money = ident(`equity_money_${process.pid}_${++moneyTables}`);
  let decileAgg: DecileAggregate[];
  let groupAgg: GroupAggregate[];
  try {
    await db.run(`CREATE TEMP TABLE ${money} AS ${moneySql(withGrants)}`, withGrants ? { place_code: place.code } : {});
    decileAgg = await db.all<DecileAggregate>(decileSql(money), params);
    groupAgg = await db.all<GroupAggregate>(groupSql(money), {});
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${money}`);
  }

  const roundInfo = new Map<string, EquityRound>();
  if (withGrants) {
    for (const r of await db.all<EquityRound>(
      `SELECT round_id, any_value(round_name) AS round_name, min(round_seq)::INTEGER AS round_seq, bool_or(synthetic) AS synthetic
       FROM grant_rounds GROUP BY round_id`,
    )) {
      roundInfo.set(r.round_id, { ...r, synthetic: Boolean(r.synthetic) });
    }
  }
  const roundOf = (id: string): EquityRound => {
    if (id === ALL) {
      return { round_id: ALL, round_name: "All rounds", round_seq: null, synthetic: [...roundInfo.values()].some((r) => r.synthetic) };
    }
    if (id === NO_ROUND) return { round_id: NO_ROUND, round_name: "Grants outside the chest's rounds", round_seq: null, synthetic: false };
    return roundInfo.get(id) ?? { round_id: id, round_name: id, round_seq: null, synthetic: false };
  };

  const context = new Map<string, Context>();
  if (await tableExists(db, "area_deprivation")) {
    for (const c of await db.all<Context>(
      `SELECT layer, area_code, average_score, average_rank, proportion_most_deprived_10, extent, local_concentration
       FROM area_deprivation WHERE measure = 'imd' AND layer IN ('place', 'partnership', 'lad')`,
    )) {
      context.set(key(c.layer, c.area_code), c);
    }
  }
  const grantsOf = new Map(groupAgg.map((g) => [key(g.layer, g.area_code, g.round_id, g.funder_type), g.grants]));

  // Group the decile aggregates (≤ 11 rows each: deciles 1–10 and 0 for unranked neighbourhoods).
  const groups = new Map<string, DecileAggregate[]>();
  for (const r of decileAgg) {
    const k = key(r.layer, r.area_code, r.round_id, r.funder_type);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }

  // Only NO_ROUND money makes "all" differ from "all rounds": say so in the headline.
  const hasNoRound = decileAgg.some((r) => r.round_id === NO_ROUND && r.spend > 0);
  const rows: EquityRow[] = [];
  const deciles: EquityDecileRow[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    const ranked: DecileSpendRow[] = list.filter((r) => r.decile >= 1 && r.decile <= 10).map((r) => ({ decile: r.decile, population: r.population, spend: r.spend }));
    const unrankedSpend = list.filter((r) => r.decile < 1 || r.decile > 10).reduce((s, r) => s + r.spend, 0);
    const byDecile = spendPerHeadByDecile(ranked);
    const groupsForStats = decileGroups(ranked);
    const core = core20Share(ranked);
    const slope = slopeIndex(groupsForStats); // no standard errors: point estimates only (see EQUITY_CI_NOTE)
    const round = roundOf(first.round_id);
    const population = byDecile.reduce((s, d) => s + d.population, 0);
    const spend = byDecile.reduce((s, d) => s + d.spend, 0);
    const ctx = context.get(key(first.layer, first.area_code));
    const headlineRound =
      first.round_id === ALL ? (hasNoRound ? "all grants recorded" : undefined) : first.round_id === NO_ROUND ? "grants outside the chest's rounds" : round.round_seq !== null ? round.round_seq + 1 : round.round_name;
    rows.push({
      layer: first.layer,
      area_code: first.area_code,
      area_name: first.area_name,
      round_id: first.round_id,
      round_name: round.round_name,
      round_seq: round.round_seq,
      synthetic: round.synthetic,
      funder_type: first.funder_type,
      grants: grantsOf.get(key(first.layer, first.area_code, first.round_id, first.funder_type)) ?? 0,
      lsoas: list.reduce((s, r) => s + r.lsoas, 0),
      population,
      spend,
      spend_per_head: population > 0 ? spend / population : null,
      unranked_spend: unrankedSpend,
      core20_spend: byDecile.filter((d) => CORE20_DECILES.includes(d.decile)).reduce((s, d) => s + d.spend, 0),
      core20_population: byDecile.filter((d) => CORE20_DECILES.includes(d.decile)).reduce((s, d) => s + d.population, 0),
      core20_spend_share: core.spendShare,
      core20_population_share: core.populationShare,
      core20_ratio: core.ratio,
      concentration_index: concentrationIndex(groupsForStats),
      // With no spend the fitted line is flat at £0: report nothing rather than a "perfectly equal" 0.
      sii: spend > 0 ? slope.sii : null,
      rii: spend > 0 ? slope.rii : null,
      sii_intercept: spend > 0 ? slope.intercept : null,
      headline: headline(core, headlineRound),
      previous_round_id: null,
      core20_spend_share_change: null,
      concentration_index_change: null,
      sii_change: null,
      spend_per_head_change: null,
      imd_average_score: ctx?.average_score ?? null,
      imd_average_rank: ctx?.average_rank ?? null,
      imd_proportion_most_deprived_10: ctx?.proportion_most_deprived_10 ?? null,
      imd_extent: ctx?.extent ?? null,
      imd_local_concentration: ctx?.local_concentration ?? null,
    });
    const grantsByDecile = new Map(list.map((r) => [r.decile, r.grants]));
    const lsoasByDecile = new Map(list.map((r) => [r.decile, r.lsoas]));
    let cumPop = 0;
    let cumSpend = 0;
    for (const d of byDecile) {
      cumPop += d.population;
      cumSpend += d.spend;
      deciles.push({
        layer: first.layer,
        area_code: first.area_code,
        round_id: first.round_id,
        funder_type: first.funder_type,
        decile: d.decile,
        lsoas: lsoasByDecile.get(d.decile) ?? 0,
        population: d.population,
        grants: grantsByDecile.get(d.decile) ?? 0,
        spend: d.spend,
        spend_per_head: d.spendPerHead,
        share_of_spend: d.shareOfSpend,
        share_of_population: d.shareOfPopulation,
        cum_population_share: population > 0 ? (d.decile === 10 ? 1 : cumPop / population) : null,
        cum_spend_share: spend > 0 ? (d.decile === 10 ? 1 : cumSpend / spend) : null,
      });
    }
  }

  // Change from the previous round (configuration order) with money, for the same area and funder type.
  const roundRows = new Map<string, EquityRow[]>();
  for (const r of rows) {
    if (r.round_seq === null) continue;
    const k = key(r.layer, r.area_code, r.funder_type);
    const list = roundRows.get(k);
    if (list) list.push(r);
    else roundRows.set(k, [r]);
  }
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  for (const list of roundRows.values()) {
    list.sort((a, b) => a.round_seq! - b.round_seq!);
    for (let i = 1; i < list.length; i++) {
      const now = list[i];
      const before = list[i - 1];
      now.previous_round_id = before.round_id;
      now.core20_spend_share_change = diff(now.core20_spend_share, before.core20_spend_share);
      now.concentration_index_change = diff(now.concentration_index, before.concentration_index);
      now.sii_change = diff(now.sii, before.sii);
      now.spend_per_head_change = diff(now.spend_per_head, before.spend_per_head);
    }
  }

  const layerRank = (l: string) => equityLayers.indexOf(l as EquityLayer);
  const roundRank = (r: { round_id: string; round_seq: number | null }) =>
    r.round_id === ALL ? -1 : r.round_id === NO_ROUND ? Number.MAX_SAFE_INTEGER : (r.round_seq ?? Number.MAX_SAFE_INTEGER - 1);
  const roundSeqOf = (id: string) => roundRank(roundOf(id));
  rows.sort(
    (a, b) =>
      layerRank(a.layer) - layerRank(b.layer) ||
      a.area_name.localeCompare(b.area_name, "en-GB") ||
      a.area_code.localeCompare(b.area_code) ||
      roundRank(a) - roundRank(b) ||
      a.round_id.localeCompare(b.round_id) ||
      funderRank(a.funder_type) - funderRank(b.funder_type) ||
      a.funder_type.localeCompare(b.funder_type),
  );
  const nameOf = new Map(rows.map((r) => [key(r.layer, r.area_code), r.area_name]));
  deciles.sort(
    (a, b) =>
      layerRank(a.layer) - layerRank(b.layer) ||
      nameOf.get(key(a.layer, a.area_code))!.localeCompare(nameOf.get(key(b.layer, b.area_code))!, "en-GB") ||
      a.area_code.localeCompare(b.area_code) ||
      roundSeqOf(a.round_id) - roundSeqOf(b.round_id) ||
      a.round_id.localeCompare(b.round_id) ||
      funderRank(a.funder_type) - funderRank(b.funder_type) ||
      a.funder_type.localeCompare(b.funder_type) ||
      a.decile - b.decile,
  );

  const roundIds = [...new Set(rows.filter((r) => r.round_id !== ALL && r.spend > 0).map((r) => r.round_id))];
  const rounds = roundIds.map(roundOf).sort((a, b) => roundRank(a) - roundRank(b) || a.round_id.localeCompare(b.round_id));
  const funderTypes = [...new Set(rows.filter((r) => r.funder_type !== ALL && r.spend > 0).map((r) => r.funder_type))].sort(
    (a, b) => funderRank(a) - funderRank(b) || a.localeCompare(b),
  );

  const coverage = withGrants
    ? await db.all<{ round_id: string; grants: number; awarded: number; placed: number }>(
        `SELECT CASE WHEN grouping(r) = 1 THEN '${ALL}' ELSE r END AS round_id, count(*)::INTEGER AS grants,
           (coalesce(sum(amount_pence), 0) / 100.0)::DOUBLE AS awarded, (coalesce(sum(in_place_pence), 0) / 100.0)::DOUBLE AS placed
         FROM (SELECT coalesce(round_id, '${NO_ROUND}') AS r, amount_pence, in_place_pence FROM grants)
         GROUP BY GROUPING SETS ((r), ()) ORDER BY grouping(r) DESC, r`,
      )
    : [];

  return { hasGrants: withGrants, placeId: place.code, placeName: place.name, rows, deciles, rounds, funderTypes, coverage };
}

/** Why the slope index has no confidence interval here (shown on the page and stored with the table). */
export const EQUITY_CI_NOTE =
  "No confidence interval is given for the slope and relative index of inequality. PHE's method (phe_sii) draws its limits from a standard error for each decile's value, and spend has none: the ledger is a complete record of the money awarded, not a sample, and no published method gives a standard error for grant spend per head. The number of grants behind each figure is shown instead; figures resting on few grants can change a lot with a single award.";
