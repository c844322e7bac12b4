// Applications are about organisations, not people: the contact-person columns and values refused in them (names, emails, phone numbers), as referrals refuse theirs.
//
// The value patterns are the shared ones (pipelines/privacy/identifiers.ts, copied unchanged from branch
// "faults", where referrals use them): NHS numbers, emails (plain or obfuscated), UK phone numbers. Venue
// addresses and postcodes are allowed (a church hall is not a person), so the shared street and postcode checks
// are not applied; titled names are looked for anywhere in the text ("Run by Mrs Jane Smith"), not only at the
// start of a value as in referral fields.
import { identifierChecks, isNhsNumber, jsPattern } from "../privacy/identifiers.ts";
import { identifierColumn, normaliseHeader } from "../referrals/vocabulary.ts";

const SHARED = identifierChecks.filter((c) => c.key === "email" || c.key === "obfuscated-email" || c.key === "phone").map((c) => ({ reason: c.reason, re: jsPattern(c.pattern) }));
/** A title written as titles are (Mr, MRS, Dr…) followed by a capitalised name: "Mrs Jane Smith", "Dr. Patel". */
const TITLED_NAME = /(^|[\s,;:(])(M[Rr][Ss]?|M[Ss]|Miss|MISS|M[Xx]|D[Rr]|Prof|PROF|Rev|REV|Revd)\.?\s+[A-Z][A-Za-z]/;
const NHS_CANDIDATE = /(?:^|[^0-9.])(\d{3}[ -]?\d{3}[ -]?\d{4})(?=[^0-9]|$)/g;

/** Column titles that hold contact people's details: the file is refused whole (nothing from it is read). */
const CONTACT_COLUMN = /(^|_)(contact|contact_?person|lead_?contact|main_?contact|applicant|signatory|named_?person)(_?names?)?($|_)/;

/** Why a header names a column of personal details, or null. */
export function applicationIdentifierColumn(header: string): string | null {
  const n = normaliseHeader(header);
  if (CONTACT_COLUMN.test(n)) return "a contact person";
  const what = identifierColumn(header);
  // The referral rules refuse any "address" column; an organisation's or venue's address is not a person's.
  return what === "address" ? null : what;
}

/** What personal identifier a value looks like it holds, or null. */
export function applicationIdentifierInValue(value: string): string | null {
  for (const m of value.matchAll(NHS_CANDIDATE)) if (isNhsNumber(m[1].replace(/[ -]/g, ""))) return "looks like an NHS number";
  for (const c of SHARED) if (c.re.test(value)) return c.reason;
  if (TITLED_NAME.test(value)) return "looks like a person's name (a title such as Mr or Dr and a name)";
  return null;
}
