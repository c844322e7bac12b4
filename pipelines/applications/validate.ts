// Validating an applications file (pure): the header against the template, then every row, with row-level rejects naming line, column, value and reason.
//
// Input is the header and the rows as text cells, however they were read (CSV or the first sheet of an XLSX),
// plus what the place knows: its area codes, and optionally a postcode directory and a point-in-area lookup.
// A header naming a contact person, email or phone column refuses the whole file; a row is rejected, never
// mended by guesswork, when: a cell holds a person's identifier (the value is withheld in the report); the
// Identifier is missing, too long or already used; the amount is not a positive sum of money; a required
// column is empty; a theme is not a need category; an area code is not one of the place's; a postcode is
// malformed or not in the directory; coordinates are not numbers, out of range or outside the place; it names
// nowhere it will serve; counts are not whole numbers; the duration is not 0–60 months.
import { parseAmount } from "../grants/money.ts";
import { parseIncomeBand, type IncomeBand } from "../../src/lib/income-bands.ts";
import { needLookup, resolveNeed, splitNeeds, type NeedKey } from "../../src/lib/needs.ts";
import { applicationIdentifierColumn, applicationIdentifierInValue } from "./identifiers.ts";
import { APPLICATION_COLUMNS, columnForTitle, type ApplicationColumn } from "./template.ts";

export type AreaType = "lsoa" | "msoa" | "ward" | "borough";

export interface ServedArea {
  code: string;
  type: AreaType;
  /** How the row gave it. */
  from: "code" | "postcode" | "coordinates";
}

export interface Application {
  line: number;
  id: string;
  title: string;
  description: string | null;
  amountPence: number;
  orgName: string;
  charityNumber: string | null;
  companyNumber: string | null;
  incomeBand: IncomeBand | null;
  themes: NeedKey[];
  areas: ServedArea[];
  participants: number | null;
  sessions: number | null;
  durationMonths: number | null;
  round: string;
}

export interface Reject {
  line: number;
  column: string;
  value: string;
  reason: string;
}

export interface PlaceContext {
  /** GSS codes of the place's LSOAs, MSOAs, wards and boroughs. */
  knownArea: (code: string) => boolean;
  /** Postcode (upper case, no spaces) → LSOA 2021 code, or null when the directory lacks it. Absent: no directory. */
  postcodeLsoa?: (postcode: string) => string | null;
  /** A point → the place's LSOA 2021 it falls in, or null when outside the place. Absent: coordinates cannot be placed. */
  pointLsoa?: (lon: number, lat: number) => string | null;
  /** Extra need synonyms from the place configuration. */
  needSynonyms?: Readonly<Record<string, string>>;
  /** Largest amount one application may ask for, in pounds (none when absent). */
  maxAmount?: number;
}

export interface HeaderLayout {
  /** Column key → index in the row. */
  columns: Partial<Record<ApplicationColumn, number>>;
  /** Titles as written, in file order. */
  titles: string[];
  /** Titles not in the template (never read). */
  ignored: string[];
}

/** A header the template cannot read: refused with one message (exit 3 when raised through InputError). */
export class HeaderProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HeaderProblem";
  }
}

/** WITHHELD replaces a value that holds an identifier, so the rejects report never repeats it. */
export const WITHHELD = "(withheld)";

/** Read the header row: contact-person columns refuse the file; required columns must be there; no column twice. */
export function readHeader(titles: readonly string[]): HeaderLayout {
  const personal = titles.map((t) => ({ t, what: applicationIdentifierColumn(t) })).filter((x) => x.what);
  if (personal.length)
    throw new HeaderProblem(
      `refused: ${personal.map((p) => `column "${p.t.trim()}" (${p.what})`).join(", ")} would hold details of people. Applications are about ` +
        `organisations: remove ${personal.length > 1 ? "those columns" : "that column"} and ingest the file again; nothing from this file was stored.`,
    );
  const columns: Partial<Record<ApplicationColumn, number>> = {};
  const ignored: string[] = [];
  titles.forEach((t, i) => {
    const spec = columnForTitle(t);
    if (!spec) {
      if (t.trim() !== "") ignored.push(t.trim());
      return;
    }
    if (columns[spec.key] !== undefined) throw new HeaderProblem(`columns "${titles[columns[spec.key]!].trim()}" and "${t.trim()}" both mean ${spec.title}: keep one`);
    columns[spec.key] = i;
  });
  const missing = APPLICATION_COLUMNS.filter((c) => c.required && columns[c.key] === undefined);
  if (missing.length) throw new HeaderProblem(`missing column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c.title}"`).join(", ")} (see the applications template)`);
  if ((columns.latitude === undefined) !== (columns.longitude === undefined)) throw new HeaderProblem(`"Venue Latitude" and "Venue Longitude" go together: give both or neither`);
  return { columns, titles: [...titles], ignored };
}

const GSS_TYPES: [RegExp, AreaType][] = [
  [/^E01\d{6}$/, "lsoa"],
  [/^E02\d{6}$/, "msoa"],
  [/^E05\d{6}$/, "ward"],
  [/^E0[6789]\d{6}$/, "borough"],
];
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/;
const CHARITY = /^(\d{6,8}(-\d{1,2})?|SC\d{6}|NIC?\d{5,6})$/;
const COMPANY = /^(\d{8}|(SC|NI|OC|SO|NC|R0|IP|SP|RS|CE|CS|GE|FC)\d{6})$/;

function splitList(text: string): string[] {
  return text.split(/[;\n]/).map((s) => s.trim()).filter((s) => s !== "");
}

/** One row's checks; pushes its problems and returns the application when there are none. */
function checkRow(cells: readonly string[], line: number, layout: HeaderLayout, ctx: PlaceContext, lookup: Map<string, NeedKey>, problems: Reject[]): Application | null {
  const start = problems.length;
  const title = (key: ApplicationColumn) => layout.titles[layout.columns[key]!].trim();
  const get = (key: ApplicationColumn): string => (layout.columns[key] === undefined ? "" : (cells[layout.columns[key]!] ?? "").trim());
  const bad = (key: ApplicationColumn, value: string, reason: string) => problems.push({ line, column: title(key), value: value.slice(0, 80), reason });
  for (const key of APPLICATION_COLUMNS.filter((c) => c.required).map((c) => c.key)) if (get(key) === "") bad(key, "", `${title(key)} is required`);

  const id = get("id");
  if (id.length > 64) bad("id", id, "Identifier longer than 64 characters");
  const amount = parseAmount(get("amount"));
  let amountPence = 0;
  if (get("amount") !== "") {
    if (!amount.ok) bad("amount", get("amount"), `amount ${amount.reason}`);
    else if (amount.pence <= 0) bad("amount", get("amount"), "amount must be more than £0");
    else if (ctx.maxAmount !== undefined && amount.pence > Math.round(ctx.maxAmount * 100)) bad("amount", get("amount"), `amount is more than the round's limit of £${ctx.maxAmount.toLocaleString("en-GB")}`);
    else amountPence = amount.pence;
  }
  const currency = get("currency").toUpperCase();
  if (currency !== "" && currency !== "GBP") bad("currency", get("currency"), "only GBP applications are read");
  const charity = get("charity_number").toUpperCase().replace(/\s+/g, "");
  if (charity !== "" && !CHARITY.test(charity)) bad("charity_number", get("charity_number"), "not a charity number (6–8 digits in England and Wales, SC and 6 digits in Scotland, NIC and digits in Northern Ireland)");
  const companyRaw = get("company_number").toUpperCase().replace(/\s+/g, "");
  const company = /^\d{1,8}$/.test(companyRaw) ? companyRaw.padStart(8, "0") : companyRaw;
  if (company !== "" && !COMPANY.test(company)) bad("company_number", get("company_number"), "not a Companies House number (8 digits, or 2 letters and 6 digits)");
  const bandText = get("income_band");
  const incomeBand = bandText === "" ? null : parseIncomeBand(bandText);
  if (bandText !== "" && incomeBand === null) bad("income_band", bandText, "not an income band: write micro, small, medium, large, major or super-major, a range within one band (£10,000-£99,999) or the annual income");

  const themes: NeedKey[] = [];
  for (const label of splitNeeds(get("themes"))) {
    const key = resolveNeed(label, lookup);
    if (key === null) bad("themes", label, "not a need category (see the needs list; separate several with ';')");
    else if (!themes.includes(key)) themes.push(key);
  }

  const areas = placeRow(get, bad, ctx);
  const count = (key: ApplicationColumn, max: number): number | null => {
    const text = get(key).replaceAll(",", "");
    if (text === "") return null;
    if (!/^\d+$/.test(text) || Number(text) > max) {
      bad(key, get(key), `not a whole number from 0 to ${max.toLocaleString("en-GB")}`);
      return null;
    }
    return Number(text);
  };
  const participants = count("participants", 1_000_000);
  const sessions = count("sessions", 100_000);
  const durationText = get("duration_months");
  const duration = durationText === "" ? null : Number(durationText);
  if (durationText !== "" && !(/^\d+(\.\d+)?$/.test(durationText) && duration! > 0 && duration! <= 60)) bad("duration_months", durationText, "not a number of months from above 0 to 60");

  if (problems.length > start) return null;
  return {
    line,
    id,
    title: get("title"),
    description: get("description") || null,
    amountPence,
    orgName: get("org_name"),
    charityNumber: charity || null,
    companyNumber: company || null,
    incomeBand,
    themes,
    areas,
    participants,
    sessions,
    durationMonths: duration,
    round: get("round"),
  };
}

/** Where the row will serve: area codes, venue postcodes, venue coordinates (at least one must place it). */
function placeRow(get: (k: ApplicationColumn) => string, bad: (k: ApplicationColumn, v: string, r: string) => void, ctx: PlaceContext): ServedArea[] {
  const areas: ServedArea[] = [];
  const add = (a: ServedArea) => {
    if (!areas.some((x) => x.code === a.code)) areas.push(a);
  };
  let problems = 0;
  const fault = (k: ApplicationColumn, v: string, r: string) => {
    problems++;
    bad(k, v, r);
  };
  for (const raw of splitList(get("area_codes"))) {
    const code = raw.toUpperCase();
    const type = GSS_TYPES.find(([re]) => re.test(code))?.[1];
    if (!type) fault("area_codes", raw, "not an LSOA (E01…), MSOA (E02…), ward (E05…) or borough (E06–E09…) code");
    else if (!ctx.knownArea(code)) fault("area_codes", raw, "not an area of this place");
    else add({ code, type, from: "code" });
  }
  for (const raw of splitList(get("postcodes"))) {
    const pc = raw.toUpperCase().replace(/\s+/g, "");
    if (!POSTCODE.test(pc)) fault("postcodes", raw, "not a postcode (e.g. RM10 7XS)");
    else if (!ctx.postcodeLsoa) fault("postcodes", raw, "no postcode directory was given: ingest with --postcodes FILE, or give area codes instead");
    else {
      const lsoa = ctx.postcodeLsoa(pc);
      if (lsoa === null) fault("postcodes", raw, "not found in the postcode directory");
      else if (!ctx.knownArea(lsoa)) fault("postcodes", raw, "outside this place");
      else add({ code: lsoa, type: "lsoa", from: "postcode" });
    }
  }
  const latText = get("latitude");
  const lonText = get("longitude");
  if (latText !== "" || lonText !== "") {
    const lat = Number(latText);
    const lon = Number(lonText);
    if (latText === "" || lonText === "") fault(latText === "" ? "latitude" : "longitude", "", "give both Venue Latitude and Venue Longitude");
    else if (!Number.isFinite(lat) || lat < 49.8 || lat > 55.9) fault("latitude", latText, "not a latitude in England (49.8 to 55.9)");
    else if (!Number.isFinite(lon) || lon < -6.5 || lon > 1.8) fault("longitude", lonText, "not a longitude in England (−6.5 to 1.8)");
    else if (!ctx.pointLsoa) fault("latitude", latText, "coordinates cannot be placed without the place's boundaries: give area codes instead");
    else {
      const lsoa = ctx.pointLsoa(lon, lat);
      if (lsoa === null) fault("latitude", `${latText}, ${lonText}`, "the venue is outside this place");
      else add({ code: lsoa, type: "lsoa", from: "coordinates" });
    }
  }
  if (areas.length === 0 && problems === 0) fault("area_codes", "", "says nowhere it will serve: give area codes, venue postcodes or venue coordinates");
  return areas;
}

export interface ValidationResult {
  accepted: Application[];
  rejects: Reject[];
  /** Rows refused because a cell held a person's identifier. */
  identifierRows: number;
  rows: number;
  layout: HeaderLayout;
}

/** A row as read: its cells and its row number as a spreadsheet shows it (the header is row 1). */
export interface RowInput {
  fields: readonly string[];
  row: number;
  /** Set when a CSV row has more or fewer fields than its header: the row is rejected with this reason, its cells not read. */
  ragged?: string | null;
}

/** A row whose fields do not line up with the header is rejected whole (value not shown); returns false for it. */
export function refuseRagged(r: RowInput, rejects: Reject[]): boolean {
  if (!r.ragged) return true;
  rejects.push({ line: r.row, column: "", value: "", reason: r.ragged });
  return false;
}

/**
 * Check every row. A row with an identifier anywhere is refused with
 * only that reason and its value withheld; otherwise every problem in the row is reported. Later rows reusing an
 * Identifier are rejected, naming the line that first used it.
 */
export function validateApplications(titles: readonly string[], rows: readonly RowInput[], ctx: PlaceContext): ValidationResult {
  const layout = readHeader(titles);
  const lookup = needLookup(ctx.needSynonyms ?? {});
  const rejects: Reject[] = [];
  const accepted: Application[] = [];
  const firstLine = new Map<string, number>();
  let identifierRows = 0;
  rows.forEach(({ fields: cells, row: line, ragged }) => {
    if (cells.every((c) => c.trim() === "")) return; // blank lines are not applications
    if (!refuseRagged({ fields: cells, row: line, ragged }, rejects)) return;
    const personal = cells.map((c, i) => ({ i, what: applicationIdentifierInValue(c) })).filter((x) => x.what);
    if (personal.length) {
      identifierRows++;
      for (const p of personal)
        rejects.push({ line, column: (layout.titles[p.i] ?? `column ${p.i + 1}`).trim(), value: WITHHELD, reason: `${p.what}: the row is refused and nothing from it is stored` });
      return;
    }
    const id = (cells[layout.columns.id!] ?? "").trim();
    const first = id === "" ? undefined : firstLine.get(id);
    const app = checkRow(cells, line, layout, ctx, lookup, rejects);
    // Any earlier row with the Identifier counts, accepted or not: which of the two is right is for the sender to say.
    if (first !== undefined) rejects.push({ line, column: layout.titles[layout.columns.id!].trim(), value: id, reason: `duplicate Identifier: line ${first} already uses it` });
    else if (id !== "") firstLine.set(id, line);
    if (app && first === undefined) accepted.push(app);
  });
  const nonBlank = rows.filter((r) => !r.fields.every((c) => c.trim() === "")).length;
  return { accepted, rejects, identifierRows, rows: nonBlank, layout };
}
