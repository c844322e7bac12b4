// Need-aware assessment of grant applications (browser-safe, pure): evidence scores with their reasons, where each request draws on the agreed split, and what is left of it.
//
// An application serves some areas (codes of whatever unit the round's decision record splits the pot by:
// boroughs, neighbourhoods, MSOAs…) for some need themes (src/lib/needs.ts keys). The evidence comes in as plain
// rows — for each area and theme a need, a gap and a provision value on a 0–100 scale (higher need = more need;
// higher gap = more need left unmet; provision 0 = nothing reaches today) — so any engine can feed it. A row for
// theme "all" stands in for a theme that has no row of its own.
//
// THE EVIDENCE SCORE (0–100) is a weighted mean of criteria, each 0–100 and each with a plain-English reason:
//   need            mean need of the area–theme pairs it serves, weighted by the share of its work in each area
//                   (the application's own split, equal by default) and equally across its themes;
//   gap             the same for the gap;
//   unspent         how much of the agreed allocation it would draw on is still unspent: the remaining share of
//                   each allocation line, weighted by what the request would charge to that line (see below);
//   new provision   the share of its work (same weights) in area–theme pairs where nothing reaches today
//                   (provision at or below `noProvisionAt`);
//   small org       a score for the organisation's income band (micro and small groups first).
// A criterion that cannot be judged for an application (no evidence rows for its areas, no allocation lines)
// is left out of its mean, the others carrying its weight, and its reason says so.
//
// CHARGES: a request is charged to the decision record's lines in whole pence — to area lines in proportion to
// the share of work in each area, to theme lines equally across its themes, to area-and-theme lines by both —
// split by largest remainder so the parts add up to the request exactly. When the record splits the pot by area,
// an area it does not list has nothing allocated (likewise themes): a request there meets a cap of £0.

import { formatPounds } from "./format.js";
import { type IncomeBand, incomeBandLabel } from "./income-bands.js";
import { ALL_NEEDS, needLabel } from "./needs.js";

export interface AreaThemeEvidence {
  area: string;
  /** A need category key, or "all" for the row used when a theme has none of its own. */
  theme: string;
  need: number;
  gap: number;
  provision: number;
}

export interface ApplicationArea {
  code: string;
  /** Share of the work in this area (any positive numbers; normalised). Equal when left out. */
  share?: number;
}

export interface ApplicationInput {
  id: string;
  title?: string;
  /** Amount requested, in pounds. */
  amount: number;
  themes: readonly string[];
  areas: readonly ApplicationArea[];
  incomeBand?: IncomeBand | null;
}

/** One line of the decision record's split: an area, a theme, or an area and a theme, and the amount agreed. */
export interface AllocationLine {
  area?: string | null;
  theme?: string | null;
  amount: number;
}

/** Money already awarded (or, for variance, the awards), attributed to an area and theme where known. */
export interface MoneyRow {
  area?: string | null;
  theme?: string | null;
  amount: number;
}

export type CriterionKey = "need" | "gap" | "unspent" | "newProvision" | "smallOrganisation";

export interface AssessmentCriteria {
  /** Relative weights (any non-negative numbers; 0 switches a criterion off). */
  weights: Record<CriterionKey, number>;
  /** Provision at or below this counts as "nothing reaches today". */
  noProvisionAt: number;
  /** Score 0–100 for each income band, and for a band not given. */
  incomeBandScores: Record<IncomeBand | "unknown", number>;
}

export const CRITERION_LABELS: Readonly<Record<CriterionKey, string>> = Object.freeze({
  need: "Need",
  gap: "Gap",
  unspent: "Agreed allocation still unspent",
  newProvision: "New provision",
  smallOrganisation: "Small organisation",
});

export const DEFAULT_CRITERIA: AssessmentCriteria = Object.freeze({
  weights: Object.freeze({ need: 30, gap: 30, unspent: 15, newProvision: 15, smallOrganisation: 10 }),
  noProvisionAt: 0,
  incomeBandScores: Object.freeze({ micro: 100, small: 75, medium: 25, large: 0, major: 0, super_major: 0, unknown: 0 }),
}) as AssessmentCriteria;

export class AssessmentInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssessmentInputError";
  }
}

// ------------------------------------------------------------------------------------------------ charges

/**
 * Split whole pence `total` (≥ 0) in proportion to non-negative `weights` so the parts add up exactly: largest
 * remainder, ties to the earlier part (the rule of pipelines/grants/money.ts, kept here because pages import this).
 */
export function splitPence(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) {
    if (total !== 0) throw new AssessmentInputError("cannot split a non-zero amount over no parts");
    return [];
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const w = sum > 0 ? weights : weights.map(() => 1);
  const s = sum > 0 ? sum : weights.length;
  const raw = w.map((x) => (total * x) / s);
  const parts = raw.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k].i] += 1;
  return parts;
}

export type LineKind = "area" | "theme" | "area-theme";

export interface Charge {
  kind: LineKind;
  area: string | null;
  theme: string | null;
  /** Index into the allocation lines, or -1 when the record has no line for it (nothing allocated). */
  line: number;
  pence: number;
}

/** Which kind of line this is: area, theme, or area and theme (null when it names neither). */
export function kindOf(line: { area?: string | null; theme?: string | null }): LineKind | null {
  const a = line.area != null && line.area !== "";
  const t = line.theme != null && line.theme !== "";
  return a && t ? "area-theme" : a ? "area" : t ? "theme" : null;
}

function lineKey(kind: LineKind, area: string | null, theme: string | null): string {
  return `${kind}\u0000${area ?? ""}\u0000${theme ?? ""}`;
}

/** Index the lines by kind and key; refuses duplicate lines and lines with neither area nor theme. */
export function indexLines(lines: readonly AllocationLine[]): { kinds: Set<LineKind>; byKey: Map<string, number> } {
  const kinds = new Set<LineKind>();
  const byKey = new Map<string, number>();
  lines.forEach((l, i) => {
    const kind = kindOf(l);
    if (!kind) throw new AssessmentInputError(`allocation line ${i + 1} names neither an area nor a theme`);
    if (!(l.amount >= 0) || !Number.isFinite(l.amount)) throw new AssessmentInputError(`allocation line ${i + 1} has amount ${l.amount}: it must be 0 or more`);
    const key = lineKey(kind, l.area ?? null, l.theme ?? null);
    if (byKey.has(key)) throw new AssessmentInputError(`allocation line ${i + 1} repeats ${describeLine(l)}`);
    kinds.add(kind);
    byKey.set(key, i);
  });
  return { kinds, byKey };
}

function describeLine(l: { area?: string | null; theme?: string | null }): string {
  const parts = [l.area ? l.area : null, l.theme ? needLabel(l.theme) : null].filter(Boolean);
  return parts.join(" / ");
}

/** The area shares of an application, normalised to sum to 1 (equal when none given). */
export function areaShares(app: ApplicationInput): { code: string; share: number }[] {
  if (app.areas.length === 0) return [];
  const raw = app.areas.map((a) => a.share ?? 1);
  if (raw.some((s) => !(s >= 0) || !Number.isFinite(s))) throw new AssessmentInputError(`application ${app.id}: area shares must be 0 or more`);
  const total = raw.reduce((a, b) => a + b, 0);
  return app.areas.map((a, i) => ({ code: a.code, share: total > 0 ? raw[i] / total : 1 / raw.length }));
}

function themesOf(app: ApplicationInput): string[] {
  return app.themes.length ? [...new Set(app.themes)] : [ALL_NEEDS];
}

/** What a request of `pence` would charge to each line of the decision record (one list per line kind present). */
export function chargesFor(app: ApplicationInput, pence: number, index: ReturnType<typeof indexLines>): Charge[] {
  const shares = areaShares(app);
  if (shares.length === 0) throw new AssessmentInputError(`application ${app.id} names no area it will serve`);
  const themes = themesOf(app);
  const charges: Charge[] = [];
  const push = (kind: LineKind, parts: { area: string | null; theme: string | null; weight: number }[]) => {
    const split = splitPence(pence, parts.map((p) => p.weight));
    parts.forEach((p, i) => {
      if (split[i] === 0 && p.weight === 0) return;
      charges.push({ kind, area: p.area, theme: p.theme, line: index.byKey.get(lineKey(kind, p.area, p.theme)) ?? -1, pence: split[i] });
    });
  };
  if (index.kinds.has("area")) push("area", shares.map((s) => ({ area: s.code, theme: null, weight: s.share })));
  if (index.kinds.has("theme")) push("theme", themes.map((t) => ({ area: null, theme: t, weight: 1 })));
  if (index.kinds.has("area-theme")) push("area-theme", shares.flatMap((s) => themes.map((t) => ({ area: s.code, theme: t, weight: s.share / themes.length }))));
  return charges;
}

/** Pence already spent against each line: area lines take every row for the area, theme lines every row for the theme. */
export function spentByLine(lines: readonly AllocationLine[], spent: readonly MoneyRow[]): number[] {
  const out = lines.map(() => 0);
  lines.forEach((l, i) => {
    for (const r of spent) {
      if (l.area && r.area !== l.area) continue;
      if (l.theme && r.theme !== l.theme) continue;
      out[i] += Math.round(r.amount * 100);
    }
  });
  return out;
}

// ------------------------------------------------------------------------------------------------ evidence score

export interface Component {
  key: CriterionKey;
  label: string;
  /** 0–100, or null when it could not be judged (then left out of the mean). */
  value: number | null;
  weight: number;
  /** Points this criterion adds to the 0–100 score (value × its share of the weights in use). */
  points: number;
  reason: string;
}

export interface AssessedApplication {
  id: string;
  title?: string;
  amount: number;
  /** Evidence score, 0–100. */
  score: number;
  components: Component[];
  /** The reasons, one sentence per criterion, in order. */
  reasons: string[];
}

export interface AssessmentContext {
  evidence: readonly AreaThemeEvidence[];
  allocation: readonly AllocationLine[];
  /** Money already awarded this round, attributed to areas and themes. */
  spent?: readonly MoneyRow[];
  criteria?: AssessmentCriteria;
  /** Plain names for area codes, for the reasons. */
  areaNames?: Readonly<Record<string, string>>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function listed(items: string[], max = 4): string {
  if (items.length <= max) return items.join("; ");
  return `${items.slice(0, max).join("; ")}; and ${items.length - max} more`;
}

interface Cell {
  area: string;
  theme: string;
  weight: number;
  row: AreaThemeEvidence | undefined;
}

function cellsOf(app: ApplicationInput, evidence: ReadonlyMap<string, AreaThemeEvidence>): Cell[] {
  const themes = themesOf(app);
  return areaShares(app).flatMap((s) =>
    themes.map((t) => ({
      area: s.code,
      theme: t,
      weight: s.share / themes.length,
      row: evidence.get(`${s.code}\u0000${t}`) ?? evidence.get(`${s.code}\u0000${ALL_NEEDS}`),
    })),
  );
}

/** Score every application on the evidence, with components and reasons. */
export function assessApplications(apps: readonly ApplicationInput[], context: AssessmentContext): AssessedApplication[] {
  const criteria = context.criteria ?? DEFAULT_CRITERIA;
  const evidence = new Map<string, AreaThemeEvidence>();
  for (const r of context.evidence) {
    for (const v of [r.need, r.gap, r.provision]) if (!(v >= 0 && v <= 100)) throw new AssessmentInputError(`evidence for ${r.area} / ${r.theme}: values must be 0–100 (got ${v})`);
    evidence.set(`${r.area}\u0000${r.theme}`, r);
  }
  const index = indexLines(context.allocation);
  const spent = spentByLine(context.allocation, context.spent ?? []);
  const name = (code: string) => context.areaNames?.[code] ?? code;
  return apps.map((app) => {
    if (!(app.amount > 0) || !Number.isFinite(app.amount)) throw new AssessmentInputError(`application ${app.id}: amount must be more than 0 (got ${app.amount})`);
    const cells = cellsOf(app, evidence);
    const where = (c: Cell) => `${name(c.area)}${c.theme === ALL_NEEDS ? "" : ` for ${needLabel(c.theme).toLowerCase()}`}`;
    const known = cells.filter((c) => c.row);
    const knownWeight = known.reduce((a, c) => a + c.weight, 0);
    const mean = (pick: (r: AreaThemeEvidence) => number) => known.reduce((a, c) => a + c.weight * pick(c.row!), 0) / knownWeight;
    const missingNote = known.length < cells.length ? ` (no figures for ${listed(cells.filter((c) => !c.row).map(where), 3)})` : "";
    const values: Record<CriterionKey, { value: number | null; reason: string }> = {
      need:
        known.length === 0
          ? { value: null, reason: "Need: not scored — there are no need figures for the areas and themes it serves." }
          : { value: mean((r) => r.need), reason: `Need ${round1(mean((r) => r.need))} of 100 (higher = more need) where it would work: ${listed(known.map((c) => `${where(c)} ${round1(c.row!.need)}`))}${missingNote}.` },
      gap:
        known.length === 0
          ? { value: null, reason: "Gap: not scored — there are no gap figures for the areas and themes it serves." }
          : { value: mean((r) => r.gap), reason: `Gap ${round1(mean((r) => r.gap))} of 100 (need left unmet by what is provided; higher = bigger gap): ${listed(known.map((c) => `${where(c)} ${round1(c.row!.gap)}`))}${missingNote}.` },
      newProvision: newProvision(known, knownWeight, criteria.noProvisionAt, where),
      unspent: unspent(app, index, context.allocation, spent, name),
      smallOrganisation: {
        value: criteria.incomeBandScores[app.incomeBand ?? "unknown"],
        reason: app.incomeBand
          ? `Small organisation: ${incomeBandLabel(app.incomeBand)} scores ${criteria.incomeBandScores[app.incomeBand]} of 100.`
          : `Small organisation: income band not given, which scores ${criteria.incomeBandScores.unknown} of 100.`,
      },
    };
    const keys = Object.keys(CRITERION_LABELS) as CriterionKey[];
    const used = keys.filter((k) => criteria.weights[k] > 0 && values[k].value !== null);
    const totalWeight = used.reduce((a, k) => a + criteria.weights[k], 0);
    const components: Component[] = keys.map((k) => {
      const inUse = used.includes(k);
      const points = inUse ? (values[k].value! * criteria.weights[k]) / totalWeight : 0;
      const off = criteria.weights[k] > 0 ? "" : " (weight 0: not counted)";
      return { key: k, label: CRITERION_LABELS[k], value: values[k].value, weight: criteria.weights[k], points, reason: values[k].reason + off };
    });
    const score = components.reduce((a, c) => a + c.points, 0);
    return { id: app.id, title: app.title, amount: app.amount, score, components, reasons: components.map((c) => c.reason) };
  });
}

function newProvision(known: Cell[], knownWeight: number, at: number, where: (c: Cell) => string): { value: number | null; reason: string } {
  if (known.length === 0) return { value: null, reason: "New provision: not scored — there are no provision figures for the areas and themes it serves." };
  const none = known.filter((c) => c.row!.provision <= at);
  const value = (100 * none.reduce((a, c) => a + c.weight, 0)) / knownWeight;
  if (none.length === 0) return { value, reason: "New provision: some provision already reaches every area and theme it would serve." };
  return {
    value,
    reason: `New provision: ${round1(value)}% of its work would be where nothing reaches today (${listed(none.map(where))}).`,
  };
}

function unspent(
  app: ApplicationInput,
  index: ReturnType<typeof indexLines>,
  lines: readonly AllocationLine[],
  spent: readonly number[],
  name: (code: string) => string,
): { value: number | null; reason: string } {
  if (lines.length === 0) return { value: null, reason: "Agreed allocation: not scored — there is no decision record for this round yet." };
  const charges = chargesFor(app, Math.round(app.amount * 100), index);
  let weighted = 0;
  let total = 0;
  const parts: string[] = [];
  for (const c of charges) {
    const agreed = c.line >= 0 ? Math.round(lines[c.line].amount * 100) : 0;
    const left = Math.max(0, agreed - (c.line >= 0 ? spent[c.line] : 0));
    const fraction = agreed > 0 ? left / agreed : 0;
    weighted += c.pence * fraction;
    total += c.pence;
    const label = describeLine({ area: c.area ? name(c.area) : null, theme: c.theme === ALL_NEEDS ? null : c.theme }) || "all themes";
    parts.push(c.line >= 0 ? `${label} ${pounds(left)} of ${pounds(agreed)} left (${Math.round(fraction * 100)}%)` : `${label} nothing allocated`);
  }
  const value = total > 0 ? (100 * weighted) / total : 0;
  return { value, reason: `Agreed allocation still unspent where it would draw: ${listed(parts)}; ${round1(value)} of 100 weighted by what it would draw on each.` };
}

/** Whole pence as £1,234, or £1,234.56 when there are pence. */
function pounds(pence: number): string {
  return formatPounds(pence / 100, { pence: pence % 100 !== 0 });
}

export { pounds as formatPence };
