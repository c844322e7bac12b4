// `chest template outcomes`: the monitoring return as an XLSX workbook with the round's grants filled in, drop-down lists and a notes sheet.
import { mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import ExcelJS from "exceljs";
import type { Db } from "../db/connection.ts";
import { UsageError } from "../errors.ts";
import type { Place } from "../place/schema.ts";
import { hasTable } from "../db/catalog.ts";
import { ageBands, columns, gpAnswers, quarterLabel, quartersBetween, sheetKinds, stages, swemwbsStatements, type SheetKind } from "./format.ts";
import { sheetTitles } from "./read.ts";
import { grantsForOutcomesSql } from "./stage.ts";

export interface TemplateGrant {
  grant_id: string;
  recipient_name: string;
  start: string;
  end: string;
}

export interface TemplateOptions {
  place: Place;
  /** Only the grants of this round (default: every grant in one of the place's rounds). */
  roundId?: string;
  out: string;
}

/** The grants a template lists. */
export async function templateGrants(db: Db, roundId?: string): Promise<TemplateGrant[]> {
  if (!(await hasTable(db, "grants"))) return [];
  return db.all<TemplateGrant>(
    `SELECT grant_id, recipient_name, strftime(start_date, '%Y-%m-%d') AS start, strftime(end_date, '%Y-%m-%d') AS "end"
     FROM (${grantsForOutcomesSql(await hasTable(db, "grant_lsoa"))})
     WHERE round_id IS NOT NULL AND ($round IS NULL OR round_id = $round) ORDER BY grant_id`,
    { round: roundId ?? null },
  );
}

const ROWS = 500;

type Rule = { type: "list"; range: string } | { type: "whole"; min: number; max: number } | { type: "date" };

function validation(rule: Rule, title: string): ExcelJS.DataValidation {
  const common = { allowBlank: true, showErrorMessage: true, errorStyle: "stop" as const, errorTitle: title };
  if (rule.type === "list") return { ...common, type: "list", formulae: [rule.range], error: `Choose ${title} from the list` };
  if (rule.type === "date") return { ...common, type: "date", operator: "greaterThan", formulae: [new Date(Date.UTC(2010, 0, 1))], error: "Enter a date" };
  return { ...common, type: "whole", operator: "between", formulae: [rule.min, rule.max], error: `Enter a whole number from ${rule.min} to ${rule.max}` };
}

/** The rule for each column that has one. */
function rules(lists: Record<string, string>): Record<string, Rule> {
  const r: Record<string, Rule> = {
    grant_id: { type: "list", range: lists.grant_id },
    period: { type: "list", range: lists.period },
    borough: { type: "list", range: lists.borough },
    age_band: { type: "list", range: lists.age_band },
    stage: { type: "list", range: lists.stage },
    gp_otherwise: { type: "list", range: lists.gp_otherwise },
    sessions_delivered: { type: "whole", min: 0, max: 100000 },
    residents: { type: "whole", min: 0, max: 1000000 },
    swemwbs_total: { type: "whole", min: 7, max: 35 },
    submitted_on: { type: "date" },
  };
  for (let i = 1; i <= 7; i++) r[`swemwbs_${i}`] = { type: "whole", min: 1, max: 5 };
  for (const c of ["ons_life_satisfaction", "ons_worthwhile", "ons_happiness", "ons_anxiety"]) r[c] = { type: "whole", min: 0, max: 10 };
  return r;
}

function notesSheet(wb: ExcelJS.Workbook, place: Place, grants: TemplateGrant[], roundName: string, synthetic: boolean): void {
  const ws = wb.addWorksheet("Notes");
  ws.columns = [{ width: 24 }, { width: 110 }];
  const lines: [string, string][] = [
    ["Monitoring return", `${place.name} Community Chest — ${roundName}`],
    ...(synthetic ? ([["SYNTHETIC", "This round is a synthetic demo: the grants are made up."]] as [string, string][]) : []),
    ["What to send", "One short return per grant each quarter (January–March = Q1 …), by the last day of the following month."],
    ["Returns sheet", "One row per quarter is filled in for each grant: enter the sessions delivered and the date you send it."],
    ["Reach sheet", "Residents reached for the first time that quarter, by the borough they live in and their age band."],
    ["Participants sheet", "Optional. Ask participants the wellbeing questions at their first and last session. Use a code you make up (such as P-014) for each person — never a name, NHS number, email, phone number, postcode or date of birth: rows with those are refused."],
    ["Privacy", "Only totals that pass disclosure control are ever published (counts of 1–7 hidden, others rounded to 5). Participant codes are never published."],
    ["SWEMWBS", "Short Warwick-Edinburgh Mental Wellbeing Scale © NHS Health Scotland, University of Warwick and University of Edinburgh; register (free) to use it. Over the last two weeks: 1 none of the time, 2 rarely, 3 some of the time, 4 often, 5 all of the time."],
    ...swemwbsStatements.map((s, i): [string, string] => [`swemwbs_${i + 1}`, s]),
    ["ONS4", "Office for National Statistics personal wellbeing questions, each answered 0 (not at all) to 10 (completely)."],
    ["Grants in this workbook", String(grants.length)],
    ["", ""],
    ["Column", "What to enter"],
  ];
  for (const kind of sheetKinds) for (const c of columns[kind]) lines.push([`${sheetTitles[kind]}: ${c.name}`, `${c.required ? "(required) " : ""}${c.description}`]);
  ws.addRows(lines);
  ws.getColumn(1).font = { bold: true };
  ws.getColumn(2).alignment = { wrapText: true, vertical: "top" };
}

/** Write the workbook (atomically: a temporary file renamed into place). */
export async function writeTemplate(db: Db, options: TemplateOptions): Promise<{ path: string; grants: number }> {
  const { place, roundId, out } = options;
  const round = roundId ? place.rounds.find((r) => r.id === roundId) : undefined;
  if (roundId && !round) throw new UsageError(`--round ${roundId} is not one of the place's rounds (${place.rounds.map((r) => r.id).join(", ") || "none"})`);
  const grants = await templateGrants(db, roundId);
  const wb = new ExcelJS.Workbook();
  wb.creator = "Chest Atlas";
  wb.created = new Date(Date.UTC(2025, 0, 1));
  notesSheet(wb, place, grants, round?.name ?? "all rounds", round ? round.synthetic : place.rounds.length > 0 && place.rounds.every((r) => r.synthetic));

  // Lists for the drop-downs, on a hidden sheet.
  const periods = [...new Set(grants.flatMap((g) => quartersBetween(g.start, g.end).map(quarterLabel)))].sort();
  const listValues: Record<string, string[]> = {
    grant_id: grants.map((g) => g.grant_id),
    period: periods,
    borough: place.localAuthorities.map((l) => l.name),
    age_band: [...ageBands],
    stage: [...stages],
    gp_otherwise: [...gpAnswers],
  };
  const listSheet = wb.addWorksheet("Lists", { state: "hidden" });
  const ranges: Record<string, string> = {};
  Object.entries(listValues).forEach(([name, values], i) => {
    const col = String.fromCharCode(65 + i);
    listSheet.getCell(`${col}1`).value = name;
    values.forEach((v, k) => (listSheet.getCell(`${col}${k + 2}`).value = v));
    ranges[name] = `Lists!$${col}$2:$${col}$${Math.max(2, values.length + 1)}`;
  });
  const columnRules = rules(ranges);

  const sheets: Record<SheetKind, ExcelJS.Worksheet> = {} as Record<SheetKind, ExcelJS.Worksheet>;
  for (const kind of sheetKinds) {
    const ws = wb.addWorksheet(sheetTitles[kind], { views: [{ state: "frozen", ySplit: 1 }] });
    ws.columns = columns[kind].map((c) => ({ header: c.name, key: c.name, width: Math.max(12, c.name.length + 4) }));
    ws.getRow(1).font = { bold: true };
    columns[kind].forEach((c, i) => {
      const rule = columnRules[c.name];
      if (!rule) return;
      const letter = ws.getColumn(i + 1).letter;
      for (let r = 2; r <= ROWS; r++) ws.getCell(`${letter}${r}`).dataValidation = validation(rule, c.name);
      ws.getCell(`${letter}1`).note = c.description;
    });
    sheets[kind] = ws;
  }
  // The Returns sheet lists every quarter of every grant, so a group fills in two numbers a quarter.
  // (Written by row number: the validated empty rows below the header already exist, so addRow would land after them.)
  let row = 2;
  for (const g of grants)
    for (const q of quartersBetween(g.start, g.end)) {
      sheets.returns.getCell(row, 1).value = g.grant_id;
      sheets.returns.getCell(row++, 2).value = quarterLabel(q);
    }
  const submitted = sheets.returns.getColumn("submitted_on");
  submitted.numFmt = "yyyy-mm-dd";

  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.part-${process.pid}`;
  await wb.xlsx.writeFile(tmp);
  renameSync(tmp, out);
  return { path: out, grants: grants.length };
}
