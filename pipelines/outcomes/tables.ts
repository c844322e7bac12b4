// The outcome tables the stage writes, each column described (also stored as DuckDB comments for the data dictionary).
import type { Db } from "../db/connection.ts";
import { createTable, type ColumnType, type TableDecl } from "../kit/table.ts";

export interface OutcomeTable extends TableDecl {
  description: string;
  columns: [name: string, type: ColumnType, description: string][];
}

const item = (i: number): [string, "INTEGER", string] => [`swemwbs_${i}`, "INTEGER", `SWEMWBS item ${i} (1–5), NULL when only a total was given`];

export const outcomeTables: OutcomeTable[] = [
  {
    name: "outcome_grant",
    description: "Each ingested grant as the monitoring returns see it: round, theme, main borough, and the quarters it runs.",
    columns: [
      ["grant_id", "VARCHAR", "360Giving identifier"],
      ["round_id", "VARCHAR", "the place's funding round, or NULL"],
      ["recipient_id", "VARCHAR", "recipient organisation identifier"],
      ["recipient_name", "VARCHAR", "recipient organisation ('Individual recipient' for grants to individuals)"],
      ["theme", "VARCHAR", "first theme (Classifications) of the grant, or 'unclassified'"],
      ["lad_code", "VARCHAR", "borough most of the grant's money went to (else the recipient's borough)"],
      ["lad_name", "VARCHAR", "that borough's name"],
      ["start_date", "DATE", "planned start (else award date)"],
      ["end_date", "DATE", "planned end (else start + planned months, else start + 12 months)"],
    ],
  },
  {
    name: "outcome_round",
    description: "The place's funding rounds as the Outcomes page needs them: name, reach target, synthetic label.",
    columns: [
      ["round_id", "VARCHAR", "round id (place file)"],
      ["name", "VARCHAR", "round name"],
      ["target_residents", "INTEGER", "residents the round aims to reach (place file targetResidents), or NULL"],
      ["synthetic", "BOOLEAN", "a synthetic demo round"],
    ],
  },
  {
    name: "outcome_return",
    description: "One accepted monitoring return per grant and quarter: sessions delivered and when it was sent.",
    columns: [
      ["file", "VARCHAR", "file it came from (as named by the user)"],
      ["line", "INTEGER", "row in the file or sheet (header = 1)"],
      ["grant_id", "VARCHAR", "grant"],
      ["period", "VARCHAR", "calendar quarter yyyy-Qn"],
      ["sessions", "INTEGER", "sessions delivered in the quarter"],
      ["submitted_on", "DATE", "date the return was sent, if given"],
    ],
  },
  {
    name: "outcome_reach",
    description: "Residents reached per grant, quarter, borough and age band, as returned (before disclosure control: never publish directly).",
    columns: [
      ["file", "VARCHAR", "file"],
      ["line", "INTEGER", "row"],
      ["grant_id", "VARCHAR", "grant"],
      ["period", "VARCHAR", "quarter yyyy-Qn"],
      ["lad_code", "VARCHAR", "borough the residents live in"],
      ["age_band", "VARCHAR", "0-15, 16-24, 25-34, 35-49, 50-64, 65+, unknown"],
      ["residents", "INTEGER", "residents reached"],
    ],
  },
  {
    name: "outcome_response",
    description: "One accepted questionnaire per participant and stage (before/after), under a pseudonymous code; unpaired answers are kept. Never publish directly.",
    columns: [
      ["file", "VARCHAR", "file"],
      ["line", "INTEGER", "row"],
      ["grant_id", "VARCHAR", "grant"],
      ["period", "VARCHAR", "quarter yyyy-Qn"],
      ["participant_code", "VARCHAR", "the group's pseudonymous code (checked not to be a name, NHS number, email, phone, postcode or date)"],
      ["stage", "VARCHAR", "before or after"],
      item(1), item(2), item(3), item(4), item(5), item(6), item(7),
      ["swemwbs_raw", "INTEGER", "SWEMWBS raw total 7–35"],
      ["swemwbs_metric", "DOUBLE", "SWEMWBS metric score (Warwick conversion table)"],
      ["ons_life_satisfaction", "INTEGER", "ONS4 life satisfaction 0–10"],
      ["ons_worthwhile", "INTEGER", "ONS4 worthwhile 0–10"],
      ["ons_happiness", "INTEGER", "ONS4 happiness yesterday 0–10"],
      ["ons_anxiety", "INTEGER", "ONS4 anxiety yesterday 0–10"],
      ["gp_otherwise", "VARCHAR", "'without this activity I would have gone to my GP': yes, no, unsure"],
    ],
  },
  {
    name: "outcome_pair",
    description: "Each participant with answers before and after (same grant and code): the paired change. Never publish directly.",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["participant_code", "VARCHAR", "pseudonymous code"],
      ["before_metric", "DOUBLE", "SWEMWBS metric before (NULL when not given)"],
      ["after_metric", "DOUBLE", "SWEMWBS metric after"],
      ["change", "DOUBLE", "after − before, metric points (NULL unless both)"],
      ["improved", "BOOLEAN", "change ≥ 3 metric points (Shah et al. 2018)"],
      ["ons_life_satisfaction_change", "INTEGER", "ONS4 after − before"],
      ["ons_worthwhile_change", "INTEGER", "ONS4 after − before"],
      ["ons_happiness_change", "INTEGER", "ONS4 after − before"],
      ["ons_anxiety_change", "INTEGER", "ONS4 after − before (negative = less anxious)"],
    ],
  },
  {
    name: "outcome_unpaired",
    description: "Participants with answers at one stage only: reported, kept in outcome_response, left out of paired change.",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["participant_code", "VARCHAR", "pseudonymous code"],
      ["has_stage", "VARCHAR", "the stage that is there: before or after"],
      ["file", "VARCHAR", "file"],
      ["line", "INTEGER", "row"],
    ],
  },
  {
    name: "outcome_due",
    description: "Completeness: each quarter of each grant, when its return is due and whether it arrived.",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["round_id", "VARCHAR", "round"],
      ["recipient_name", "VARCHAR", "recipient organisation"],
      ["period", "VARCHAR", "quarter yyyy-Qn"],
      ["due_on", "DATE", "last day of the month after the quarter"],
      ["status", "VARCHAR", "on time, late, arrived (no date), missing (due date passed), awaited (quarter over, not yet due), not yet due"],
      ["submitted_on", "DATE", "date sent, when given"],
      ["sessions", "INTEGER", "sessions delivered, when returned"],
    ],
  },
  {
    name: "outcome_reject",
    description: "Every problem found in monitoring returns: file, sheet, row, column, value (withheld where it holds an identifier) and reason.",
    columns: [
      ["file", "VARCHAR", "file"],
      ["sheet", "VARCHAR", "sheet (XLSX) or part (CSV)"],
      ["line", "INTEGER", "row (header = 1)"],
      ["column", "VARCHAR", "column"],
      ["value", "VARCHAR", "value, or '(withheld)'"],
      ["reason", "VARCHAR", "why"],
    ],
  },
  {
    name: "outcome_file",
    description: "Each ingested return file: rows read, accepted and rejected.",
    columns: [
      ["file", "VARCHAR", "file"],
      ["parts", "VARCHAR", "parts found: returns, reach, participants"],
      ["rows", "INTEGER", "rows read"],
      ["accepted", "INTEGER", "rows stored"],
      ["rejected_rows", "INTEGER", "rows rejected"],
      ["identifier_rows", "INTEGER", "rows refused for holding identifiers (values withheld)"],
    ],
  },
];

/** A table's columns for staging through the appender (dates as text, cast by DuckDB on the way in). */
export function spec(name: string): TableDecl {
  const t = outcomeTables.find((x) => x.name === name)!;
  return { name, columns: t.columns.map(([n, type]) => [n, type === "DATE" ? "VARCHAR" : type]) };
}

/** Create every outcome table (dropping earlier versions) with its comments, through the kit. */
export async function createOutcomeTables(db: Db): Promise<void> {
  for (const t of outcomeTables) await createTable(db, t);
}
