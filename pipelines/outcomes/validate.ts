// Row-level checks of monitoring returns: every problem is named (file, row, column, value, reason); identifiers are refused and never echoed.
import { swemwbsMetric } from "../../src/lib/wellbeing.ts";
import { realCalendarDate } from "../grants/validate.ts";
import { participantCodeProblem, identifierProblem, WITHHELD } from "./codes.ts";
import { ageBands, gpAnswers, onsColumns, parseQuarter, quarterDates, quarterLabel, quartersBetween, swemwbsItems, type SheetKind } from "./format.ts";
import type { ReturnRow } from "./read.ts";

export interface GrantWindow {
  /** First and last day of the grant's activity (planned dates, else award date + 12 months). */
  start: string;
  end: string;
}

export interface CheckContext {
  grants: ReadonlyMap<string, GrantWindow>;
  /** Lower-cased borough name or code → LAD code. */
  boroughs: ReadonlyMap<string, string>;
  /** yyyy-mm-dd: later submission dates are rejected as future. */
  today: string;
}

export interface Reject {
  file: string;
  line: number;
  column: string;
  value: string;
  reason: string;
}

export interface ReturnRecord {
  grant_id: string;
  period: string;
  sessions: number;
  submitted_on: string | null;
}
export interface ReachRecord {
  grant_id: string;
  period: string;
  lad_code: string;
  age_band: string;
  residents: number;
}
export interface ResponseRecord {
  grant_id: string;
  period: string;
  participant_code: string;
  stage: "before" | "after";
  items: number[] | null;
  swemwbs_raw: number | null;
  swemwbs_metric: number | null;
  ons: (number | null)[];
  gp_otherwise: string | null;
}

export type Checked =
  | { kind: "returns"; record: ReturnRecord }
  | { kind: "reach"; record: ReachRecord }
  | { kind: "participants"; record: ResponseRecord };

type Problem = { column: string; value: string; reason: string };

function wholeNumber(v: string, min: number, max: number): number | null {
  if (!/^\d+(\.0+)?$/.test(v.trim())) return null;
  const n = Number(v);
  return n >= min && n <= max ? n : null;
}

const stageWords: Record<string, "before" | "after"> = { before: "before", pre: "before", start: "before", baseline: "before", after: "after", post: "after", end: "after", follow_up: "after" };
const gpWords: Record<string, string> = { yes: "yes", y: "yes", no: "no", n: "no", unsure: "unsure", not_sure: "unsure", "don't_know": "unsure", dont_know: "unsure" };
const ageWords: Record<string, string> = Object.fromEntries(ageBands.map((b) => [b, b]));
Object.assign(ageWords, { "0_15": "0-15", "16_24": "16-24", "25_34": "25-34", "35_49": "35-49", "50_64": "50-64", "65_plus": "65+", "65_and_over": "65+", unknown: "unknown", "not_known": "unknown" });
const word = (v: string) => v.trim().toLowerCase().replace(/[\s-]+/g, "_");

/** Grant and period checks shared by every part. */
function checkGrantPeriod(cells: Record<string, string>, ctx: CheckContext, problems: Problem[]): { grant_id: string; period: string } | null {
  const grantId = cells.grant_id ?? "";
  const periodText = cells.period ?? "";
  const grant = ctx.grants.get(grantId);
  if (!grantId) problems.push({ column: "grant_id", value: "", reason: "missing" });
  else if (!grant) problems.push({ column: "grant_id", value: grantId, reason: "unknown grant id: not among the ingested grants (ingest the grant ledger first)" });
  const q = parseQuarter(periodText);
  if (!q) problems.push({ column: "period", value: periodText, reason: periodText ? "not a quarter: write yyyy-Qn, e.g. 2025-Q1" : "missing" });
  else if (grant) {
    const { start, end } = quarterDates(q);
    if (end < grant.start || start > grant.end) {
      const span = quartersBetween(grant.start, grant.end);
      problems.push({ column: "period", value: periodText, reason: `outside the grant: it runs ${quarterLabel(span[0])} to ${quarterLabel(span[span.length - 1])}` });
    }
  }
  return grant && q ? { grant_id: grantId, period: quarterLabel(q) } : null;
}

function checkReturn(cells: Record<string, string>, ctx: CheckContext, problems: Problem[], key: { grant_id: string; period: string } | null): ReturnRecord | null {
  const sessions = wholeNumber(cells.sessions_delivered ?? "", 0, 100_000);
  if (sessions === null) problems.push({ column: "sessions_delivered", value: cells.sessions_delivered ?? "", reason: "must be a whole number of sessions (0 or more)" });
  let submitted: string | null = null;
  const s = (cells.submitted_on ?? "").trim();
  if (s) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) problems.push({ column: "submitted_on", value: s, reason: "not a date: write yyyy-mm-dd" });
    else if (!realCalendarDate(s)) problems.push({ column: "submitted_on", value: s, reason: "not a real calendar date" });
    else if (s > ctx.today) problems.push({ column: "submitted_on", value: s, reason: `in the future (today is ${ctx.today})` });
    else submitted = s;
  }
  return key && sessions !== null && !problems.length ? { ...key, sessions, submitted_on: submitted } : null;
}

function checkReach(cells: Record<string, string>, ctx: CheckContext, problems: Problem[], key: { grant_id: string; period: string } | null): ReachRecord | null {
  const borough = (cells.borough ?? "").trim();
  const lad = ctx.boroughs.get(borough.toLowerCase());
  if (!lad) problems.push({ column: "borough", value: borough, reason: borough ? "not a borough of the place (give its name or E09… code)" : "missing" });
  const band = ageWords[word(cells.age_band ?? "")];
  if (!band) problems.push({ column: "age_band", value: cells.age_band ?? "", reason: `must be one of ${ageBands.join(", ")}` });
  const residents = wholeNumber(cells.residents ?? "", 0, 1_000_000);
  if (residents === null) problems.push({ column: "residents", value: cells.residents ?? "", reason: "must be a whole number of residents (0 or more)" });
  return key && lad && band && residents !== null && !problems.length ? { ...key, lad_code: lad, age_band: band, residents } : null;
}

function checkResponse(cells: Record<string, string>, problems: Problem[], key: { grant_id: string; period: string } | null): ResponseRecord | null {
  const stage = stageWords[word(cells.stage ?? "")];
  if (!stage) problems.push({ column: "stage", value: cells.stage ?? "", reason: "must be before or after" });
  const given = swemwbsItems.filter((c) => (cells[c] ?? "").trim() !== "");
  let items: number[] | null = null;
  if (given.length > 0 && given.length < 7)
    problems.push({ column: swemwbsItems.find((c) => !given.includes(c))!, value: "", reason: `SWEMWBS needs all seven items (${given.length} of 7 given)` });
  else if (given.length === 7) {
    items = swemwbsItems.map((c) => {
      const v = wholeNumber(cells[c], 1, 5);
      if (v === null) problems.push({ column: c, value: cells[c], reason: "SWEMWBS items are scored 1 to 5" });
      return v ?? 0;
    });
  }
  let raw: number | null = null;
  const totalText = (cells.swemwbs_total ?? "").trim();
  if (totalText) {
    const t = wholeNumber(totalText, 7, 35);
    if (t === null) problems.push({ column: "swemwbs_total", value: totalText, reason: "a SWEMWBS total is a whole number from 7 to 35" });
    else if (items && items.every((v) => v > 0) && items.reduce((a, b) => a + b, 0) !== t)
      problems.push({ column: "swemwbs_total", value: totalText, reason: `does not match the seven items (they add up to ${items.reduce((a, b) => a + b, 0)})` });
    raw = t;
  }
  if (items && raw === null) raw = items.reduce((a, b) => a + b, 0);
  const ons = onsColumns.map((c) => {
    const v = (cells[c] ?? "").trim();
    if (!v) return null;
    const n = wholeNumber(v, 0, 10);
    if (n === null) problems.push({ column: c, value: v, reason: "ONS personal wellbeing answers are whole numbers 0 to 10" });
    return n;
  });
  const gpText = (cells.gp_otherwise ?? "").trim();
  const gp = gpText ? gpWords[word(gpText)] : null;
  if (gpText && !gp) problems.push({ column: "gp_otherwise", value: gpText, reason: `must be ${gpAnswers.join(", ")}` });
  if (raw === null && ons.every((v) => v === null) && !gp && !problems.length)
    problems.push({ column: "swemwbs_1", value: "", reason: "no answers: give SWEMWBS, ONS4 or the GP question" });
  if (!key || !stage || problems.length) return null;
  return {
    ...key,
    participant_code: (cells.participant_code ?? "").trim(),
    stage,
    items,
    swemwbs_raw: raw,
    swemwbs_metric: raw === null ? null : swemwbsMetric(raw),
    ons,
    gp_otherwise: gp ?? null,
  };
}

/**
 * Check one row. Returns the record to store, or the problems (each with its value, or WITHHELD where the value holds
 * an identifier). A row with any identifier is refused whole and none of its values are reported.
 */
export function checkRow(kind: SheetKind, row: ReturnRow, ctx: CheckContext): { ok: Checked } | { problems: Problem[] } {
  if (row.ragged) return { problems: [{ column: "", value: "", reason: row.ragged }] };
  const identifiers: Problem[] = [];
  for (const [column, value] of Object.entries(row.cells)) {
    if (column === "participant_code") continue;
    const what = value && identifierProblem(value);
    if (what) identifiers.push({ column, value: WITHHELD, reason: `${what}: the row is refused and nothing from it is stored` });
  }
  if (kind === "participants") {
    const codeProblem = participantCodeProblem(row.cells.participant_code ?? "");
    if (codeProblem) identifiers.push({ column: "participant_code", value: (row.cells.participant_code ?? "").trim() ? WITHHELD : "", reason: `${codeProblem}; the row is refused and nothing from it is stored` });
  }
  if (identifiers.length) return { problems: identifiers };
  const problems: Problem[] = [];
  const key = checkGrantPeriod(row.cells, ctx, problems);
  const record =
    kind === "returns" ? checkReturn(row.cells, ctx, problems, key) : kind === "reach" ? checkReach(row.cells, ctx, problems, key) : checkResponse(row.cells, problems, key);
  if (problems.length || !record) return { problems: problems.length ? problems : [{ column: "", value: "", reason: "row not read" }] };
  return { ok: { kind, record } as Checked };
}

/** Key that makes a row a duplicate of an earlier one (the earlier is kept). */
export function duplicateKey(c: Checked): string {
  switch (c.kind) {
    case "returns":
      return `returns|${c.record.grant_id}|${c.record.period}`;
    case "reach":
      return `reach|${c.record.grant_id}|${c.record.period}|${c.record.lad_code}|${c.record.age_band}`;
    case "participants":
      return `participants|${c.record.grant_id}|${c.record.participant_code.toUpperCase()}|${c.record.stage}`;
  }
}

export const duplicateReason: Record<SheetKind, string> = {
  returns: "a return for this grant and quarter is already",
  reach: "reach for this grant, quarter, borough and age band is already",
  participants: "this participant's answers at this stage for this grant are already",
};
