// One check for direct identifiers and contact details in free text (NHS numbers, emails written plainly or obfuscated, UK phone numbers in any written form, titled names, street addresses, postcodes), as a JS predicate and as SQL, for every ingest of records about people.
//
// Every pattern is written once in the syntax both JavaScript and RE2 (DuckDB's regex engine) accept, so the SQL
// check over a whole file and the JS check over one value agree. Used by referrals (record-level in SQL, aggregates
// in JS); outcomes and applications ingests call `identifierIn` or `identifierReasonsSql` on every free-text field.
// What is deliberately not flagged: GSS codes (E01000001), ODS codes (F84001), ISO dates, coordinates, amounts,
// ids such as R-000123 or ACT-0042. A bare run of 10–11 digits starting with 0 IS flagged (it is a UK phone number
// as written in many systems), and so is a valid NHS number anywhere.
import type { Db } from "../db/connection.ts";

/** The 10-digit NHS number candidate, with optional spaces or hyphens in the 3-3-4 groups. */
export const NHS_CANDIDATE = "[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}";
/** A 10-digit run not preceded by a digit or a decimal point (so coordinates with 10 decimals are not NHS numbers). */
export const NHS_EXTRACT = "(?:^|[^0-9.])([0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4})(?:[^0-9]|$)";
/** A plain email address. */
export const EMAIL = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+";
/**
 * An email written to dodge filters: "jo [at] example.org", "jo(at)example dot org", "jo at example dot org",
 * "jo @ example . org", "jo@example[dot]org". Case-insensitive.
 */
const LOCAL = "[a-z0-9._%+-]+";
const DOMAIN = "[a-z0-9-]+";
const AT_BRACKETED = "\\s*[\\[({<]\\s*at\\s*[\\])}>]\\s*";
const DOT_ANY = "\\s*(?:\\.|[\\[({<]?\\s*dot\\s*[\\])}>]?)\\s*";
const DOT_WORD = "(?:\\s*[\\[({<]\\s*dot\\s*[\\])}>]\\s*|\\s+dot\\s+)";
export const OBFUSCATED_EMAIL =
  "(?i)(?:" +
  [
    `${LOCAL}${AT_BRACKETED}${DOMAIN}(?:${DOT_ANY}${DOMAIN})+`, // jo [at] example.org, jo(at)example dot org
    `${LOCAL}\\s+at\\s+${DOMAIN}(?:\\s+dot\\s+${DOMAIN})+`, // jo at example dot org
    `${LOCAL}\\s*@\\s*${DOMAIN}(?:${DOT_ANY}${DOMAIN})*${DOT_WORD}${DOMAIN}`, // jo@example dot org, jo@example[dot]org
    `${LOCAL}(?:\\s+@\\s*|@\\s+)${DOMAIN}(?:\\s*\\.\\s*${DOMAIN})+`, // jo @ example.org
  ].join("|") +
  ")";
/**
 * A UK phone number in any written form: international (+44 or 0044, with or without "(0)") or national (0…),
 * the digits grouped by spaces, hyphens, dots or brackets: "+44 (0)20 7946 0018", "020-7946-0018",
 * "(020) 79460018", "0044 7700 900 123", "07700 900123", "+447700900123". Ten or eleven digits in national form,
 * not preceded by a letter, a digit or a decimal point (so codes such as E01000001 and the decimals of a coordinate
 * such as -0.0742861234 are not phones; "tel.020…" still is).
 */
export const UK_PHONE = "(?:^|[^0-9A-Za-z+.]|[A-Za-z]\\.)(?:(?:\\+|00)[ ]?44[ ]?(?:\\(0\\)[ ]?)?|\\(?0)[1-9](?:[-\\s.()]{0,2}[0-9]){8,9}(?:[^0-9]|$)";
/** A title and a name at the start of a value ("\x1f" separates values when a row's fields are joined). */
export const TITLE_NAME = "(?i)(^|\\x1f)\\s*(mr|mrs|ms|miss|mx|dr|prof)\\.?\\s+[a-z]";
/** A house number and a street. */
export const STREET =
  "(?i)(^|[^a-z0-9])[0-9]+[a-z]?,?\\s+[a-z]+(\\s+[a-z]+)?\\s+(street|st|road|rd|avenue|ave|lane|ln|close|drive|way|court|gardens|gdns|place|crescent|terrace|grove|hill|square|walk|mews|row|park)([^a-z]|$)";
/** A UK postcode inside text. */
export const POSTCODE_IN_TEXT = "(?i)(^|[^a-z0-9])[a-z]{1,2}[0-9][a-z0-9]?\\s*[0-9][a-z]{2}([^a-z0-9]|$)";
/** A whole postcode, upper case, no spaces. */
export const POSTCODE_FULL = "[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}";

/** A pattern for JavaScript: RE2's leading (?i) becomes the i flag. */
export function jsPattern(re2: string): RegExp {
  return re2.startsWith("(?i)") ? new RegExp(re2.slice(4), "i") : new RegExp(re2);
}

/** True when a 10-digit string passes the NHS number modulus 11 check. */
export function isNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  return (11 - (sum % 11)) % 11 === Number(digits[9]);
}

/** The checks in order, each with the reason given when it matches (postcodes are checked by the caller's rules). */
export const identifierChecks = [
  { key: "email", pattern: EMAIL, reason: "holds an email address" },
  { key: "obfuscated-email", pattern: OBFUSCATED_EMAIL, reason: "holds an email address written to avoid filters (such as name [at] example dot org)" },
  { key: "phone", pattern: UK_PHONE, reason: "holds a phone number" },
  { key: "name", pattern: TITLE_NAME, reason: "looks like a person's name (a title such as Mr or Dr and a name)" },
  { key: "street", pattern: STREET, reason: "looks like a street address" },
  { key: "postcode", pattern: POSTCODE_IN_TEXT, reason: "holds a postcode" },
] as const;

const compiled = identifierChecks.map((c) => ({ ...c, re: jsPattern(c.key === "name" ? "(?i)^\\s*(mr|mrs|ms|miss|mx|dr|prof)\\.?\\s+[a-z]" : c.pattern) }));

/**
 * What direct identifier or contact detail a free-text value holds (the reason, e.g. "holds a phone number"), or
 * null. `allowPostcode` skips the postcode check for a field that is meant to hold one.
 */
export function identifierIn(value: string, options: { allowPostcode?: boolean } = {}): string | null {
  for (const m of value.matchAll(/(?:^|[^0-9.])(\d{3}[ -]?\d{3}[ -]?\d{4})(?=[^0-9]|$)/g)) {
    if (isNhsNumber(m[1]!.replace(/[ -]/g, ""))) return "looks like an NHS number (10 digits with a valid check digit)";
  }
  for (const c of compiled) {
    if (c.key === "postcode" && options.allowPostcode) continue;
    if (c.re.test(value)) return c.reason;
  }
  return null;
}

/** SQL (DuckDB) for one value expression: the list of reasons it matches (empty when clean). Needs `createIdentifierMacros`. */
export function identifierReasonsSql(value: string, options: { allowPostcode?: boolean } = {}): string {
  const checks = identifierChecks.filter((c) => !(c.key === "postcode" && options.allowPostcode));
  const cases = [
    `CASE WHEN chest_has_nhs(${value}) THEN 'looks like an NHS number (10 digits with a valid check digit)' END`,
    ...checks.map((c) => `CASE WHEN regexp_matches(${c.key === "name" ? `chr(31) || ${value}` : value}, '${c.pattern}') THEN '${c.reason.replace(/'/g, "''")}' END`),
  ];
  return `list_filter([${cases.join(", ")}], lambda x: x IS NOT NULL)`;
}

/** SQL: true when the value holds any identifier (cheap filter over a whole row joined with chr(31)). Needs the macros. */
export function hasIdentifierSql(value: string, options: { allowPostcode?: boolean } = {}): string {
  const checks = identifierChecks.filter((c) => !(c.key === "postcode" && options.allowPostcode));
  return `(chest_has_nhs(${value}) OR ${checks.map((c) => `regexp_matches(${value}, '${c.pattern}')`).join(" OR ")})`;
}

/**
 * One RE2 pattern that matches whenever any check could (a superset: a 10-digit run matches even when its check
 * digit fails, so it is no NHS number), so a whole row is scanned once instead of once per pattern. A row filter only: the exact
 * reasons come from identifierReasonsSql on the rows it lets through. `postcodes` adds the postcode-in-text check.
 */
export function identifierCandidatePattern(options: { postcodes?: boolean } = {}): string {
  const group = (p: string) => (p.startsWith("(?i)") ? `(?i:${p.slice(4)})` : `(?:${p})`);
  const patterns = [NHS_EXTRACT, ...identifierChecks.filter((c) => c.key !== "postcode" || options.postcodes).map((c) => c.pattern)];
  return patterns.map(group).join("|");
}

/** Temporary macros the SQL checks use: chest_nhs_valid(digits), chest_has_nhs(text). */
export async function createIdentifierMacros(db: Db): Promise<void> {
  const weighted = Array.from({ length: 9 }, (_, i) => `substr(d, ${i + 1}, 1)::INTEGER * ${10 - i}`).join(" + ");
  await db.run(`CREATE OR REPLACE TEMP MACRO chest_nhs_valid(d) AS
    (regexp_full_match(d, '[0-9]{10}') AND (11 - ((${weighted}) % 11)) % 11 = substr(d, 10, 1)::INTEGER)`);
  await db.run(`CREATE OR REPLACE TEMP MACRO chest_has_nhs(v) AS
    (regexp_matches(v, '${NHS_CANDIDATE}') AND
     len(list_filter(regexp_extract_all(v, '${NHS_EXTRACT}', 1), lambda s: chest_nhs_valid(regexp_replace(s, '[ -]', '', 'g')))) > 0)`);
}
