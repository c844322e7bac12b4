// The monitoring return format (one place for the reader, the XLSX template, the demo and the README): sheets, columns, vocabularies, quarters.
import { ageBands } from "../referrals/vocabulary.ts";

export { ageBands };

/** The three parts of a return; as CSV each is its own file (told apart by its header), as XLSX each is a sheet. */
export const sheetKinds = ["returns", "reach", "participants"] as const;
export type SheetKind = (typeof sheetKinds)[number];

export interface ColumnDoc {
  name: string;
  required: boolean;
  description: string;
}

export const swemwbsItems = ["swemwbs_1", "swemwbs_2", "swemwbs_3", "swemwbs_4", "swemwbs_5", "swemwbs_6", "swemwbs_7"] as const;
export const onsColumns = ["ons_life_satisfaction", "ons_worthwhile", "ons_happiness", "ons_anxiety"] as const;
export const stages = ["before", "after"] as const;
export type Stage = (typeof stages)[number];
export const gpAnswers = ["yes", "no", "unsure"] as const;
export type GpAnswer = (typeof gpAnswers)[number];

/** The SWEMWBS statements, in order (the Notes sheet and the README show them so groups ask them the same way). */
export const swemwbsStatements = [
  "I've been feeling optimistic about the future",
  "I've been feeling useful",
  "I've been feeling relaxed",
  "I've been dealing with problems well",
  "I've been thinking clearly",
  "I've been feeling close to other people",
  "I've been able to make up my own mind about things",
];

const grant: ColumnDoc = { name: "grant_id", required: true, description: "the grant's 360Giving identifier (filled in on the template)" };
const period: ColumnDoc = { name: "period", required: true, description: "calendar quarter the figures cover, yyyy-Qn (2025-Q1 = January to March 2025)" };

export const columns: Record<SheetKind, ColumnDoc[]> = {
  returns: [
    grant,
    period,
    { name: "sessions_delivered", required: true, description: "sessions or activities delivered in the quarter (a whole number)" },
    { name: "submitted_on", required: false, description: "date the return was sent, yyyy-mm-dd (used to tell on-time from late returns)" },
  ],
  reach: [
    grant,
    period,
    { name: "borough", required: true, description: "borough the residents live in (name or E09… code)" },
    { name: "age_band", required: true, description: `${ageBands.join(", ")}` },
    { name: "residents", required: true, description: "residents reached for the first time in the quarter (a whole number)" },
  ],
  participants: [
    grant,
    period,
    { name: "participant_code", required: true, description: "a code your group makes up for each participant (e.g. P-014): never a name, NHS number, email, phone number or postcode" },
    { name: "stage", required: true, description: "before (first session) or after (last session)" },
    ...swemwbsItems.map((name, i) => ({ name, required: false, description: `SWEMWBS item ${i + 1}, 1 (none of the time) to 5 (all of the time): "${swemwbsStatements[i]}"` })),
    { name: "swemwbs_total", required: false, description: "SWEMWBS raw total 7–35, if you have only the total (checked against the items when both are given)" },
    { name: "ons_life_satisfaction", required: false, description: "ONS: how satisfied are you with your life nowadays? 0 (not at all) to 10 (completely)" },
    { name: "ons_worthwhile", required: false, description: "ONS: to what extent do you feel the things you do in your life are worthwhile? 0–10" },
    { name: "ons_happiness", required: false, description: "ONS: how happy did you feel yesterday? 0–10" },
    { name: "ons_anxiety", required: false, description: "ONS: how anxious did you feel yesterday? 0–10" },
    { name: "gp_otherwise", required: false, description: `"Without this activity I would have gone to my GP": ${gpAnswers.join(", ")} (asked after)` },
  ],
};

/** Which part of a return a header row is, or null. */
export function sheetKindOf(headers: readonly string[]): SheetKind | null {
  const has = (n: string) => headers.includes(n);
  if (has("participant_code")) return "participants";
  if (has("age_band") && has("residents")) return "reach";
  if (has("sessions_delivered")) return "returns";
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Quarters

export interface Quarter {
  year: number;
  q: 1 | 2 | 3 | 4;
}

export function parseQuarter(text: string): Quarter | null {
  const m = /^(\d{4})[-\s]?Q([1-4])$/i.exec(text.trim());
  return m ? { year: Number(m[1]), q: Number(m[2]) as Quarter["q"] } : null;
}

export const quarterLabel = ({ year, q }: Quarter) => `${year}-Q${q}`;

/** First and last day (yyyy-mm-dd) of a quarter. */
export function quarterDates({ year, q }: Quarter): { start: string; end: string } {
  const startMonth = (q - 1) * 3 + 1;
  const endMonth = startMonth + 2;
  const lastDay = new Date(Date.UTC(year, endMonth, 0)).getUTCDate();
  return { start: `${year}-${String(startMonth).padStart(2, "0")}-01`, end: `${year}-${String(endMonth).padStart(2, "0")}-${lastDay}` };
}

/** A return is due by the last day of the month after the quarter (e.g. 2025-Q1 is due 30 April 2025). */
export function quarterDue({ year, q }: Quarter): string {
  const month = q * 3 + 1; // month after the quarter, 1-based; 13 = January next year
  const y = month > 12 ? year + 1 : year;
  const m = month > 12 ? 1 : month;
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${String(m).padStart(2, "0")}-${lastDay}`;
}

export function quarterOf(date: string): Quarter {
  const [y, m] = date.split("-").map(Number);
  return { year: y, q: (Math.floor((m - 1) / 3) + 1) as Quarter["q"] };
}

/** Every quarter from the one holding `start` to the one holding `end` (dates yyyy-mm-dd), in order. */
export function quartersBetween(start: string, end: string): Quarter[] {
  const out: Quarter[] = [];
  let { year, q } = quarterOf(start);
  const last = quarterOf(end);
  while (year < last.year || (year === last.year && q <= last.q)) {
    out.push({ year, q });
    q = (q === 4 ? 1 : q + 1) as Quarter["q"];
    if (q === 1) year++;
  }
  return out;
}
