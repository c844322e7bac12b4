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
import { HeaderProblem, WITHHELD, type Reject, type RowInput } from "./validate.ts";

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

const PANEL: Spec<"member" | "application" | "criterion" | "score">[] = [
  { key: "member", titles: ["member", "panel_member", "assessor"], required: true },
  { key: "application", titles: ["application", "identifier", "application_id"], required: true },
  { key: "criterion", titles: ["criterion", "criteria", "question"], required: true },
  { key: "score", titles: ["score", "mark"], required: true },
];

/** Panel scores: each on the scale, each member once per application and criterion, for applications in the round. */
export function validatePanelScores(
  titles: readonly string[],
  rows: readonly RowInput[],
  applications: ReadonlySet<string>,
  scale: { min: number; max: number },
): { accepted: PanelScore[]; rejects: Reject[] } {
  const col = layoutOf(titles, PANEL, "panel scores file");
  const accepted: PanelScore[] = [];
  const rejects: Reject[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.fields.every((c) => c.trim() === "") || !refuseIdentifiers(titles, r, rejects)) continue;
    const get = (k: keyof typeof col) => (r.fields[col[k]!] ?? "").trim();
    const bad = (k: keyof typeof col, reason: string) => rejects.push({ line: r.row, column: titles[col[k]!].trim(), value: get(k).slice(0, 80), reason });
    const before = rejects.length;
    for (const k of ["member", "application", "criterion"] as const) if (get(k) === "") bad(k, `${k} is required`);
    if (get("application") !== "" && !applications.has(get("application"))) bad("application", "not an application in this round");
    const score = Number(get("score"));
    if (get("score") === "" || !Number.isFinite(score) || score < scale.min || score > scale.max) bad("score", `not a score from ${scale.min} to ${scale.max}`);
    const key = [get("member"), get("application"), get("criterion").toLowerCase()].join("\u0000");
    if (seen.has(key)) bad("member", `this member already scored this application on this criterion on line ${seen.get(key)}`);
    else seen.set(key, r.row);
    if (rejects.length === before) accepted.push({ member: get("member"), application: get("application"), criterion: get("criterion"), score });
  }
  return { accepted, rejects };
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
  const col = layoutOf(titles, VOTES, "votes file");
  if ((col.points === undefined) === (col.approval === undefined)) throw new HeaderProblem(`the votes file needs exactly one of the columns points or approval`);
  const kind = col.points !== undefined ? "points" : "approval";
  const accepted: PbVote[] = [];
  const rejects: Reject[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.fields.every((c) => c.trim() === "") || !refuseIdentifiers(titles, r, rejects)) continue;
    const get = (k: keyof typeof col) => (r.fields[col[k]!] ?? "").trim();
    const bad = (k: keyof typeof col, reason: string) => rejects.push({ line: r.row, column: titles[col[k]!].trim(), value: get(k).slice(0, 80), reason });
    const before = rejects.length;
    if (get("voter") === "") bad("voter", "voter is required");
    if (get("application") === "") bad("application", "application is required");
    else if (!applications.has(get("application"))) bad("application", "not an application in this round");
    let points = 0;
    if (kind === "points") {
      points = Number(get("points"));
      if (get("points") === "" || !Number.isFinite(points) || points < 0) bad("points", "not a number of points, 0 or more");
    } else {
      const v = get("approval").toLowerCase();
      if (YES.has(v)) points = 1;
      else if (!NO.has(v)) bad("approval", "not an approval: write 1 or 0, yes or no");
    }
    // Applicants voting on each other's pitches are named by their own application's Identifier: never their own.
    if (get("voter") !== "" && get("voter") === get("application")) bad("voter", "an applicant cannot vote for its own application");
    const key = `${get("voter")}\u0000${get("application")}`;
    if (seen.has(key)) bad("voter", `this voter already voted for this application on line ${seen.get(key)}`);
    else seen.set(key, r.row);
    // A vote of 0 is kept: the voter still counts among those the pot is shared between under Equal Shares.
    if (rejects.length === before) accepted.push(kind === "points" || points === 0 ? { voter: get("voter"), project: get("application"), points } : { voter: get("voter"), project: get("application") });
  }
  return { accepted, rejects, kind };
}
