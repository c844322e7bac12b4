// The rules a 360Giving grant is checked against, declared once: patterns, code lists, limits and the words of every reason. validate.ts (zod, one grant at a time) and checks.ts (SQL over a whole CSV ledger) both read them.

import { WS } from "../kit/text.ts";

/** Patterns without anchors: JavaScript wraps them in ^…$, SQL uses regexp_full_match. */
export const patterns = {
  fullDate: "\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\\d|3[01])",
  partialDate: "\\d{4}(-(0[1-9]|1[012]))?",
  dateTime: "\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\\d|3[01])[Tt ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?([Zz]|[+-]([01]\\d|2[0-3]):?[0-5]\\d)?",
  /** RFC 3339, what the 360Giving schema's "format": "date-time" means. */
  strictDateTime: "\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)",
  uri: `[a-zA-Z][a-zA-Z0-9+.-]*:[^${WS}]+`,
  /**
   * UK day, month, year, as spreadsheets write dates (converted with a note): 12/03/2025, 12-03-2025, 12.03.2025, and
   * the month by name, 12 Mar 2025, 12 March 2025 or 12-Mar-2025 (monthNumbers).
   */
  dayMonthYear: "(\\d{1,2})[/ .-](\\d{1,2}|[A-Za-z]{3,9})[/ .-](\\d{4})(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2}))?)?",
  number: "-?\\d+(\\.\\d+)?",
  thousands: "-?\\d{1,3}(,\\d{3})+(\\.\\d+)?",
  currencySign: `(£|GBP)[${WS}]*`,
} as const;

/** A month written by name (full, three letters, or Sept), lower case → its number; other words are not months. */
export const monthNumbers: ReadonlyMap<string, number> = new Map([
  ...["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"].flatMap((name, i) => [
    [name, i + 1] as const,
    [name.slice(0, 3), i + 1] as const,
  ]),
  ["sept", 9],
]);

/** A pattern as an anchored JavaScript RegExp. */
export const whole = (source: string, flags = "") => new RegExp(`^(?:${source})$`, flags);

/** ISO 4217 codes of the 360Giving currency codelist (schema 1.4 `$defs.currency.enum`). */
export const currencyCodes = new Set(
  [
    "ADP AED AFA AFN ALK ALL AMD ANG AOA AOK AON AOR ARA ARP ARS ARY ATS AUD AWG AYM AZM AZN BAD BAM BBD BDT BEC BEF",
    "BEL BGJ BGK BGL BGN BHD BIF BMD BND BOB BOP BOV BRB BRC BRE BRL BRN BRR BSD BTN BUK BWP BYB BYN BYR BZD CAD CDF",
    "CHC CHE CHF CHW CLF CLP CNY COP COU CRC CSD CSJ CSK CUC CUP CVE CYP CZK DDM DEM DJF DKK DOP DZD ECS ECV EEK EGP",
    "ERN ESA ESB ESP ETB EUR FIM FJD FKP FRF GBP GEK GEL GHC GHP GHS GIP GMD GNE GNF GNS GQE GRD GTQ GWE GWP GYD HKD",
    "HNL HRD HRK HTG HUF IDR IEP ILP ILR ILS INR IQD IRR ISJ ISK ITL JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT",
    "LAJ LAK LBP LKR LRD LSL LSM LTL LTT LUC LUF LUL LVL LVR LYD MAD MDL MGA MGF MKD MLF MMK MNT MOP MRO MRU MTL MTP",
    "MUR MVQ MVR MWK MXN MXP MXV MYR MZE MZM MZN NAD NGN NIC NIO NLG NOK NPR NZD OMR PAB PEH PEI PEN PES PGK PHP PKR",
    "PLN PLZ PTE PYG QAR RHD ROK ROL RON RSD RUB RUR RWF SAR SBD SCR SDD SDG SDP SEK SGD SHP SIT SKK SLL SOS SRD SRG",
    "SSP STD STN SUR SVC SYP SZL THB TJR TJS TMM TMT TND TOP TPE TRL TRY TTD TWD TZS UAH UAK UGS UGW UGX USD USN USS",
    "UYI UYN UYP UYU UZS VEB VEF VES VNC VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XDR XEU XFO XFU XOF XPD XPF XPT",
    "XRE XSU XTS XUA XXX YDD YER YUD YUM YUN ZAL ZAR ZMK ZMW ZRN ZRZ ZWC ZWD ZWL ZWN ZWR",
  ]
    .join(" ")
    .split(" "),
);

/** ISO 3166-1 alpha-2 codes of the 360Giving country codelist (schema 1.4 `Location.countryCode.enum`). */
export const countryCodes = new Set(
  [
    "AF AX AL DZ AS AD AO AI AQ AG AR AM AW AU AT AZ BS BH BD BB BY BE BZ BJ BM BT BO BQ BA BW BV BR IO BN BG BF BI",
    "KH CM CA CV KY CF TD CL CN CX CC CO KM CG CD CK CR CI HR CU CW CY CZ DK DJ DM DO EC EG SV GQ ER EE ET FK FO FJ",
    "FI FR GF PF TF GA GM GE DE GH GI GR GL GD GP GU GT GG GN GW GY HT HM VA HN HK HU IS IN ID IR IQ IE IM IL IT JM",
    "JP JE JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU MO MK MG MW MY MV ML MT MH MQ MR MU YT MX FM MD MC MN",
    "ME MS MA MZ MM NA NR NP NL NC NZ NI NE NG NU NF MP NO OM PK PW PS PA PG PY PE PH PN PL PT PR QA RE RO RU RW BL",
    "SH KN LC MF PM VC WS SM ST SA SN RS SC SL SG SX SK SI SB SO ZA GS SS ES LK SD SR SJ SZ SE CH SY TW TJ TZ TH TL",
    "TG TK TO TT TN TR TM TC TV UG UA AE GB US UM UY UZ VU VE VN VG VI WF EH YE ZM ZW",
  ]
    .join(" ")
    .split(" "),
);

/** Closed codelists of the standard (codelists/*.csv), with the names the reasons give them. */
export const codelists = {
  regrantType: { name: "Regrant Type", codes: ["FRG010", "FRG020", "FRG030", "FRG040", "FRG050", "FRG060", "FRG070"] },
  locationScope: { name: "Location Scope", codes: ["GLS010", "GLS020", "GLS030", "GLS040", "GLS050", "GLS060", "GLS099"] },
  grantReason: { name: "Grant to Individuals Reason", codes: Array.from({ length: 12 }, (_, i) => `GTIR${String((i + 1) * 10).padStart(3, "0")}`) },
  grantPurpose: { name: "Grant to Individuals Purpose", codes: Array.from({ length: 17 }, (_, i) => `GTIP${String((i + 1) * 10).padStart(3, "0")}`) },
} as const;

/** Which codelist an optional leaf must come from, by field name. */
export const codelistOf: Record<string, keyof typeof codelists> = {
  regrantType: "regrantType",
  locationScope: "locationScope",
  primaryGrantReason: "grantReason",
  secondaryGrantReason: "grantReason",
  grantPurpose: "grantPurpose",
};

/** Grants of £10 billion or more are not plausible (the largest UK grants are hundreds of millions): a typo, or pence. */
export const MAX_PLAUSIBLE_AMOUNT = 10_000_000_000;

/** Numeric bounds of optional leaves (a value outside is dropped with a warning). */
export const numberBounds: Record<string, { min?: number; max?: number; nonNegative?: boolean }> = {
  "plannedDates/duration": { nonNegative: true },
  "actualDates/duration": { nonNegative: true },
  latitude: { min: -90, max: 90 },
  longitude: { min: -180, max: 180 },
  amountAppliedFor: { nonNegative: true },
  amountDisbursed: { nonNegative: true },
};

/** Leaves whose written text is a date (day/month/year converted), those read as amounts (£ and commas allowed). */
export const dateLeaves = new Set(["awardDate", "startDate", "endDate", "transactionDate", "valueDate"]);
export const amountLeaves = new Set(["amountAwarded", "amountAppliedFor", "amountDisbursed", "value"]);
/** Top-level leaves whose failure rejects the grant. */
export const coreLeaves = new Set(["id", "amountAwarded", "awardDate", "currency"]);

const pounds = (n: number) => n.toLocaleString("en-GB");

/** Every reason a grant gets, in one place. Functions take the value (JavaScript) or a placeholder (SQL, see sqlReason). */
export const reasons = {
  awardDate: "must be a date such as 2025-03-12, 12/03/2025 or 12 Mar 2025 (or a full date-time)",
  eventDate: "must be YYYY-MM-DD, YYYY-MM, YYYY or a date-time",
  dateTime: "must be a full date-time with a time zone, such as 2024-04-01T00:00:00Z",
  uri: "must be a full web address starting with http:// or https://",
  countryCode: "must be a two-letter ISO 3166 country code such as GB",
  currencyCode: "is not an ISO 4217 currency code",
  didYouMeanGbp: " (did you mean GBP?)",
  yesNo: "must be Yes or No",
  notInCodelist: (list: string) => `is not a code in the ${list} codelist`,
  negative: "must not be negative",
  tooSmall: (min: number) => `Too small: expected number to be >=${min}`,
  tooBig: (max: number) => `Too big: expected number to be <=${max}`,
  notNumber: "is not a number",
  notAmount: "is not a number (write digits only, e.g. 1200.50)",
  tooLarge: `is too large to be a grant (£${pounds(MAX_PLAUSIBLE_AMOUNT)} or more): check for a typo, or an amount written in pence`,
  implausible: (amount: string) =>
    `Amount Awarded ${amount} is not plausible for a grant (£${pounds(MAX_PLAUSIBLE_AMOUNT)} or more): check for a typo, or an amount written in pence`,
  notRealDmy: "is not a real date (read as day/month/year)",
  dmyNote: (iso: string) => `converted: written day/month/year; read as ${iso}`,
  dateOfDateTime: (date: string) => `converted: not a full date-time with a time zone; read as the date ${date}`,
  yesNoNote: (fixed: string) => `converted: must be Yes or No; read as ${fixed}`,
  ukNote: "converted: the ISO code for the United Kingdom is GB",
  upperCurrency: (code: string) => `converted: currency codes are upper case; read as ${code}`,
  converted: (note: string) => `converted: ${note}`,
  amountNotes: { sign: "currency sign removed", thousands: "thousands separators removed", rounded: "rounded to the nearest penny" },
  ignored: (reason: string) => `${reason}; value ignored`,
  idRequired: "Identifier is required",
  idPrefix: "a grant Identifier should start with the publisher's 360G- prefix",
  amountRequired: "Amount Awarded is required",
  amountNegative: "Amount Awarded must not be negative",
  currencyRequired: "Currency is required",
  notGbp: (code: string) => `amounts in ${code} are not accepted: Chest Atlas works in pounds sterling (GBP) and does not convert currencies`,
  awardDateRequired: "Award Date is required",
  farPast: (ymd: string) => `Award Date ${ymd} is before 1990: check for a typo or a placeholder date (360Giving FarPastDates)`,
  farFuture: (ymd: string) => `Award Date ${ymd} is more than 5 years in the future: check for a typo or a placeholder date (360Giving FarFutureDates)`,
  future: (ymd: string) => `Award Date ${ymd} is in the future: an award date is when the decision was made (360Giving PostDatedAwardDates)`,
  titleMissing: "Title is missing (required by the standard); kept with an empty title",
  descriptionMissing: "Description is missing (required by the standard); kept with an empty description",
  orgIdMissing: "the organisation's Identifier is missing (required by the standard)",
  orgNameMissing: "the organisation's Name is missing (required by the standard)",
  individualIncomplete: 'the individual recipient\'s Identifier and Name are both required (use a generic name such as "Individual Recipient")',
  noRecipient: "no recipient: give Recipient Org:Identifier and Recipient Org:Name, or Recipient Ind:Identifier and Recipient Ind:Name",
  bothRecipients: "a grant has either a recipient organisation or a recipient individual, not both",
  noFunder: "no funding organisation: give Funding Org:Identifier and Funding Org:Name",
} as const;

/** The generic name an individual recipient without one gets. */
export const INDIVIDUAL_NAME = "Individual Recipient";

/** Award dates before this are suspicious (360Giving FarPastDates). */
export const EARLIEST_AWARD = "1990-01-01";
/** Award dates more than this many years after today are suspicious (360Giving FarFutureDates). */
export const FAR_FUTURE_YEARS = 5;
