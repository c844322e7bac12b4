// Validating the two small files that come with a round (pure): panel scores (member, application, criterion, score) and votes (voter, application, points or approval), with row-level rejects.
//
// Panel members and voters are named however the chest likes ("Panel member 2", an applicant's reference); a
// cell holding an email, phone number or titled name is refused and withheld, as in the applications file.
// Votes carry either a points column (a number 0 or more; 0 means no support) or an approval column (1/0,
// yes/no, true/false, y/n, x or blank); a vote for an application that is not in the round, a second vote by the
// same voter for the same application, or a second score by the same member for the same application and
// criterion is rejected, naming the line that came first.
import type { PbVote } from "../../src/lib/participatory.ts";
import type { PanelScore } from "../../src/lib/panel.ts";
import { normaliseHeader } from "../referrals/vocabulary.ts";
import { applicationIdentifierColumn, applicationIdentifierInValue } from "./identifiers.ts";
import { HeaderProblem, refuseRagged, WITHHELD, type Reject, type RowInput } from "./validate.ts";

interface Spec<K extends string> {
  key: K;
  titles: string[];
  required: boolean;
}

function layoutOf<K extends string>(titles: readonly string[], specs: readonly Spec<K>[], what: string): Partial<Record<K, number>> {
  const personal = titles.filter((t) => applicationIdentifierColumn(t) && !specs.some((s) => s.titles.includes(normaliseHeader(t))));
  if (personal.length) throw new HeaderProblem(`refused: ${personal.map((t) => `column "${t.trim()}"`).join(", ")} would hold details of people; remove it and ingest the ${what} again`);
  const columns: Partial<Record<K, number>> = {};
  titles.forEach((t, i) => {
    const spec = specs.find((s) => s.titles.includes(normaliseHeader(t)));
    if (!spec) return;
    if (columns[spec.key] !== undefined) throw new HeaderProblem(`two columns mean ${spec.key}: keep one`);
    columns[spec.key] = i;
  });
  const missing = specs.filter((s) => s.required && columns[s.key] === undefined).map((s) => s.titles[0]);
  if (missing.length) throw new HeaderProblem(`the ${what} needs column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  return columns;
}

/** Rows with an identifier in any cell are refused whole (value withheld); returns false for them. */
function refuseIdentifiers(titles: readonly string[], r: RowInput, rejects: Reject[]): boolean {
  const found = r.fields.map((c, i) => ({ i, what: applicationIdentifierInValue(c) })).filter((x) => x.what);
  for (const f of found) rejects.push({ line: r.row, column: (titles[f.i] ?? "").trim(), value: WITHHELD, reason: `${f.what}: the row is refused and nothing from it is stored` });
  return found.length === 0;
}

/** What one file shape's own check of a row is given: the cell for a column, and a way to reject the row on a column. */
interface RowCheck<K extends string> {
  get: (k: K) => string;
  bad: (k: K, reason: string) => void;
}

interface FileShape<K extends string, T> {
  what: string;
  specs: readonly Spec<K>[];
  /** The columns that together may appear once (the first occurrence is named when a later row repeats it). */
  once: { keys: readonly K[]; column: K; reason: (line: number) => string; fold?: (k: K, v: string) => string };
  /** The shape's own checks of a row; returns the record to keep (used only when the row has no problems). */
  check: (row: RowCheck<K>) => T;
}

/**
 * The one row loop both files share: header layout (refusing people's-details columns), blank rows skipped, rows
 * holding an identifier refused whole, the application checked against the round, the shape's own checks, and a
 * repeat of what may appear once rejected naming the line that came first.
 */
function validateRows<K extends "application" | string, T>(
  titles: readonly string[],
  rows: readonly RowInput[],
  applications: ReadonlySet<string>,
  shape: FileShape<K, T>,
  columns: Partial<Record<K, number>> = layoutOf(titles, shape.specs, shape.what),
): { accepted: T[]; rejects: Reject[] } {
  const accepted: T[] = [];
  const rejects: Reject[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.fields.every((c) => c.trim() === "") || !refuseRagged(r, rejects) || !refuseIdentifiers(titles, r, rejects)) continue;
    const get = (k: K) => (columns[k] === undefined ? "" : (r.fields[columns[k]!] ?? "").trim());
    const bad = (k: K, reason: string) => rejects.push({ line: r.row, column: titles[columns[k]!].trim(), value: get(k).slice(0, 80), reason });
    const before = rejects.length;
    const app = "application" as K;
    for (const s of shape.specs) if (s.required && s.key !== app && get(s.key) === "") bad(s.key, `${s.key} is required`);
    if (get(app) === "") bad(app, "application is required");
    else if (!applications.has(get(app))) bad(app, "not an application in this round");
    const record = shape.check({ get, bad });
    const fold = shape.once.fold ?? ((_k: K, v: string) => v);
    const key = shape.once.keys.map((k) => fold(k, get(k))).join("\u0000");
    if (seen.has(key)) bad(shape.once.column, shape.once.reason(seen.get(key)!));
    else seen.set(key, r.row);
    if (rejects.length === before) accepted.push(record);
  }
  return { accepted, rejects };
}

const PANEL: Spec<"member" | "application" | "criterion" | "score">[] = [
  { key: "member", titles: ["member", "panel_member", "assessor"], required: true },
  { key: "application", titles: ["application", "identifier", "application_id"], required: true },
  { key: "criterion", titles: ["criterion", "criteria", "question"], required: true },
  { key: "score", titles: ["score", "mark"], required: true },
];

/** A number as people write one in a score or points cell (digits, maybe a decimal part), or NaN: "0x3", "1e9" and "Infinity" are not read as numbers. */
function plainNumber(text: string): number {
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

/** The panel's scale when a file does not say otherwise. */
export const PANEL_SCALE = Object.freeze({ min: 1, max: 5 });

/** Panel scores: each on the scale, each member once per application and criterion, for applications in the round. */
export function validatePanelScores(
  titles: readonly string[],
  rows: readonly RowInput[],
  applications: ReadonlySet<string>,
  scale: { min: number; max: number } = PANEL_SCALE,
): { accepted: PanelScore[]; rejects: Reject[] } {
  return validateRows(titles, rows, applications, {
    what: "panel scores file",
    specs: PANEL,
    once: {
      keys: ["member", "application", "criterion"],
      column: "member",
      fold: (k, v) => (k === "criterion" ? v.toLowerCase() : v),
      reason: (line) => `this member already scored this application on this criterion on line ${line}`,
    },
    check: ({ get, bad }) => {
      const score = plainNumber(get("score"));
      // An empty score is already rejected as required.
      if (get("score") !== "" && !(score >= scale.min && score <= scale.max)) bad("score", `not a score from ${scale.min} to ${scale.max}`);
      return { member: get("member"), application: get("application"), criterion: get("criterion"), score };
    },
  });
}

const VOTES: Spec<"voter" | "application" | "points" | "approval">[] = [
  { key: "voter", titles: ["voter", "voter_id", "ballot"], required: true },
  { key: "application", titles: ["application", "identifier", "application_id", "project"], required: true },
  { key: "points", titles: ["points", "score"], required: false },
  { key: "approval", titles: ["approval", "approve", "approved", "vote"], required: false },
];

const YES = new Set(["1", "yes", "y", "true", "x", "✓"]);
const NO = new Set(["0", "no", "n", "false", ""]);

/** Votes: points (0 or more) or approval (yes/no); one vote per voter and application; applications in the round only. */
export function validateVotes(titles: readonly string[], rows: readonly RowInput[], applications: ReadonlySet<string>): { accepted: PbVote[]; rejects: Reject[]; kind: "points" | "approval" } {
  const columns = layoutOf(titles, VOTES, "votes file");
  if ((columns.points === undefined) === (columns.approval === undefined)) throw new HeaderProblem(`the votes file needs exactly one of the columns points or approval`);
  const kind = columns.points !== undefined ? "points" : "approval";
  const result = validateRows(
    titles,
    rows,
    applications,
    {
      what: "votes file",
      specs: VOTES,
      once: { keys: ["voter", "application"], column: "voter", reason: (line) => `this voter already voted for this application on line ${line}` },
      check: ({ get, bad }): PbVote => {
        let points = 0;
        if (kind === "points") {
          points = plainNumber(get("points"));
          if (!(points >= 0)) bad("points", "not a number of points, 0 or more");
        } else {
          const v = get("approval").toLowerCase();
          if (YES.has(v)) points = 1;
          else if (!NO.has(v)) bad("approval", "not an approval: write 1 or 0, yes or no");
        }
        // Applicants voting on each other's pitches are named by their own application's Identifier: never their own.
        if (get("voter") !== "" && get("voter") === get("application")) bad("voter", "an applicant cannot vote for its own application");
        // A vote of 0 is kept: the voter still counts among those the pot is shared between under Equal Shares.
        return kind === "points" || points === 0 ? { voter: get("voter"), project: get("application"), points } : { voter: get("voter"), project: get("application") };
      },
    },
    columns,
  );
  return { ...result, kind };
}
