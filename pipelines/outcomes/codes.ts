// Participant codes must be pseudonymous: refuse codes (and any value) that look like a name, NHS number, email, phone, postcode or date of birth.
import { identifierInValue } from "../referrals/records.ts";

/** What a refused value shows in reports: it is never echoed. */
export const WITHHELD = "(withheld)";

const CODE_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,23}$/;
const DATE_LIKE = /(^|[^0-9])(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})([^0-9]|$)/;
const DIGIT_RUN_10 = /\d{3}[ -]?\d{3}[ -]?\d{4}/;

/**
 * Why a participant code is refused, or null when it is an acceptable pseudonymous code. A code is 1–24 letters,
 * digits, dots, slashes, hyphens or underscores, holds at least one digit, and has no run of four or more letters
 * with a vowel in it (a word, likely a name: "JSMITH1" is refused, "WF-017" and "HCKN-3" are not).
 */
export function participantCodeProblem(code: string): string | null {
  const value = code.trim();
  if (value === "") return "missing: every participant row needs the code your group gave the participant";
  const identifier = identifierInValue(value);
  if (identifier) return `${identifier}: use a made-up participant code instead`;
  if (DIGIT_RUN_10.test(value)) return "looks like an NHS number (ten digits): use a made-up participant code instead";
  if (DATE_LIKE.test(value)) return "looks like a date (of birth?): use a made-up participant code instead";
  if (/\s/.test(value) && /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(value)) return "looks like a person's name: use a made-up participant code instead";
  if (!CODE_SHAPE.test(value)) return "is not a participant code: use 1 to 24 letters, digits and hyphens, such as P-014";
  if (!/\d/.test(value)) return "looks like a name or word (a participant code needs at least one digit, such as P-014)";
  if ((value.match(/[A-Za-z]{4,}/g) ?? []).some((run) => /[aeiouy]/i.test(run))) return "looks like a name or word: use a made-up participant code such as P-014";
  return null;
}

/** Why any other cell is refused because it holds a direct identifier, or null. */
export function identifierProblem(value: string): string | null {
  return identifierInValue(value);
}
