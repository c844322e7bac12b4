// Choosing awards within the pot and the agreed split, and comparing what was awarded with what was agreed (browser-safe, pure).
//
// SUGGESTED SET — the rule, as the awarding page states it: take applications in order of score, highest first
// (ties: the smaller request, then the id). Add an application when its whole request fits both in what is
// left of the pot and in what is left of every allocation line it would draw on (the request split across its
// areas by the share of work in each and equally across its themes, in whole pence: src/lib/assessment.ts
// chargesFor). Otherwise skip it, say which limit it hit, and try the next. Money already awarded in the round
// comes off the pot and the lines first. In whole pence throughout, so the set never exceeds the pot or a line.
//
// AWARDED AGAINST AGREED: for every line of the decision record, the amount agreed, the amount awarded against
// it (area lines take every award for that area whatever its theme; theme lines every award for the theme), the
// difference in pounds, the share of agreed and awarded money the line holds within its kind (area / theme /
// area-and-theme), and the difference in percentage points. Awards that fall on no line of a kind (an area or
// theme the record does not list, or none recorded) are shown as one "outside the agreed split" row for that
// kind, so the shares of each kind add up to 100%.

import {
  type AllocationLine,
  type ApplicationInput,
  type Charge,
  type LineKind,
  type MoneyRow,
  AssessmentInputError,
  chargesFor,
  formatPence,
  indexLines,
  kindOf,
  spentByLine,
} from "./assessment.js";
import { needLabel } from "./needs.js";

export const SUGGESTION_RULE =
  "Applications in order of score, highest first (ties: smaller request, then id). Each is added when its whole request fits in what is left " +
  "of the pot and of every allocation line it would draw on (split across its areas by share of work and equally across its themes); " +
  "otherwise it is skipped and the next one is tried. Areas or themes the decision record does not list have nothing allocated.";

export interface ScoredApplication extends ApplicationInput {
  score: number;
}

export interface SuggestedAward {
  id: string;
  amount: number;
  score: number;
  charges: Charge[];
}

export interface SkippedApplication {
  id: string;
  amount: number;
  score: number;
  reason: string;
}

export interface LineStatus {
  line: number;
  kind: LineKind;
  area: string | null;
  theme: string | null;
  agreed: number;
  spentBefore: number;
  suggested: number;
  left: number;
}

export interface Suggestion {
  rule: string;
  chosen: SuggestedAward[];
  skipped: SkippedApplication[];
  pot: number;
  spentBefore: number;
  suggested: number;
  left: number;
  lines: LineStatus[];
}

export interface SuggestionInput {
  applications: readonly ScoredApplication[];
  pot: number;
  allocation: readonly AllocationLine[];
  /** Money already awarded this round (comes off the pot and the lines first). */
  spent?: readonly MoneyRow[];
  areaNames?: Readonly<Record<string, string>>;
}

function lineName(kind: LineKind, area: string | null, theme: string | null, names?: Readonly<Record<string, string>>): string {
  const a = area ? (names?.[area] ?? area) : null;
  const t = theme ? needLabel(theme) : null;
  return kind === "area-theme" ? `${a} / ${t}` : (a ?? t ?? "");
}

/** Greedy by score within the pot and every allocation line (the rule above). */
export function suggestAwards(input: SuggestionInput): Suggestion {
  const { allocation } = input;
  const index = indexLines(allocation);
  const potPence = Math.round(input.pot * 100);
  if (!(potPence >= 0)) throw new AssessmentInputError(`the pot must be 0 or more (got ${input.pot})`);
  const spentRows = input.spent ?? [];
  const spentBefore = spentRows.reduce((a, r) => a + Math.round(r.amount * 100), 0);
  const lineSpent = spentByLine(allocation, spentRows);
  const lineLeft = allocation.map((l, i) => Math.round(l.amount * 100) - lineSpent[i]);
  const lineSuggested = allocation.map(() => 0);
  let potLeft = potPence - spentBefore;
  const order = [...input.applications].sort((a, b) => b.score - a.score || a.amount - b.amount || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const chosen: SuggestedAward[] = [];
  const skipped: SkippedApplication[] = [];
  for (const app of order) {
    const pence = Math.round(app.amount * 100);
    if (!(pence > 0)) throw new AssessmentInputError(`application ${app.id}: amount must be more than 0 (got ${app.amount})`);
    const charges = chargesFor(app, pence, index);
    const base = { id: app.id, amount: app.amount, score: app.score };
    if (pence > potLeft) {
      skipped.push({ ...base, reason: `does not fit in the pot: it asks for ${formatPence(pence)} and ${formatPence(Math.max(0, potLeft))} is left` });
      continue;
    }
    const blocked = charges.filter((c) => c.pence > 0 && c.pence > (c.line >= 0 ? lineLeft[c.line] : 0));
    if (blocked.length) {
      const why = blocked.map((c) => {
        const name = lineName(c.kind, c.area, c.theme, input.areaNames);
        return c.line >= 0
          ? `${name} has ${formatPence(Math.max(0, lineLeft[c.line]))} left and it would draw ${formatPence(c.pence)}`
          : `the decision record allocates nothing to ${name}`;
      });
      skipped.push({ ...base, reason: `would exceed the agreed split: ${why.join("; ")}` });
      continue;
    }
    for (const c of charges) {
      if (c.line < 0) continue; // only zero charges reach here without a line
      lineLeft[c.line] -= c.pence;
      lineSuggested[c.line] += c.pence;
    }
    potLeft -= pence;
    chosen.push({ ...base, charges });
  }
  const suggested = chosen.reduce((a, c) => a + Math.round(c.amount * 100), 0);
  return {
    rule: SUGGESTION_RULE,
    chosen,
    skipped,
    pot: input.pot,
    spentBefore: spentBefore / 100,
    suggested: suggested / 100,
    left: potLeft / 100,
    lines: allocation.map((l, i) => ({
      line: i,
      kind: kindOf(l)!,
      area: l.area ?? null,
      theme: l.theme ?? null,
      agreed: l.amount,
      spentBefore: lineSpent[i] / 100,
      suggested: lineSuggested[i] / 100,
      left: lineLeft[i] / 100,
    })),
  };
}

// ------------------------------------------------------------------------------------------------ variance

export interface VarianceRow {
  kind: LineKind;
  area: string | null;
  theme: string | null;
  /** True for the row that gathers awards on no line of this kind. */
  outside: boolean;
  agreed: number;
  awarded: number;
  /** awarded − agreed, pounds. */
  variance: number;
  /** awarded ÷ agreed; null when nothing was agreed. */
  shareOfAgreedSpent: number | null;
  /** The line's share of all agreed money of its kind, 0–1. */
  agreedShare: number;
  /** The line's share of all awarded money of its kind, 0–1 (null when nothing was awarded). */
  awardedShare: number | null;
  /** (awardedShare − agreedShare) × 100. */
  variancePoints: number | null;
}

/** Each line of the decision record against the awards (pounds and percentage points), plus "outside" rows per kind. */
export function awardedAgainstAgreed(allocation: readonly AllocationLine[], awarded: readonly MoneyRow[]): VarianceRow[] {
  const index = indexLines(allocation);
  const onLine = spentByLine(allocation, awarded);
  const rows: VarianceRow[] = [];
  for (const kind of ["area", "theme", "area-theme"] as LineKind[]) {
    if (!index.kinds.has(kind)) continue;
    const lines = allocation.map((l, i) => ({ l, i })).filter(({ l }) => kindOf(l) === kind);
    const agreedTotal = lines.reduce((a, { l }) => a + Math.round(l.amount * 100), 0);
    const awardedTotal = awarded.reduce((a, r) => a + Math.round(r.amount * 100), 0);
    const lineAwarded = lines.reduce((a, { i }) => a + onLine[i], 0);
    const make = (area: string | null, theme: string | null, agreedP: number, awardedP: number, outside: boolean): VarianceRow => {
      const agreedShare = agreedTotal > 0 ? agreedP / agreedTotal : 0;
      const awardedShare = awardedTotal > 0 ? awardedP / awardedTotal : null;
      return {
        kind,
        area,
        theme,
        outside,
        agreed: agreedP / 100,
        awarded: awardedP / 100,
        variance: (awardedP - agreedP) / 100,
        shareOfAgreedSpent: agreedP > 0 ? awardedP / agreedP : null,
        agreedShare,
        awardedShare,
        variancePoints: awardedShare === null ? null : (awardedShare - agreedShare) * 100,
      };
    };
    for (const { l, i } of lines) rows.push(make(l.area ?? null, l.theme ?? null, Math.round(l.amount * 100), onLine[i], false));
    if (awardedTotal - lineAwarded !== 0) rows.push(make(null, null, 0, awardedTotal - lineAwarded, true));
  }
  return rows;
}

// ------------------------------------------------------------------------------------------------ from the split

/** The shape of an allocation result (src/lib/allocation.ts on the workshop branch): per-area amounts, optionally per theme. */
export interface SplitLike {
  ids: readonly string[];
  amount: ArrayLike<number>;
  themes?: readonly { key: string; amount: ArrayLike<number>; total: number }[];
}

/**
 * A decision record's split as allocation lines: one line per area, plus per theme either its total ("totals",
 * the default: caps by area and by theme separately), one line per area and theme ("cells": the tightest), or
 * nothing ("none").
 */
export function linesFromSplit(split: SplitLike, themes: "totals" | "cells" | "none" = "totals"): AllocationLine[] {
  const lines: AllocationLine[] = split.ids.map((area, i) => ({ area, amount: split.amount[i] }));
  for (const t of themes === "none" ? [] : (split.themes ?? [])) {
    if (themes === "totals") lines.push({ theme: t.key, amount: t.total });
    else split.ids.forEach((area, i) => lines.push({ area, theme: t.key, amount: t.amount[i] }));
  }
  return lines;
}
