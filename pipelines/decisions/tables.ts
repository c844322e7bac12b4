// The decision tables (`decision`, `decision_weight`, `decision_allocation`, `decision_equity`): columns and descriptions stored as DuckDB comments, so later stages can compare awards with what was agreed.
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { createTable, type ColumnType } from "../kit/table.ts";

export interface DecisionTableDoc {
  name: string;
  description: string;
  columns: [name: string, type: ColumnType, description: string][];
}

const id: DecisionTableDoc["columns"][number] = ["decision_id", "VARCHAR", "the record's id: place id, workshop date and the first 12 hex digits of the file's sha256"];

export const decisionTables: DecisionTableDoc[] = [
  {
    name: "decision",
    description: "One row per decision record exported from the Workshop page and read back with `chest ingest decisions`: what was agreed, when, on which data.",
    columns: [
      id,
      ["source_file", "VARCHAR", "the file as the user named it"],
      ["place_id", "VARCHAR", "place id in the record (must be this database's place)"],
      ["workshop_date", "VARCHAR", "the workshop's date, yyyy-mm-dd"],
      ["exported_at", "VARCHAR", "when the page exported the record (ISO 8601)"],
      ["title", "VARCHAR", "the scenario's name"],
      ["synthetic", "BOOLEAN", "the record was made on synthetic demo data"],
      ["pot", "BIGINT", "the pot in whole pounds; the allocation adds up to it exactly"],
      ["alpha", "DOUBLE", "universal share α (0–1) of proportionate universalism"],
      ["unit", "INTEGER", "rounding unit, £"],
      ["layer", "VARCHAR", "areas the pot was split between: lsoa, msoa, ward, pcn, lad, partnership or neighbourhood (custom)"],
      ["standardisation", "VARCHAR", "how need components were standardised (need-index engine method)"],
      ["group_method", "VARCHAR", "median or mean of the partners' weights"],
      ["pace_of_change", "DOUBLE", "gap-led pace of change towards the need target (0–1); NULL = no gap-led adjustment"],
      ["floor", "DOUBLE", "common floor per area, £ (NULL = none)"],
      ["cap", "DOUBLE", "common cap per area, £ (NULL = none)"],
      ["bounds_json", "VARCHAR", "per-area floors and caps, JSON"],
      ["iod_vintage", "VARCHAR", "Indices of Deprivation edition and file the need rested on"],
      ["referral_period", "VARCHAR", "referral months the data covered, if any"],
      ["ledger_files", "VARCHAR", "grant ledger files loaded at the time, separated by '; '"],
      ["partners", "INTEGER", "number of partners whose weights were recorded"],
      ["proposal_core20_spend_share", "DOUBLE", "share of the pot reaching national IMD deciles 1–2 (Core20)"],
      ["proposal_concentration_index", "DOUBLE", "concentration index of the proposal (negative = towards deprived areas)"],
      ["last_round", "VARCHAR", "the round the proposal was compared with"],
      ["last_round_core20_spend_share", "DOUBLE", "Core20 share of that round's actual spend"],
      ["last_round_concentration_index", "DOUBLE", "concentration index of that round's actual spend"],
      ["url_state", "VARCHAR", "the Workshop page's URL fragment that reopens the scenario exactly"],
      ["rationale", "VARCHAR", "the rationale typed in the workshop"],
      ["notes", "VARCHAR", "notes the allocation made (fallbacks, leftover after rounding), separated by ' | '"],
    ],
  },
  {
    name: "decision_weight",
    description: "Every partner's weight per need component and theme in each decision record, and the group's ('(group)').",
    columns: [
      id,
      ["partner", "VARCHAR", "partner label as typed in the workshop; '(group)' for the group weights"],
      ["seq", "INTEGER", "partner order in the record (0 = group)"],
      ["weight_key", "VARCHAR", "need component key (record version 2: the need stage's, e.g. income_rank, 50 = as configured; version 1: an IoD domain such as income) or theme key ('theme:<need>')"],
      ["weight_label", "VARCHAR", "what the slider was called"],
      ["weight", "DOUBLE", "the weight, 0–100"],
    ],
  },
  {
    name: "decision_allocation",
    description: "The agreed allocation: one row per area per decision record, with the reasons, so awards can be compared with what was agreed.",
    columns: [
      id,
      ["area_code", "VARCHAR", "area code at the record's layer (LSOA, MSOA, ward, LAD code or partnership name)"],
      ["area_name", "VARCHAR", "area name"],
      ["population", "DOUBLE", "residents (Census 2021)"],
      ["need_score", "DOUBLE", "need index score under the group's weights (higher = more need)"],
      ["need_rank", "INTEGER", "need rank among the areas (1 = most need)"],
      ["amount", "DOUBLE", "agreed amount, £"],
      ["share", "DOUBLE", "share of the pot"],
      ["per_head_part", "DOUBLE", "£ from the per-head (universal) part"],
      ["need_part", "DOUBLE", "£ from the need part"],
      ["gap_adjustment", "DOUBLE", "£ added or removed by the gap-led pace of change"],
      ["bound", "VARCHAR", "floor or cap when the area was held at one, else NULL"],
      ["reasons", "VARCHAR", "the reasons shown in the workshop, in words"],
      ["themes_json", "VARCHAR", "each theme's part of the amount, JSON (NULL without a theme split)"],
    ],
  },
  {
    name: "decision_equity",
    description: "The equity preview in each decision record: spend per head by national IMD decile (1 = most deprived 10% in England) for the proposal and for the last round's actual spend.",
    columns: [
      id,
      ["basis", "VARCHAR", "'proposal' (the agreed allocation) or 'last_round' (that round's actual spend)"],
      ["decile", "INTEGER", "national IMD 2025 decile, 1 = most deprived"],
      ["population", "DOUBLE", "residents of the place in the decile"],
      ["spend", "DOUBLE", "£ in the decile"],
      ["spend_per_head", "DOUBLE", "£ per resident"],
    ],
  },
];

/** (Re)create the decision tables, empty, with their comments. */
export async function createDecisionTables(db: Db): Promise<void> {
  for (const t of decisionTables) {
    await createTable(db, { name: t.name, columns: t.columns.map(([n, ty]) => [n, ty]) });
    await db.run(`COMMENT ON TABLE ${ident(t.name)} IS ${literal(t.description)}`);
    for (const [c, , d] of t.columns) await db.run(`COMMENT ON COLUMN ${ident(t.name)}.${ident(c)} IS ${literal(d)}`);
  }
}

export const tableSpec = (name: string) => {
  const t = decisionTables.find((x) => x.name === name)!;
  return { name: t.name, columns: t.columns.map(([n, ty]) => [n, ty] as [string, ColumnType]) };
};
