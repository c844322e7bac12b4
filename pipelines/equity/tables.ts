// The equity tables (`equity`, `equity_decile`): columns, types and descriptions (stored as DuckDB comments), and writing computed rows into any database.
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { appendRows, createTable, type ColumnType, type TableDecl as TableSpec } from "../kit/table.ts";
import { ALL, EQUITY_CI_NOTE, NO_ROUND, type EquityDecileRow, type EquityResult, type EquityRow } from "./compute.ts";

export interface EquityTableDoc {
  name: string;
  description: string;
  columns: [name: string, type: ColumnType, description: string][];
}

const groupKey: EquityTableDoc["columns"] = [
  ["layer", "VARCHAR", "place (the whole place), partnership (place-based partnership) or lad (borough); as area_deprivation.layer"],
  ["area_code", "VARCHAR", "place id, partnership name or borough (LAD 2024) code; as area_deprivation.area_code"],
];
const roundKey: EquityTableDoc["columns"][number] = ["round_id", "VARCHAR", `funding round id; '${ALL}' = every grant; '${NO_ROUND}' = grants in none of the place's rounds`];
const funderKey: EquityTableDoc["columns"][number] = [
  "funder_type",
  "VARCHAR",
  `NHS, local authority, philanthropy, business, other, not declared; '${ALL}' = all money. Each grant's money in each LSOA is split in the proportions of its grant_funder_type rows`,
];

export const equityTables: EquityTableDoc[] = [
  {
    name: "equity",
    description: `Equity of spend: one row per area × round × funder type, over the grant money placed in the place's LSOAs (grant_lsoa), by national IMD 2025 decile (1 = most deprived 10% in England). Recomputed after every grants ingest. ${EQUITY_CI_NOTE}`,
    columns: [
      ...groupKey,
      ["area_name", "VARCHAR", "area name"],
      roundKey,
      ["round_name", "VARCHAR", "round name (from the place configuration)"],
      ["round_seq", "INTEGER", "order of the round in the configuration (0 = first); NULL for (all) and (no round)"],
      ["synthetic", "BOOLEAN", "the round is a synthetic demo round (for (all): any round is)"],
      funderKey,
      ["grants", "INTEGER", "grants with money placed in the area under this round and funder type"],
      ["lsoas", "INTEGER", "LSOAs in the area"],
      ["population", "DOUBLE", "residents (Census 2021) in LSOAs with an IMD decile"],
      ["spend", "DOUBLE", "£ placed in the area's LSOAs that have an IMD decile"],
      ["spend_per_head", "DOUBLE", "spend / population, £"],
      ["unranked_spend", "DOUBLE", "£ placed in LSOAs with no IMD 2025 decile (left out of every statistic; expected 0)"],
      ["core20_spend", "DOUBLE", "£ placed in national IMD deciles 1–2 (Core20)"],
      ["core20_population", "DOUBLE", "residents in national IMD deciles 1–2"],
      ["core20_spend_share", "DOUBLE", "core20_spend / spend (0–1); NULL with no spend"],
      ["core20_population_share", "DOUBLE", "core20_population / population (0–1)"],
      ["core20_ratio", "DOUBLE", "core20_spend_share / core20_population_share; > 1 = Core20 neighbourhoods got more than their population share"],
      ["concentration_index", "DOUBLE", "grouped concentration index over the ten deciles, ranked from the most deprived: −1…+1, negative = spend concentrated in deprived neighbourhoods"],
      ["sii", "DOUBLE", "slope index of inequality (PHEindicatormethods phe_sii): fitted £ per head at the least deprived end minus the most deprived end; negative = more per head in deprived neighbourhoods. NULL with no spend"],
      ["rii", "DOUBLE", "relative index of inequality (phe_sii): (intercept + slope) / intercept; < 1 = more per head in deprived neighbourhoods; not meaningful when the fitted line crosses £0"],
      ["sii_intercept", "DOUBLE", "fitted £ per head at the most deprived end (relative rank 0)"],
      ["headline", "VARCHAR", "plain-English Core20 sentence"],
      ["previous_round_id", "VARCHAR", "the round before this one (configuration order) with money, for the changes below"],
      ["core20_spend_share_change", "DOUBLE", "core20_spend_share minus the previous round's (a difference of shares: × 100 for percentage points)"],
      ["concentration_index_change", "DOUBLE", "concentration_index minus the previous round's (negative = more concentrated in deprived neighbourhoods than before)"],
      ["sii_change", "DOUBLE", "sii minus the previous round's, £ per head"],
      ["spend_per_head_change", "DOUBLE", "spend_per_head minus the previous round's, £"],
      ["imd_average_score", "DOUBLE", "context: the area's IMD 2025 average score (area_deprivation)"],
      ["imd_average_rank", "DOUBLE", "context: population-weighted average of reversed LSOA ranks (higher = more deprived)"],
      ["imd_proportion_most_deprived_10", "DOUBLE", "context: share of the area's LSOAs in the most deprived 10% nationally"],
      ["imd_extent", "DOUBLE", "context: IMD extent (population in the most deprived 30%, weighted)"],
      ["imd_local_concentration", "DOUBLE", "context: IMD local concentration"],
    ],
  },
  {
    name: "equity_decile",
    description:
      "Equity of spend by national IMD 2025 decile: ten rows per row of `equity` (deciles with no LSOAs in the area have zero residents). The concentration curve is (0,0) followed by (cum_population_share, cum_spend_share) for deciles 1–10.",
    columns: [
      ...groupKey,
      roundKey,
      funderKey,
      ["decile", "INTEGER", "national IMD 2025 decile, 1 = most deprived 10% of LSOAs in England, 10 = least deprived"],
      ["lsoas", "INTEGER", "the area's LSOAs in this decile"],
      ["population", "DOUBLE", "residents (Census 2021)"],
      ["grants", "INTEGER", "grants with money here"],
      ["spend", "DOUBLE", "£ placed here"],
      ["spend_per_head", "DOUBLE", "spend / population, £; NULL when the decile has no residents in the area"],
      ["share_of_spend", "DOUBLE", "share of the group's spend (0–1)"],
      ["share_of_population", "DOUBLE", "share of the group's residents (0–1)"],
      ["cum_population_share", "DOUBLE", "cumulative share of residents, deciles 1 up to this one"],
      ["cum_spend_share", "DOUBLE", "cumulative share of spend, deciles 1 up to this one"],
    ],
  },
];

function spec(doc: EquityTableDoc): TableSpec {
  return { name: doc.name, columns: doc.columns.map(([n, t]) => [n, t]) };
}

/** (Re)create `equity` and `equity_decile` in db, documented with comments, from computed rows. */
export async function writeEquityTables(db: Db, result: Pick<EquityResult, "rows" | "deciles">): Promise<void> {
  const [groups, deciles] = equityTables;
  await createTable(db, spec(groups));
  await appendRows(db, spec(groups), result.rows.map((r) => groups.columns.map(([c]) => r[c as keyof EquityRow])));
  await createTable(db, spec(deciles));
  await appendRows(db, spec(deciles), result.deciles.map((r) => deciles.columns.map(([c]) => r[c as keyof EquityDecileRow])));
  for (const t of equityTables) {
    await db.run(`COMMENT ON TABLE ${ident(t.name)} IS ${literal(t.description)}`);
    for (const [c, , d] of t.columns) await db.run(`COMMENT ON COLUMN ${ident(t.name)}.${ident(c)} IS ${literal(d)}`);
  }
}
