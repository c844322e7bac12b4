// The Grants page's ledger in the browser: filter options, filtering by round, borough, programme and funder type, and the CSV of the rows shown.
import { csvCell } from "./csv.js";
import { formatDate } from "./format.js";

/** One ledger row as the page receives it (pipelines/grants/publish.ts grantLedger; individuals are never named). */
export interface LedgerRow {
  grant_id: string;
  award_date: string | null;
  title: string | null;
  recipient: string | null;
  recipient_id: string | null;
  recipient_type: string | null;
  amount: number;
  in_place: number;
  programme: string | null;
  round_id: string | null;
  round_name: string | null;
  synthetic: boolean | null;
  boroughs: string | null;
  partnerships: string | null;
  based_in: string | null;
  location_method: string | null;
  location: string | null;
  themes: string | null;
  funder_types: string | null;
}

/** The ledger's filters; "" (or undefined) means any. */
export interface LedgerFilter {
  round?: string;
  borough?: string;
  programme?: string;
  funderType?: string;
}

/** The round of a row as a filter value: its id, or this for grants outside every round. */
export const NO_ROUND = "(no round)";

/** "Hackney; Newham" → ["Hackney", "Newham"]. */
export function splitList(text: string | null | undefined): string[] {
  return text ? text.split("; ").map((s) => s.trim()).filter(Boolean) : [];
}

/** "NHS 50%; local authority 26%" → ["NHS", "local authority"]. */
export function funderTypesOf(row: Pick<LedgerRow, "funder_types">): string[] {
  return splitList(row.funder_types).map((s) => s.replace(/\s+\d+%$/, ""));
}

export function filterLedger<T extends LedgerRow>(rows: readonly T[], filter: LedgerFilter): T[] {
  return rows.filter(
    (r) =>
      (!filter.round || (r.round_id ?? NO_ROUND) === filter.round) &&
      (!filter.borough || splitList(r.boroughs).includes(filter.borough)) &&
      (!filter.programme || r.programme === filter.programme) &&
      (!filter.funderType || funderTypesOf(r).includes(filter.funderType)),
  );
}

/** The choices each filter offers, from the rows themselves: [label, value] pairs, "All …" first. */
export function ledgerOptions(rows: readonly LedgerRow[], localAuthorities = "local authorities") {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b, "en-GB"));
  const rounds = new Map<string, string>();
  for (const r of [...rows].sort((a, b) => (a.award_date ?? "").localeCompare(b.award_date ?? ""))) {
    const id = r.round_id ?? NO_ROUND;
    if (!rounds.has(id)) rounds.set(id, r.round_id ? (r.round_name ?? r.round_id) : "Not in any round");
  }
  return {
    round: [["All rounds", ""], ...[...rounds].map(([id, name]) => [name, id])] as [string, string][],
    borough: [[`All ${localAuthorities}`, ""], ...sorted(rows.flatMap((r) => splitList(r.boroughs))).map((b) => [b, b])] as [string, string][],
    programme: [["All programmes", ""], ...sorted(rows.flatMap((r) => (r.programme ? [r.programme] : []))).map((p) => [p, p])] as [string, string][],
    funderType: [["All funder types", ""], ...sorted(rows.flatMap(funderTypesOf)).map((t) => [t, t])] as [string, string][],
  };
}

/** The CSV's columns: heading and the text of a row's cell (dates as 12 Mar 2025, amounts as plain numbers). */
export const ledgerCsvColumns: [string, (r: LedgerRow) => string][] = [
  ["Identifier", (r) => r.grant_id],
  ["Award date", (r) => (r.award_date ? formatDate(r.award_date) : "")],
  ["Title", (r) => r.title ?? ""],
  ["Recipient", (r) => r.recipient ?? ""],
  ["Recipient type", (r) => r.recipient_type ?? ""],
  ["Recipient identifier", (r) => r.recipient_id ?? ""],
  ["Amount awarded (GBP)", (r) => plainNumber(r.amount)],
  ["Placed in the place (GBP)", (r) => plainNumber(r.in_place)],
  ["Round", (r) => r.round_name ?? ""],
  ["Grant programme", (r) => r.programme ?? ""],
  ["Local authorities where the money is spent", (r) => r.boroughs ?? ""],
  ["Recipient based in", (r) => r.based_in ?? ""],
  ["How the grant was located", (r) => r.location ?? ""],
  ["Themes", (r) => r.themes ?? ""],
  ["Funder types", (r) => r.funder_types ?? ""],
  ["Synthetic demo data", (r) => (r.synthetic ? "Yes" : "No")],
];

/** 1234.5 → "1234.50": no £, no thousands separators, so spreadsheets read a number. */
export function plainNumber(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "" : value.toFixed(2);
}

/** One CSV field: the project's one formula-safe writer (csv.ts). */
export function csvField(text: string, numeric = false): string {
  return csvCell(text, numeric);
}

/** The rows as CSV text: a UTF-8 byte-order mark (so spreadsheets read £ and accents), a header line, CRLF line ends. */
export function ledgerCsv(rows: readonly LedgerRow[]): string {
  const numeric = new Set(["Amount awarded (GBP)", "Placed in the place (GBP)"]);
  const lines = [ledgerCsvColumns.map(([h]) => csvField(h)).join(",")];
  for (const r of rows) lines.push(ledgerCsvColumns.map(([h, cell]) => csvField(cell(r), numeric.has(h))).join(","));
  return `\ufeff${lines.join("\r\n")}\r\n`;
}
