// The applications template: one declaration of every column (360Giving titles where the standard has one), read by validation, docs and the demo.
import { normaliseHeader } from "../referrals/vocabulary.ts";

export type ApplicationColumn =
  | "id"
  | "title"
  | "description"
  | "amount"
  | "currency"
  | "org_name"
  | "charity_number"
  | "company_number"
  | "income_band"
  | "themes"
  | "area_codes"
  | "postcodes"
  | "latitude"
  | "longitude"
  | "participants"
  | "sessions"
  | "duration_months"
  | "round";

export interface ColumnSpec {
  key: ApplicationColumn;
  /** The title written in the template's header row. */
  title: string;
  /** Other titles accepted for the same column (compared after normaliseHeader). */
  aliases: readonly string[];
  required: boolean;
  /** Whether the title is the 360Giving Data Standard's own. */
  standard: boolean;
  help: string;
  example: string;
}

export const APPLICATION_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  { key: "id", title: "Identifier", aliases: ["Application ID", "Application Id", "Reference"], required: true, standard: true, help: "Unique reference for the application (64 characters at most).", example: "CC-2026-R2-001" },
  { key: "title", title: "Title", aliases: ["Project Title", "Project Name"], required: true, standard: true, help: "Name of the project.", example: "Friday lunch club" },
  { key: "description", title: "Description", aliases: ["Summary", "Project Summary"], required: false, standard: true, help: "What the project will do (no names, emails or phone numbers of people).", example: "Weekly lunch and activities for isolated older residents." },
  { key: "amount", title: "Amount Applied For", aliases: ["Amount Requested", "Amount"], required: true, standard: true, help: "Pounds requested: digits, optionally with £ and commas (1,200.50).", example: "4500" },
  { key: "currency", title: "Currency", aliases: [], required: false, standard: true, help: "GBP if given.", example: "GBP" },
  { key: "org_name", title: "Recipient Org:Name", aliases: ["Organisation Name", "Organisation", "Organization Name"], required: true, standard: true, help: "The applying organisation.", example: "Northfield Community Kitchen" },
  { key: "charity_number", title: "Recipient Org:Charity Number", aliases: ["Charity Number"], required: false, standard: true, help: "Registered charity number (England and Wales 6–8 digits; SC… Scotland; NIC… Northern Ireland).", example: "1123456" },
  { key: "company_number", title: "Recipient Org:Company Number", aliases: ["Company Number"], required: false, standard: true, help: "Companies House number (8 characters, e.g. 01234567 or SC123456).", example: "" },
  { key: "income_band", title: "Recipient Org:Income Band", aliases: ["Income Band", "Annual Income", "Annual Income Band"], required: false, standard: false, help: "Annual income band: micro (under £10,000), small (£10,000–£100,000), medium, large, major, super-major; or the income itself.", example: "small" },
  { key: "themes", title: "Themes", aliases: ["Need Themes", "Needs", "Need Categories"], required: true, standard: false, help: "Need categories it addresses, separated by ';' (names or keys from the needs list, e.g. loneliness; food).", example: "loneliness; food" },
  { key: "area_codes", title: "Beneficiary Location:Geographic Code", aliases: ["Beneficiary Location:0:Geographic Code", "Area Codes", "Areas", "Geographic Codes", "LSOA Codes"], required: false, standard: true, help: "GSS codes of the areas it will serve, separated by ';': LSOA (E01…), MSOA (E02…), ward (E05…) or borough (E06–E09…).", example: "E01000027; E01000028" },
  { key: "postcodes", title: "Venue Postcodes", aliases: ["Venue Postcode", "Postcodes"], required: false, standard: false, help: "Postcodes of the venues, separated by ';' (looked up in the postcode directory).", example: "RM10 7XS" },
  { key: "latitude", title: "Venue Latitude", aliases: ["Latitude", "Lat"], required: false, standard: false, help: "Latitude of one venue (WGS84), with Venue Longitude.", example: "" },
  { key: "longitude", title: "Venue Longitude", aliases: ["Longitude", "Lon", "Lng"], required: false, standard: false, help: "Longitude of that venue (WGS84).", example: "" },
  { key: "participants", title: "Expected Participants", aliases: ["Participants", "Beneficiaries"], required: false, standard: false, help: "How many people it expects to reach (whole number).", example: "40" },
  { key: "sessions", title: "Sessions", aliases: ["Number of Sessions"], required: false, standard: false, help: "How many sessions it will run (whole number).", example: "48" },
  { key: "duration_months", title: "Planned Dates:Duration (months)", aliases: ["Duration (months)", "Duration"], required: false, standard: true, help: "How long it runs, in months (up to 60).", example: "12" },
  { key: "round", title: "Grant Programme:Title", aliases: ["Round", "Funding Round", "Grant Programme"], required: true, standard: true, help: "The funding round it applies to (becomes the Grant Programme of the awards).", example: "2026 round 2" },
]);

const byTitle = new Map<string, ColumnSpec>();
for (const c of APPLICATION_COLUMNS) for (const t of [c.title, ...c.aliases]) byTitle.set(normaliseHeader(t), c);

/** The column a header title means, or undefined. */
export function columnForTitle(title: string): ColumnSpec | undefined {
  return byTitle.get(normaliseHeader(title));
}

/** The template's header row, for a blank CSV to fill in. */
export function templateHeader(): string[] {
  return APPLICATION_COLUMNS.map((c) => c.title);
}
