// The chosen awards as a draft 360Giving ledger for the round (browser-safe, pure), so the awarding page can export what `chest ingest grants` reads back.
//
// One row per award, in the flattened 360Giving spreadsheet layout: Grant Programme is the round (so the grants
// link to the round's funders), Funding Org is the chest's accountable body, Recipient Org:Identifier follows
// the 360Giving identifier guidance (GB-CHC / GB-SC / GB-NIC for registered charities, GB-COH for companies,
// otherwise a 360G- identifier made from the organisation's name), and each area served is a Beneficiary
// Location with its GSS code and 360Giving geocode type, and each theme a Classification (code = need key, title =
// its label), so the awards keep their themes and can be compared with the agreed split by theme. Amounts are whole
// pence written as pounds.

import { needLabel } from "./needs.js";

export interface DraftAward {
  /** The application's Identifier. */
  id: string;
  title: string;
  description?: string | null;
  amountPence: number;
  orgName: string;
  charityNumber?: string | null;
  companyNumber?: string | null;
  /** GSS codes of the areas it serves. */
  areas: readonly string[];
  durationMonths?: number | null;
  /** Need category keys (src/lib/needs.ts): written as Classifications, so the grants keep the application's themes. */
  themes?: readonly string[];
}

export interface DraftLedgerOptions {
  /** The round's name: Grant Programme:0:Title (and Code when no code is given). */
  round: string;
  roundCode?: string;
  funder: { id: string; name: string };
  /** YYYY-MM-DD. */
  awardDate: string;
  /** Prefix of the grant identifiers (a 360Giving publisher prefix); default "360G-CHESTATLAS-DRAFT". */
  grantPrefix?: string;
}

const MAX_LOCATIONS = 10;
/** The vocabulary the themes are written under (Classifications:N:Vocabulary). */
export const THEME_VOCABULARY = "Chest Atlas need categories";

/** 360Giving geocode type for an English GSS code, or null when it is not one this ledger writes. */
export function geoCodeType(code: string): string | null {
  const prefix = code.slice(0, 3);
  return { E01: "LSOA", E02: "MSOA", E05: "WD", E06: "UA", E07: "NMD", E08: "MD", E09: "LONB" }[prefix] ?? null;
}

/** The organisation identifier the 360Giving guidance asks for, from its charity or company number, else its name. */
export function recipientOrgId(award: Pick<DraftAward, "orgName" | "charityNumber" | "companyNumber">): string {
  const charity = award.charityNumber?.toUpperCase().replace(/\s+/g, "");
  if (charity) {
    if (charity.startsWith("SC")) return `GB-SC-${charity}`;
    if (charity.startsWith("NIC")) return `GB-NIC-${charity.slice(3)}`;
    if (charity.startsWith("NI")) return `GB-NIC-${charity.slice(2)}`;
    return `GB-CHC-${charity}`;
  }
  const company = award.companyNumber?.toUpperCase().replace(/\s+/g, "");
  if (company) return `GB-COH-${/^\d+$/.test(company) ? company.padStart(8, "0") : company}`;
  const slug = award.orgName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `360G-CHESTATLAS-ORG-${slug || "UNNAMED"}`;
}

/** The ledger's header row and one row per award. */
export function draftLedger(awards: readonly DraftAward[], options: DraftLedgerOptions): { header: string[]; rows: string[][] } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.awardDate)) throw new RangeError(`award date must be YYYY-MM-DD (got ${options.awardDate})`);
  const locations = Math.min(MAX_LOCATIONS, Math.max(1, ...awards.map((a) => a.areas.length)));
  const classifications = Math.min(MAX_LOCATIONS, Math.max(0, ...awards.map((a) => a.themes?.length ?? 0)));
  const header = [
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date", "Planned Dates:Duration (months)",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Charity Number", "Recipient Org:Company Number",
    ...Array.from({ length: locations }, (_, k) => [`Beneficiary Location:${k}:Country Code`, `Beneficiary Location:${k}:Geographic Code`, `Beneficiary Location:${k}:Geographic Code Type`]).flat(),
    "Funding Org:0:Identifier", "Funding Org:0:Name", "Grant Programme:0:Code", "Grant Programme:0:Title",
    ...Array.from({ length: classifications }, (_, k) => [`Classifications:${k}:Vocabulary`, `Classifications:${k}:Code`, `Classifications:${k}:Title`]).flat(),
  ];
  const prefix = options.grantPrefix ?? "360G-CHESTATLAS-DRAFT";
  const rows = awards.map((a) => {
    const places = a.areas.slice(0, locations);
    const location = Array.from({ length: locations }, (_, k) => (places[k] ? ["GB", places[k], geoCodeType(places[k]) ?? ""] : ["", "", ""])).flat();
    return [
      `${prefix}-${a.id}`, a.title, a.description ?? a.title, "GBP", (a.amountPence / 100).toFixed(2), options.awardDate, a.durationMonths == null ? "" : String(a.durationMonths),
      recipientOrgId(a), a.orgName, a.charityNumber ?? "", a.companyNumber ?? "",
      ...location,
      options.funder.id, options.funder.name, options.roundCode ?? options.round, options.round,
      ...Array.from({ length: classifications }, (_, k) => (a.themes?.[k] ? [THEME_VOCABULARY, a.themes[k], needLabel(a.themes[k])] : ["", "", ""])).flat(),
    ];
  });
  return { header, rows };
}
