// The words referral files may use: column names and their aliases, identifier columns refused outright, outcomes, sources and age bands.
import { z } from "zod";

/** Header as compared: lower case, runs of other characters than a–z/0–9 → "_", no leading or trailing "_". "Referral ID" → "referral_id". */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Record-level columns: canonical name → accepted (normalised) headers. */
export const recordColumns = {
  referral_id: ["referral_id", "referral_ref", "referral_reference", "referral_number", "case_id"],
  referral_date: ["referral_date", "date_of_referral", "date_referred", "referral_received"],
  practice_code: ["practice_code", "gp_practice_code", "practice_ods_code", "gp_code", "practice"],
  pcn_code: ["pcn_code", "pcn_ods_code", "pcn"],
  lsoa_code: ["lsoa_code", "lsoa", "lsoa21cd", "lsoa11cd", "lsoa_2021", "lsoa_2011", "lsoa21", "lsoa11"],
  postcode: ["postcode", "resident_postcode", "home_postcode", "post_code"],
  longitude: ["longitude", "lon", "lng"],
  latitude: ["latitude", "lat"],
  age_band: ["age_band", "age_group", "ageband"],
  needs: ["needs", "need", "need_category", "need_categories", "needs_categories", "referral_reason", "reasons_for_referral"],
  source: ["source", "referral_source", "referred_by", "referrer_type"],
  outcome: ["outcome", "referral_outcome"],
  activity_id: ["activity_id", "activity_code", "activity"],
  days_waited: ["days_waited", "wait_days", "waiting_days", "days_waiting"],
} as const satisfies Record<string, readonly string[]>;

export type RecordColumn = keyof typeof recordColumns;

/** Aggregate columns: canonical name → accepted (normalised) headers. */
export const aggregateColumns = {
  period: ["period", "month"],
  area_code: ["area_code", "area", "geography_code"],
  need: ["need", "need_category", "needs"],
  referrals: ["referrals", "referral_count"],
  unmet: ["unmet", "unmet_referrals", "no_suitable_activity"],
} as const satisfies Record<string, readonly string[]>;

export type AggregateColumn = keyof typeof aggregateColumns;

/**
 * Columns whose very name says they hold direct identifiers. A file with one is refused whole: nothing in it is
 * read into the database. Tested against the normalised header.
 */
export const identifierColumnRules: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: "NHS number", pattern: /^nhs$|(^|_)nhs_?(no|num|number|id)($|_)|nhsnumber|nhsno/ },
  { what: "name", pattern: /^(names?|full_?name|first_?names?|last_?name|surname|forenames?|given_?names?|family_?name|middle_?names?|preferred_?name|known_?as|initials)$/ },
  { what: "name", pattern: /(^|_)(patient|client|resident|person|service_?user|individual|participant)_?names?($|_)|surname|forename/ },
  { what: "address", pattern: /(^|_)(address|addr|street|house_?(no|num|number|name)|flat_?(no|num|number)|building_?(name|number)|address_?line_?\d*)($|_|\d)/ },
  { what: "date of birth", pattern: /(^|_)(dob|date_?of_?birth|birth_?date|birthdate|d_o_b)($|_)/ },
  { what: "contact details", pattern: /(^|_)(e_?mail|email_?address|phone|telephone|tel|tel_?no|mobile|mobile_?number|contact_?number)($|_)/ },
];

/** Why a header is refused as an identifier column, or null. */
export function identifierColumn(header: string): string | null {
  const n = normaliseHeader(header);
  for (const rule of identifierColumnRules) if (rule.pattern.test(n)) return rule.what;
  return null;
}

// -------------------------------------------------------------------------------------------------
// Value vocabularies. Each is matched after `normaliseWord` (lower case, other characters → "_").

export function normaliseWord(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9+]+/g, "_").replace(/^_+|_+$/g, "");
}

/** SQL for normaliseWord on a VARCHAR expression (kept beside it so the two read alike). */
export function normaliseWordSql(expr: string): string {
  return `trim(regexp_replace(lower(${expr}), '[^a-z0-9+]+', '_', 'g'), '_')`;
}

/** SQL for normaliseNeedLabel (src/lib/needs.ts) on a VARCHAR expression. */
export function needNormaliseSql(expr: string): string {
  return `trim(regexp_replace(replace(lower(${expr}), '&', ' and '), '[^a-z0-9]+', ' ', 'g'))`;
}

export const outcomes = ["connected", "no_suitable_activity", "declined", "waiting", "other"] as const;
export type Outcome = (typeof outcomes)[number];
/** The outcome that makes a referral "unmet": the link worker found no suitable activity. */
export const UNMET_OUTCOME: Outcome = "no_suitable_activity";

export const referralSources = ["gp", "self", "social_care", "vcfse", "hospital", "community_health", "other"] as const;
/** normaliseWord(label) → source. */
export const sourceSynonyms: Record<string, (typeof referralSources)[number]> = {
  gp: "gp",
  general_practice: "gp",
  gp_practice: "gp",
  practice: "gp",
  practice_staff: "gp",
  primary_care: "gp",
  self: "self",
  self_referral: "self",
  social_care: "social_care",
  adult_social_care: "social_care",
  local_authority: "social_care",
  council: "social_care",
  vcfse: "vcfse",
  voluntary_sector: "vcfse",
  voluntary: "vcfse",
  charity: "vcfse",
  community_organisation: "vcfse",
  hospital: "hospital",
  secondary_care: "hospital",
  acute: "hospital",
  community_health: "community_health",
  community_services: "community_health",
  mental_health_services: "community_health",
  other: "other",
};

export const ageBands = ["0-15", "16-24", "25-34", "35-49", "50-64", "65+", "unknown"] as const;
/** normaliseWord(label) → band; bands match the Census 2021 groups on the lsoa table. */
export const ageBandSynonyms: Record<string, (typeof ageBands)[number]> = {
  "0_15": "0-15",
  under_16: "0-15",
  "16_24": "16-24",
  "25_34": "25-34",
  "35_49": "35-49",
  "50_64": "50-64",
  "65+": "65+",
  "65_": "65+",
  "65_plus": "65+",
  "65plus": "65+",
  "65_and_over": "65+",
  "65_and_older": "65+",
  over_65: "65+",
  unknown: "unknown",
  not_known: "unknown",
  not_recorded: "unknown",
  prefer_not_to_say: "unknown",
};

/** One row of an aggregate file, as zod checks it (values arrive as text). */
export const aggregateRowSchema = z.object({
  period: z
    .string({ error: "missing" })
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month as yyyy-mm, e.g. 2024-04"),
  area_code: z
    .string({ error: "missing" })
    .trim()
    .toUpperCase()
    .regex(/^(E0[1256789]\d{6}|U\d{5})$/, "must be an LSOA, MSOA, ward or local authority GSS code (E01…, E02…, E05…, E06–E09…) or a PCN ODS code (U…)"),
  need: z.string({ error: "missing" }).trim().min(1, "missing"),
  referrals: z
    .string({ error: "missing" })
    .trim()
    .regex(/^\d+$/, "must be a whole number of referrals (0 or more)")
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), "too large"),
  unmet: z
    .string({ error: "missing" })
    .trim()
    .regex(/^\d+$/, "must be a whole number of unmet referrals (0 or more)")
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), "too large"),
});
