// The value types of referral's repeating columns: DuckDB ENUMs over each column's known values (vocabularies, the place's LSOAs, NHS practices and PCNs, months since 2010), so a referral's codes are stored as small numbers and read back as the same text.
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { NEED_CATEGORIES } from "../../src/lib/needs.ts";
import { ageBands, outcomes, referralSources } from "./vocabulary.ts";

/** Dates before this are refused (records.ts), so no stored month or financial year is earlier. */
export const FIRST_REFERRAL_DATE = "2010-01-01";

/** The ENUM type of each of referral's repeating columns. */
export const REFERRAL_TYPES = {
  file: "referral_file_name",
  month: "referral_month",
  financial_year: "referral_financial_year",
  practice_code: "referral_practice",
  pcn_code: "referral_pcn",
  lsoa21cd: "referral_lsoa",
  location_method: "referral_location_method",
  age_band: "referral_age_band",
  source: "referral_source",
  outcome: "referral_outcome",
  need: "referral_need",
} as const;

/** Location methods a stored referral can have. */
export const LOCATION_METHODS = ["lsoa21", "lsoa11", "postcode", "coordinates"] as const;

/** Drop the types (after referral, which uses them, is dropped). */
export async function dropReferralTypes(db: Db): Promise<void> {
  for (const t of Object.values(REFERRAL_TYPES)) await db.run(`DROP TYPE IF EXISTS ${ident(t)}`);
}

/**
 * Create the types. Values are in text order (ENUMs compare and sort in the order of their values, so sorting and
 * comparing read as they did on text). Needs lists `practice`, `pcn` and `lsoa` (the place's LSOAs); `files` are
 * the labels of the files being ingested; `today` (yyyy-mm-dd) the last month a referral can fall in.
 */
export async function createReferralTypes(db: Db, files: readonly string[], today: string): Promise<void> {
  const fixed = (name: string, values: readonly string[]) =>
    db.run(`CREATE TYPE ${ident(name)} AS ENUM (${[...new Set(values)].sort(byText).map((v) => literal(v)).join(", ")})`);
  const fromTable = (name: string, select: string) => db.run(`CREATE TYPE ${ident(name)} AS ENUM (SELECT v FROM (${select}) WHERE v IS NOT NULL GROUP BY v ORDER BY v)`);
  await fixed(REFERRAL_TYPES.file, files);
  await fixed(REFERRAL_TYPES.month, months(today));
  await fixed(REFERRAL_TYPES.financial_year, financialYears(today));
  await fromTable(REFERRAL_TYPES.practice_code, `SELECT code AS v FROM practice`);
  await fromTable(REFERRAL_TYPES.pcn_code, `SELECT code AS v FROM pcn UNION ALL SELECT pcn_code FROM practice`);
  await fromTable(REFERRAL_TYPES.lsoa21cd, `SELECT lsoa21cd AS v FROM lsoa`);
  await fixed(REFERRAL_TYPES.location_method, LOCATION_METHODS);
  await fixed(REFERRAL_TYPES.age_band, ageBands);
  await fixed(REFERRAL_TYPES.source, referralSources);
  await fixed(REFERRAL_TYPES.outcome, outcomes);
  await fixed(REFERRAL_TYPES.need, NEED_CATEGORIES.map((c) => c.key));
}

/** Binary text order, as DuckDB sorts VARCHAR. */
function byText(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** yyyy-mm from FIRST_REFERRAL_DATE's month to today's. */
function months(today: string): string[] {
  const [y1, m1] = [Number(FIRST_REFERRAL_DATE.slice(0, 4)), Number(FIRST_REFERRAL_DATE.slice(5, 7))];
  const [y2, m2] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const out: string[] = [];
  for (let y = y1, m = m1; y < y2 || (y === y2 && m <= m2); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) out.push(`${y}-${String(m).padStart(2, "0")}`);
  return out;
}

/** Financial years (April to March, '2024/25') from FIRST_REFERRAL_DATE's to today's. */
function financialYears(today: string): string[] {
  const april = (d: string) => Number(d.slice(0, 4)) - (Number(d.slice(5, 7)) < 4 ? 1 : 0);
  const out: string[] = [];
  for (let y = april(FIRST_REFERRAL_DATE); y <= april(today); y++) out.push(`${y}/${String((y + 1) % 100).padStart(2, "0")}`);
  return out;
}
