// How many sessions a week an Open Referral schedule describes (RFC 5545-style freq/interval/byday), so provision can be counted in sessions, not just services (browser-safe, pure).

/** The schedule fields this reads (HSDS 3 `schedule`; the older Open Referral UK `regular_schedule` adds `weekday`). */
export interface ScheduleFields {
  freq?: string | null;
  interval?: number | string | null;
  byday?: string | null;
  bymonthday?: string | null;
  /** Older Open Referral UK feeds: one weekday per regular_schedule row ("Monday", "MO", …). */
  weekday?: string | null;
}

export const WEEKS_PER_MONTH = 52 / 12;

const DAY = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

/** The BYDAY tokens that are valid ("TH", "1MO", "-1FR"), upper-cased, and the ones that are not. */
export function parseByday(byday: string | null | undefined): { days: string[]; invalid: string[] } {
  const days: string[] = [];
  const invalid: string[] = [];
  for (const raw of (byday ?? "").split(/[,;\s]+/)) {
    const token = raw.trim().toUpperCase();
    if (token === "") continue;
    if (DAY.test(token)) days.push(token);
    else invalid.push(raw.trim());
  }
  return { days, invalid };
}

function listLength(text: string | null | undefined): number {
  return (text ?? "").split(/[,;\s]+/).filter((t) => t.trim() !== "").length;
}

function positiveInterval(interval: number | string | null | undefined): number | null {
  if (interval === null || interval === undefined || interval === "") return 1;
  const n = typeof interval === "number" ? interval : Number(String(interval).trim());
  return Number.isInteger(n) && n >= 1 ? n : null;
}

/**
 * Average sessions a week: WEEKLY counts the BYDAY days (1 when none), DAILY 7 (or the BYDAY days), MONTHLY the
 * BYDAY or BYMONTHDAY entries (1 when none) × 12/52, YEARLY 1/52; each divided by INTERVAL. A bare `weekday`
 * (older feeds) is one session a week. Null when the schedule does not say how often (no or unknown freq, bad
 * interval) — the caller reports that, nothing is guessed. Validity dates, COUNT and UNTIL are not applied.
 */
export function sessionsPerWeek(schedule: ScheduleFields): number | null {
  const freq = (schedule.freq ?? "").trim().toUpperCase();
  const interval = positiveInterval(schedule.interval);
  if (interval === null) return null;
  const days = parseByday(schedule.byday).days.length;
  if (freq === "") return schedule.weekday && String(schedule.weekday).trim() !== "" ? 1 / interval : null;
  if (freq === "WEEKLY") return Math.max(1, days) / interval;
  if (freq === "DAILY") return (days > 0 ? days : 7) / interval;
  if (freq === "MONTHLY") {
    const perMonth = days > 0 ? days : Math.max(1, listLength(schedule.bymonthday));
    return perMonth / WEEKS_PER_MONTH / interval;
  }
  if (freq === "YEARLY") return 1 / 52 / interval;
  return null;
}

const WEEKDAYS: Record<string, string> = {
  monday: "MO", tuesday: "TU", wednesday: "WE", thursday: "TH", friday: "FR", saturday: "SA", sunday: "SU",
  mon: "MO", tue: "TU", tues: "TU", wed: "WE", thu: "TH", thur: "TH", thurs: "TH", fri: "FR", sat: "SA", sun: "SU",
  mo: "MO", tu: "TU", we: "WE", th: "TH", fr: "FR", sa: "SA", su: "SU",
};

/** An older feed's weekday ("Monday", "mon", "MO") as a BYDAY code, or null. */
export function weekdayCode(weekday: string | null | undefined): string | null {
  if (!weekday) return null;
  return WEEKDAYS[weekday.trim().toLowerCase()] ?? null;
}
