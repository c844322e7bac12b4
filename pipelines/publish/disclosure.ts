// Disclosure control: the one gate every count from referral or outcome records passes before it is published.
//
// Pipeline-only (no page imports it; it moved here from src/lib): publish/referrals.ts and every other output built from
// records about people use it, through the cross-layer gate in publish/gate.ts (see that file for the API).
//
// Method (DESIGN.md "Disclosure control"), after NHS Digital's secondary-care disclosure control
// (HES/ECDS from September 2018, extended to SRHAD in 2020; the SRHAD page was read from NHS Digital's
// production-like.nhsd.io copy of the same path):
//   https://digital.nhs.uk/data-and-information/data-tools-and-services/data-services/hospital-episode-statistics/change-to-disclosure-control-methodology-for-hes-and-ecds-from-september-2018
//   https://digital.nhs.uk/data-and-information/find-data-and-publications/statement-of-administrative-sources/methodological-changes/changes-to-the-sexual-and-reproductive-health-activity-dataset-disclosure-control-methodology-for-2019-20
// - a true 0 is published as 0; counts 1..threshold (default 7) are suppressed; every other count is
//   rounded to the nearest multiple of `rounding` (default 5), halves up;
// - means and rates whose count of people is suppressed are suppressed (the HES rule for "simple
//   calculations": 1..7 values used, no calculation is shown);
// - rates are computed from the ROUNDED, published numerator (and the rounded denominator when the
//   denominator is itself a count from records), as the HES method does for percentages ("percentages
//   calculated using the rounded numerator and denominator will differ from ... unrounded numbers").
//   Reason it matters here: our denominators are mostly Census populations, which are public and exact.
//   A rate per 1,000 computed from the unrounded count, shown to one decimal place, gives the count back
//   exactly (8.7 per 1,000 of 1,500 residents ⇒ 12.975 ≤ n < 13.125 ⇒ n = 13) and undoes the rounding.
//   SRHAD's old rules failed in exactly this way (counts of 1 or 2 recoverable from published percentages).
//   A rate built on the rounded count adds no information that the published count does not already give.
// - secondary suppression (the HES rules before 2018 required it; the 2018 method dropped it to be
//   fully automatic and relies on rounding; DESIGN.md and issue 4 ask for it): in every additive group — the children
//   of one parent area within a category, and the categories within one area — a group with exactly one
//   hidden cell gets a second hidden cell (the smallest non-zero published part, ties broken by key),
//   repeated across both dimensions to a fixed point. Rounding alone does not stop "total minus its
//   published parts" from narrowing a hidden cell to a few values, and the narrowing gets sharper as
//   other figures are published beside it. On top of that one-step rule, an exact linear check (over all
//   additive relations at once, treating published rounded figures as exact) adds suppression until no
//   hidden cell is a linear combination of published figures: the classic case the one-step rule misses
//   is a hidden cell that bridges two otherwise separate blocks of hidden cells.
//
// What this does not do (see the caveats on each function): it does not protect figures published by
// other calls or other tables against each other (put every figure that adds up to another into one
// protectTable call, or declare extra relations in `structure.areaGroups`). The bounds that non-negativity
// and rounding intervals give an attacker across overlapping geographies are checked by publish/gate.ts.

import { z } from "zod";

// ---------------------------------------------------------------------------------------------------
// Policy

/** A count that has been through disclosure control. `value` is null exactly when the cell is hidden. */
export type Flag = "ok" | "suppressed" | "secondary";

export interface ProtectedValue {
  value: number | null;
  flag: Flag;
}

/** Rates and means also carry "no-denominator" when there is nothing to divide by (0 referrals, 0 people). */
export type RateFlag = Flag | "no-denominator";

export interface ProtectedRate {
  value: number | null;
  flag: RateFlag;
}

const PolicyObject = z.strictObject({
  /** Counts 1..threshold are suppressed. NHS Digital secondary care practice: 7. */
  threshold: z.number().int().min(0).max(1_000_000).default(7),
  /** Other counts are rounded to the nearest multiple of this (halves up). 1 means no rounding. */
  rounding: z.number().int().min(1).max(1_000_000).default(5),
  /** A true 0 is published as 0 (NHS practice). When false, zeros are suppressed like small counts. */
  zeroIsSafe: z.boolean().default(true),
});

export const DisclosurePolicySchema = PolicyObject.refine((p) => 2 * (p.threshold + 1) >= p.rounding, {
  message:
    "threshold is too low for this rounding base: a count just above the threshold would round to 0, " +
    "and a published 0 must mean a true 0 (need 2 × (threshold + 1) ≥ rounding)",
  path: ["threshold"],
});

export type DisclosurePolicy = z.output<typeof PolicyObject>;
export type DisclosurePolicyInput = z.input<typeof PolicyObject>;

export const DEFAULT_POLICY: DisclosurePolicy = Object.freeze(DisclosurePolicySchema.parse({}));

export class DisclosureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DisclosureError";
  }
}

// Policies this module has validated: frozen, so they cannot have changed since.
const validated = new WeakSet<object>([DEFAULT_POLICY]);

/** Validates a policy (missing fields take the defaults). Throws DisclosureError with the reason. */
export function parsePolicy(input: unknown = {}): DisclosurePolicy {
  if (input !== null && typeof input === "object" && validated.has(input)) return input as DisclosurePolicy;
  const result = DisclosurePolicySchema.safeParse(input ?? {});
  if (!result.success) {
    const reasons = result.error.issues.map((i) => `${i.path.join(".") || "policy"}: ${i.message}`);
    throw new DisclosureError(`invalid disclosure policy: ${reasons.join("; ")}`);
  }
  const policy = Object.freeze(result.data);
  validated.add(policy);
  return policy;
}

// ---------------------------------------------------------------------------------------------------
// Single counts, rates and means

function assertCount(n: unknown, what: string): asserts n is number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new DisclosureError(`${what} must be a non-negative whole number, got ${String(n)}`);
  }
}

/** Nearest multiple of `base`, halves up, in integer arithmetic (12 → 10, 13 → 15, 15 → 20 for base 10). */
export function roundToMultiple(n: number, base: number): number {
  const q = Math.floor(n / base);
  const rem = n - q * base;
  return (2 * rem >= base ? q + 1 : q) * base;
}

/** Suppress 1..threshold (and 0 unless zeroIsSafe), round the rest to the nearest multiple of `rounding`. */
export function protectCount(n: number, policy: DisclosurePolicyInput = DEFAULT_POLICY): ProtectedValue {
  const p = parsePolicy(policy);
  assertCount(n, "count");
  if (n === 0) return p.zeroIsSafe ? { value: 0, flag: "ok" } : { value: null, flag: "suppressed" };
  if (n <= p.threshold) return { value: null, flag: "suppressed" };
  return { value: roundToMultiple(n, p.rounding), flag: "ok" };
}

function isProtected(x: unknown): x is ProtectedValue {
  return x !== null && typeof x === "object" && "flag" in x && "value" in x;
}

function checkProtected(x: ProtectedValue, what: string): void {
  const hidden = x.flag === "suppressed" || x.flag === "secondary";
  if (x.flag !== "ok" && !hidden) throw new DisclosureError(`${what}: unknown flag ${String(x.flag)}`);
  if (hidden !== (x.value === null)) {
    throw new DisclosureError(`${what}: value must be null exactly when the flag is suppressed or secondary`);
  }
  if (x.value !== null) assertCount(x.value, `${what} value`);
}

/** x/y rounded half up to `decimals` places; exact when x and y are whole numbers (the usual case). */
function roundRatio(x: number, y: number, decimals: number): number {
  const scale = 10 ** decimals;
  if (Number.isSafeInteger(x) && Number.isSafeInteger(y) && Number.isSafeInteger(x * scale)) {
    const scaled = x * scale;
    const q = Math.floor(scaled / y);
    const rem = scaled - q * y;
    return (2 * rem >= y ? q + 1 : q) / scale;
  }
  return roundHalfUp(x / y, decimals);
}

/** Half-up rounding on the shortest decimal form of x, so 1.005 → 1.01 rather than 1.00. */
export function roundHalfUp(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  const shifted = Math.round(Number(`${Math.abs(x)}e${decimals}`));
  return sign * Number(`${shifted}e-${decimals}`);
}

function assertDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) {
    throw new DisclosureError(`decimals must be a whole number from 0 to 6, got ${decimals}`);
  }
}

/**
 * A rate per `perN` (1,000 residents; 100 for a percentage) built on a count from records.
 *
 * - `numerator`: the raw count (it goes through protectCount here) or, for a cell of a protected table,
 *   that cell's ProtectedValue — pass the table cell so that a secondary-suppressed count also hides
 *   its rate.
 * - `denominator`: a plain number only when it is public and exact (Census or IoD population); pass a
 *   ProtectedValue when it is itself a count from records (referrals, for an unmet share), so the rate
 *   uses the published rounded denominator and is hidden when the denominator is hidden.
 *
 * The rate is computed from the rounded, published numerator (see the header for why and for the
 * source), then rounded half up to `decimals` (default 1).
 */
export function protectRate(
  numerator: number | ProtectedValue,
  denominator: number | ProtectedValue,
  perN: number,
  policy: DisclosurePolicyInput = DEFAULT_POLICY,
  decimals = 1,
): ProtectedRate {
  const p = parsePolicy(policy);
  if (!(typeof perN === "number" && Number.isFinite(perN) && perN > 0)) {
    throw new DisclosureError(`perN must be a positive number, got ${String(perN)}`);
  }
  assertDecimals(decimals);
  let num: ProtectedValue;
  if (isProtected(numerator)) {
    checkProtected(numerator, "numerator");
    num = numerator;
  } else {
    num = protectCount(numerator, p);
  }
  let den: number;
  if (isProtected(denominator)) {
    checkProtected(denominator, "denominator");
    if (denominator.value === null) return { value: null, flag: denominator.flag };
    den = denominator.value;
  } else {
    if (!(typeof denominator === "number" && Number.isFinite(denominator) && denominator >= 0)) {
      throw new DisclosureError(`denominator must be a non-negative number, got ${String(denominator)}`);
    }
    den = denominator;
  }
  if (num.value === null) return { value: null, flag: num.flag };
  if (den === 0) return { value: null, flag: "no-denominator" };
  return { value: roundRatio(num.value * perN, den, decimals), flag: "ok" };
}

/**
 * A mean over `n` people (days waited, a wellbeing change): hidden when n is 1..threshold, as in the
 * HES rule for simple calculations; otherwise sum / n from the actual values, rounded half up to
 * `decimals` (default 1). A mean does not give n back, so it need not be built on the rounded n.
 * Pass `count` (the protected cell for the same people) so that a mean whose count was hidden by
 * secondary suppression is hidden too.
 */
export function protectMean(
  sum: number,
  n: number,
  policy: DisclosurePolicyInput = DEFAULT_POLICY,
  options: { decimals?: number; count?: ProtectedValue } = {},
): ProtectedRate {
  const p = parsePolicy(policy);
  const decimals = options.decimals ?? 1;
  assertDecimals(decimals);
  assertCount(n, "n");
  if (!Number.isFinite(sum)) throw new DisclosureError(`sum must be a finite number, got ${sum}`);
  if (options.count) {
    checkProtected(options.count, "count");
    if (options.count.value === null) return { value: null, flag: options.count.flag };
  }
  if (n === 0) return { value: null, flag: "no-denominator" };
  if (n <= p.threshold) return { value: null, flag: "suppressed" };
  return { value: roundHalfUp(sum / n, decimals), flag: "ok" };
}

// ---------------------------------------------------------------------------------------------------
// Tables: primary and secondary suppression across areas and categories

/** One count to publish: `key` is the area code, `parent` the area it adds up into (null at the top). */
export interface CountCell {
  key: string;
  parent: string | null;
  category: string;
  count: number;
}

/** A published cell: the raw count is gone. */
export interface PublishedCell {
  key: string;
  parent: string | null;
  category: string;
  value: number | null;
  flag: Flag;
}

/**
 * The additive relations of a table besides `parent`.
 * - `categoryTotals`: total category → the categories that add up to it, e.g.
 *   `{ all: ["loneliness", "debt", ...] }`. Declare it even when one referral can carry several needs
 *   (so the total is less than the sum): treating the relation as exact only adds protection.
 * - `areaGroups`: further area relations applied in every category, for a second layer over the same
 *   areas (LSOAs into wards as well as into MSOAs): `{ total: "E05…", parts: ["E01…", …] }`.
 * A parent's count is always taken to be the sum of its children's (conservative for the same reason).
 * A cell missing from the table is taken to be a published 0 (it is what a reader would assume).
 */
export interface TableStructure {
  categoryTotals?: Record<string, readonly string[]>;
  areaGroups?: ReadonlyArray<{ total: string; parts: readonly string[] }>;
}

export interface ProtectedTable {
  policy: DisclosurePolicy;
  structure: TableStructure;
  cells: PublishedCell[];
  summary: { cells: number; published: number; suppressed: number; secondary: number };
}

/** One additive relation: the `total` cell equals the sum of the `parts` cells (cell ids). */
export interface AdditiveGroup {
  id: string;
  total: string;
  parts: string[];
}

export interface ProtectOptions {
  /**
   * Run the exact linear check after the one-step rule (default true). It costs a sparse elimination
   * over the hidden cells; turn it off only for a table too large for it, and say so where you publish.
   */
  exact?: boolean;
}

const SEP = "\u001f";
const code = z
  .string()
  .min(1, "must not be empty")
  .refine((v) => !v.includes(SEP), "must not contain the unit separator character U+001F");

const CountCellSchema = z.strictObject({
  key: code,
  parent: code.nullable(),
  category: code,
  count: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

const PublishedCellSchema = z.strictObject({
  key: code,
  parent: code.nullable(),
  category: code,
  value: z.number().nullable(),
  flag: z.enum(["ok", "suppressed", "secondary"]).optional(),
});

const StructureSchema = z.strictObject({
  categoryTotals: z.record(code, z.array(code).readonly()).optional(),
  areaGroups: z.array(z.strictObject({ total: code, parts: z.array(code).readonly() })).readonly().optional(),
});

const cellId = (key: string, category: string): string => `${key}${SEP}${category}`;
const splitId = (id: string): [string, string] => {
  const i = id.indexOf(SEP);
  return [id.slice(0, i), id.slice(i + 1)];
};
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function parseStructure(structure: unknown): TableStructure {
  const result = StructureSchema.safeParse(structure ?? {});
  if (!result.success) {
    const reasons = result.error.issues.map((i) => `${i.path.join(".") || "structure"}: ${i.message}`);
    throw new DisclosureError(`invalid table structure: ${reasons.join("; ")}`);
  }
  const s = result.data as TableStructure;
  for (const [total, parts] of Object.entries(s.categoryTotals ?? {})) {
    if (parts.includes(total)) throw new DisclosureError(`category total "${total}" lists itself as a part`);
    if (new Set(parts).size !== parts.length) {
      throw new DisclosureError(`category total "${total}" lists a part twice`);
    }
  }
  for (const g of s.areaGroups ?? []) {
    if (g.parts.includes(g.total)) throw new DisclosureError(`area group "${g.total}" lists itself as a part`);
    if (new Set(g.parts).size !== g.parts.length) {
      throw new DisclosureError(`area group "${g.total}" lists a part twice`);
    }
  }
  return s;
}

function formatIssues(what: string, error: z.ZodError, index: number): string {
  const reasons = error.issues.map((i) => `${i.path.join(".") || "cell"}: ${i.message}`);
  return `${what} ${index + 1}: ${reasons.join("; ")}`;
}

/** Checks keys are unique per (key, category), each area has one parent, and parents form no cycle. */
function checkShape(cells: ReadonlyArray<{ key: string; parent: string | null; category: string }>): void {
  const seen = new Set<string>();
  const parentOf = new Map<string, string | null>();
  for (const c of cells) {
    const id = cellId(c.key, c.category);
    if (seen.has(id)) throw new DisclosureError(`duplicate cell: area "${c.key}", category "${c.category}"`);
    seen.add(id);
    const known = parentOf.get(c.key);
    if (known !== undefined && known !== c.parent) {
      throw new DisclosureError(`area "${c.key}" has two parents: "${known}" and "${c.parent}"`);
    }
    parentOf.set(c.key, c.parent);
  }
  for (const start of parentOf.keys()) {
    const path = new Set<string>([start]);
    let at = parentOf.get(start) ?? null;
    while (at !== null) {
      if (path.has(at)) throw new DisclosureError(`areas form a cycle through "${at}"`);
      path.add(at);
      at = parentOf.get(at) ?? null;
    }
  }
}

/**
 * Every additive relation among the cells present, in a fixed order: parent areas by category, the
 * declared area groups by category, then category totals by area. Groups whose total cell is absent
 * are skipped (nothing is published to subtract from); parts absent from the table count as 0.
 */
export function additiveGroups(
  cells: ReadonlyArray<{ key: string; parent: string | null; category: string }>,
  structure: TableStructure = {},
): AdditiveGroup[] {
  const present = new Set(cells.map((c) => cellId(c.key, c.category)));
  const groups: AdditiveGroup[] = [];

  const children = new Map<string, string[]>(); // total cell id → child cell ids
  for (const c of cells) {
    if (c.parent === null) continue;
    const total = cellId(c.parent, c.category);
    if (!present.has(total)) continue;
    let list = children.get(total);
    if (!list) children.set(total, (list = []));
    list.push(cellId(c.key, c.category));
  }
  for (const [total, parts] of children) {
    const [key, category] = splitId(total);
    groups.push({ id: `area${SEP}${category}${SEP}${key}`, total, parts: parts.sort(cmp) });
  }

  const categories = [...new Set(cells.map((c) => c.category))].sort(cmp);
  (structure.areaGroups ?? []).forEach((g, i) => {
    for (const category of categories) {
      const total = cellId(g.total, category);
      if (!present.has(total)) continue;
      const parts = g.parts.map((k) => cellId(k, category)).filter((id) => present.has(id));
      if (parts.length === 0) continue;
      groups.push({ id: `layer${SEP}${category}${SEP}${g.total}${SEP}${i}`, total, parts: parts.sort(cmp) });
    }
  });

  const keys = [...new Set(cells.map((c) => c.key))].sort(cmp);
  for (const [totalCategory, partCategories] of Object.entries(structure.categoryTotals ?? {})) {
    for (const key of keys) {
      const total = cellId(key, totalCategory);
      if (!present.has(total)) continue;
      const parts = partCategories.map((cat) => cellId(key, cat)).filter((id) => present.has(id));
      if (parts.length === 0) continue;
      groups.push({ id: `category${SEP}${key}${SEP}${totalCategory}`, total, parts: parts.sort(cmp) });
    }
  }
  return groups.sort((a, b) => cmp(a.id, b.id));
}

/**
 * Primary suppression, rounding and secondary suppression of a table of counts.
 *
 * Primary: protectCount on every cell. Secondary: visit the additive groups (additiveGroups order);
 * where exactly one member is hidden, hide the smallest published part with a non-zero count (ties
 * by area key, then category); only when no part qualifies, a zero part, and only when no part is
 * left, the group's total. Repeat over all groups until nothing changes, so a cell hidden to fix one
 * dimension is then protected in the other. Then (unless options.exact is false) find hidden cells
 * that are still an exact linear combination of published figures, hide one more part in a group of
 * each (when every group holding such a cell is hidden already, a published cell that a derivation of it
 * uses, in the same order, preferring one whose hiding alone stops it being derivable), and repeat both
 * steps. Deterministic: the result does not depend on the order of `cells`.
 *
 * Rates and means for these cells must be built from the returned cells (protectRate with the
 * ProtectedValue), never from the raw counts, or a secondary-suppressed count leaks through its rate.
 */
export function protectTable(
  cells: ReadonlyArray<CountCell>,
  policy: DisclosurePolicyInput = DEFAULT_POLICY,
  structure: TableStructure = {},
  options: ProtectOptions = {},
): ProtectedTable {
  const p = parsePolicy(policy);
  const s = parseStructure(structure);
  cells.forEach((c, i) => {
    const r = CountCellSchema.safeParse(c);
    if (!r.success) throw new DisclosureError(formatIssues("cell", r.error, i));
  });
  checkShape(cells);

  const count = new Map<string, number>();
  const flag = new Map<string, Flag>();
  for (const c of cells) {
    const id = cellId(c.key, c.category);
    count.set(id, c.count);
    flag.set(id, protectCount(c.count, p).flag);
  }
  const groups = additiveGroups(cells, s);

  // Order of secondary candidates: non-zero before zero, then smallest count, then area key, then category.
  const better = (a: string, b: string): boolean => {
    const na = count.get(a)!;
    const nb = count.get(b)!;
    if ((na === 0) !== (nb === 0)) return nb === 0;
    if (na !== nb) return na < nb;
    return a < b; // cell ids are key + separator + category, so this is key order, then category order
  };
  const hidden = (id: string): boolean => flag.get(id) !== "ok";

  /** Hide the best published part of a group (or its total when no part is left). */
  const hideOneMore = (g: AdditiveGroup): boolean => {
    let pick: string | null = null;
    for (const id of g.parts) if (!hidden(id) && (pick === null || better(id, pick))) pick = id;
    if (pick === null && !hidden(g.total)) pick = g.total;
    if (pick === null) return false;
    flag.set(pick, "secondary");
    return true;
  };

  const oneStep = (): void => {
    let changed = true;
    while (changed) {
      changed = false;
      for (const g of groups) {
        let hiddenMembers = hidden(g.total) ? 1 : 0;
        for (const id of g.parts) if (hidden(id)) hiddenMembers++;
        if (hiddenMembers === 1 && hideOneMore(g)) changed = true;
      }
    }
  };

  oneStep();
  if (options.exact ?? true) {
    const groupsOf = new Map<string, AdditiveGroup[]>();
    for (const g of groups) {
      for (const id of [g.total, ...g.parts]) {
        let list = groupsOf.get(id);
        if (!list) groupsOf.set(id, (list = []));
        list.push(g);
      }
    }
    for (;;) {
      const derivable = derivableCells(groups, new Set([...flag.keys()].filter(hidden)));
      if (derivable.length === 0) break;
      let progress = false;
      for (const id of derivable) {
        // One more hidden part in the first group of this cell that still has a published part.
        for (const g of groupsOf.get(id) ?? []) {
          if (g.parts.some((part) => !hidden(part)) && hideOneMore(g)) {
            progress = true;
            break;
          }
        }
      }
      if (!progress) {
        for (const id of derivable) {
          for (const g of groupsOf.get(id) ?? []) if (hideOneMore(g)) progress = true;
        }
      }
      if (!progress) {
        // Every group holding these cells is hidden, yet a chain of other groups still gives one (in a table whose
        // grand total is both the sum of its rows' totals and of its columns' totals, that sum is implied, never
        // declared). Hide a published cell that a derivation of it uses, in the usual order (smallest non-zero first).
        const target = derivable[0]!;
        const hiddenNow = new Set([...flag.keys()].filter(hidden));
        const used = derivationOf(groups, hiddenNow, target).sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
        if (used.length === 0) {
          const [key, category] = splitId(target);
          throw new DisclosureError(`cannot protect area "${key}", category "${category}": it stays derivable with every related cell hidden`);
        }
        // One cell that every derivation needs, if there is one; else the first of this derivation (the loop finds the next).
        const pick = used.find((id) => !derivableCells(groups, new Set([...hiddenNow, id])).includes(target)) ?? used[0]!;
        flag.set(pick, "secondary");
      }
      oneStep();
    }
  }

  const out: PublishedCell[] = cells.map((c) => {
    const f = flag.get(cellId(c.key, c.category))!;
    const value = f === "ok" ? protectCount(c.count, p).value : null;
    return { key: c.key, parent: c.parent, category: c.category, value, flag: f };
  });
  const suppressed = out.filter((c) => c.flag === "suppressed").length;
  const secondary = out.filter((c) => c.flag === "secondary").length;
  return {
    policy: p,
    structure: s,
    cells: out,
    summary: { cells: out.length, published: out.length - suppressed - secondary, suppressed, secondary },
  };
}

/** A cell as the browser should receive it: null means hidden, for whatever reason. */
export type PublicCell = Omit<PublishedCell, "flag">;

/**
 * The cells without their flags, for anything that leaves the publish stage. Keep "suppressed" and
 * "secondary" for logs and summaries: shown to readers, "secondary" says the hidden count is 0 or
 * above the threshold and no larger than the published parts beside it, which narrows the small one.
 */
export function publicCells(table: ProtectedTable): PublicCell[] {
  return table.cells.map(({ key, parent, category, value }) => ({ key, parent, category, value }));
}

// ---------------------------------------------------------------------------------------------------
// Exact linear check: which hidden cells are a linear combination of published figures?
//
// Each additive group gives one equation total − Σ parts = 0. Move the published cells to the right-hand
// side; what remains is a system A·x = b over the hidden cells x. Hidden cell i is determined by the
// published figures exactly when the unit vector eᵢ lies in the row space of A, which in the reduced row
// echelon form means: column i is a pivot column and its pivot row has no other non-zero entry. The
// elimination runs over the integers modulo a prime just below 2²⁶ (so products stay exact in doubles).
// The coefficients are 0 and ±1; the answer could differ from the one over the rationals only if the
// prime divided a non-zero minor of the matrix, and for these tables (hierarchies crossed with category
// totals) the minors are tiny integers, far below 67 million. Rows are sparse maps, so blocks of hidden
// cells that share no relation never touch each other.

const PRIME = 67_108_859; // prime, < 2^26

function mulMod(a: number, b: number): number {
  return (a * b) % PRIME;
}

function invMod(a: number): number {
  let [r0, r1] = [PRIME, a % PRIME];
  let [t0, t1] = [0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % PRIME) + PRIME) % PRIME;
}

/** Hidden cell ids (sorted) whose exact value follows from the published cells by adding and subtracting. */
export function derivableCells(groups: ReadonlyArray<AdditiveGroup>, hiddenCells: ReadonlySet<string>): string[] {
  const ids = [...hiddenCells].sort(cmp);
  const index = new Map(ids.map((id, i) => [id, i]));
  const rows: Map<number, number>[] = [];
  for (const g of groups) {
    const row = new Map<number, number>();
    const t = index.get(g.total);
    if (t !== undefined) row.set(t, 1);
    for (const id of g.parts) {
      const j = index.get(id);
      if (j === undefined) continue;
      row.set(j, ((row.get(j) ?? 0) + PRIME - 1) % PRIME);
      if (row.get(j) === 0) row.delete(j);
    }
    if (row.size > 0) rows.push(row);
  }

  // Reduced row echelon form, built row by row. pivots: pivot column → its row (pivot entry 1, and
  // the pivot column is zero in every other row). holders: column → pivot columns whose row has it.
  const pivots = new Map<number, Map<number, number>>();
  const holders = new Map<number, Set<number>>();
  const hold = (col: number, pc: number) => {
    let set = holders.get(col);
    if (!set) holders.set(col, (set = new Set()));
    set.add(pc);
  };
  const unhold = (col: number, pc: number) => holders.get(col)?.delete(pc);
  const axpy = (target: Map<number, number>, factor: number, source: Map<number, number>, pc: number | null) => {
    // target -= factor * source, keeping `holders` up to date when target is pivot row pc.
    for (const [col, v] of source) {
      const next = ((target.get(col) ?? 0) - mulMod(factor, v) + PRIME) % PRIME;
      if (next === 0) {
        if (target.delete(col) && pc !== null) unhold(col, pc);
      } else {
        if (!target.has(col) && pc !== null) hold(col, pc);
        target.set(col, next);
      }
    }
  };

  for (const row of rows) {
    // Eliminate the pivot columns from the new row. Pivot rows are zero in every other pivot column,
    // so subtracting one never brings a pivot column back: one pass over the row's own columns will do.
    for (const col of [...row.keys()]) {
      const prow = pivots.get(col);
      const f = row.get(col);
      if (prow && f !== undefined) axpy(row, f, prow, null);
    }
    if (row.size === 0) continue;
    let pc = Infinity;
    for (const col of row.keys()) if (col < pc) pc = col;
    const inv = invMod(row.get(pc)!);
    for (const [col, v] of row) row.set(col, mulMod(v, inv));
    // Clear the new pivot column from the existing pivot rows.
    for (const other of [...(holders.get(pc) ?? [])]) {
      const orow = pivots.get(other)!;
      const f = orow.get(pc);
      if (f !== undefined) axpy(orow, f, row, other);
    }
    pivots.set(pc, row);
    for (const col of row.keys()) hold(col, pc);
  }

  const out: string[] = [];
  for (const [pc, prow] of pivots) if (prow.size === 1) out.push(ids[pc]!);
  return out.sort(cmp);
}

/**
 * The published cells one derivation of a hidden cell uses (empty when it is not derivable): the same elimination as
 * derivableCells, with each row's combination of groups carried along, read back as the published cells whose
 * coefficients do not cancel. Dense in the pivots it clears; for protectTable's rare fallback, not the audit.
 */
export function derivationOf(groups: ReadonlyArray<AdditiveGroup>, hiddenCells: ReadonlySet<string>, target: string): string[] {
  const ids = [...hiddenCells].sort(cmp);
  const index = new Map(ids.map((id, i) => [id, i]));
  const t = index.get(target);
  if (t === undefined) return [];
  const sub = (a: Map<number, number>, f: number, b: Map<number, number>) => {
    for (const [k, v] of b) {
      const next = ((a.get(k) ?? 0) - mulMod(f, v) + PRIME) % PRIME;
      if (next === 0) a.delete(k);
      else a.set(k, next);
    }
  };
  const scale = (a: Map<number, number>, f: number) => {
    for (const [k, v] of a) a.set(k, mulMod(v, f));
  };
  type Row = { hidden: Map<number, number>; groups: Map<number, number> };
  const pivots = new Map<number, Row>();
  groups.forEach((g, gi) => {
    const row: Row = { hidden: new Map(), groups: new Map([[gi, 1]]) };
    const total = index.get(g.total);
    if (total !== undefined) row.hidden.set(total, 1);
    for (const id of g.parts) {
      const j = index.get(id);
      if (j !== undefined) sub(row.hidden, 1, new Map([[j, 1]]));
    }
    for (const col of [...row.hidden.keys()]) {
      const p = pivots.get(col);
      const f = row.hidden.get(col);
      if (p && f !== undefined) {
        sub(row.hidden, f, p.hidden);
        sub(row.groups, f, p.groups);
      }
    }
    if (row.hidden.size === 0) return;
    const pc = Math.min(...row.hidden.keys());
    const inv = invMod(row.hidden.get(pc)!);
    scale(row.hidden, inv);
    scale(row.groups, inv);
    for (const other of pivots.values()) {
      const f = other.hidden.get(pc);
      if (f !== undefined) {
        sub(other.hidden, f, row.hidden);
        sub(other.groups, f, row.groups);
      }
    }
    pivots.set(pc, row);
  });
  const row = pivots.get(t);
  if (!row || row.hidden.size !== 1) return [];
  // Σ y_g (total_g − Σ parts_g) is the target plus published cells: those whose coefficients do not cancel.
  const coefficient = new Map<string, number>();
  const add = (id: string, v: number) => {
    if (hiddenCells.has(id)) return;
    const next = ((coefficient.get(id) ?? 0) + v) % PRIME;
    if (next === 0) coefficient.delete(id);
    else coefficient.set(id, next);
  };
  for (const [gi, y] of row.groups) {
    const g = groups[gi]!;
    add(g.total, y);
    for (const id of g.parts) add(id, PRIME - y);
  }
  return [...coefficient.keys()].sort(cmp);
}

// ---------------------------------------------------------------------------------------------------
// Audit: what the publish stage and the tests run on everything about to leave the database.

export type ViolationRule =
  | "invalid-cell" // malformed value or flag
  | "small-count" // a published value that only a count of 1..threshold could round to
  | "not-rounded" // a published value that is not a multiple of the rounding base
  | "zero-published" // a published 0 under a policy where zeros are not safe
  | "single-suppression" // an additive group with exactly one hidden member
  | "derivable"; // a hidden cell that is an exact linear combination of published cells

export interface Violation {
  rule: ViolationRule;
  key: string;
  category: string;
  /** For group rules: the group, as "area <category> <parent>", "category <area> <total>" or "layer …". */
  group?: string;
  message: string;
}

export interface AuditOptions {
  /** Also run the exact linear check (default true). */
  exact?: boolean;
}

/**
 * Everything wrong with a table about to be published, as a list (empty when it is safe to publish).
 * Takes the output of protectTable, or any table of published cells (flags optional: null = hidden)
 * with its policy and structure (defaults: DEFAULT_POLICY, no category totals). Checks: every published value is a whole number,
 * a multiple of the rounding base, not in 1..threshold unless a count above the threshold rounds to
 * it (with threshold 10 and rounding 5, 10 is the rounded form of 11 or 12 and is fine), and not 0
 * when zeros are not safe; no additive group has exactly one hidden member (whether that member is a
 * part or the total: a hidden total with all parts published is their sum); and, with `exact`, no
 * hidden cell is a linear combination of published cells.
 */
export function auditPublished(
  table: {
    cells: ReadonlyArray<PublicCell & { flag?: Flag }>;
    policy?: DisclosurePolicyInput;
    structure?: TableStructure;
  },
  options: AuditOptions = {},
): Violation[] {
  const p = parsePolicy(table.policy ?? DEFAULT_POLICY);
  const s = parseStructure(table.structure ?? {});
  const violations: Violation[] = [];
  const valid: PublicCell[] = [];
  table.cells.forEach((c, i) => {
    const r = PublishedCellSchema.safeParse(c);
    const where = { key: String(c?.key), category: String(c?.category) };
    if (!r.success) {
      violations.push({ rule: "invalid-cell", ...where, message: formatIssues("cell", r.error, i) });
      return;
    }
    const hidden = c.flag === undefined ? c.value === null : c.flag !== "ok";
    if (hidden !== (c.value === null)) {
      const message = hidden ? `flag ${c.flag} but a value is published` : "flag ok but no value";
      violations.push({ rule: "invalid-cell", ...where, message });
      return;
    }
    valid.push(c);
    if (c.value === null) return;
    const v = c.value;
    if (!Number.isSafeInteger(v) || v < 0) {
      violations.push({ rule: "invalid-cell", ...where, message: `value ${v} is not a non-negative whole number` });
      return;
    }
    if (v === 0) {
      if (!p.zeroIsSafe) violations.push({ rule: "zero-published", ...where, message: "0 published but zeros are not safe" });
      return;
    }
    if (v % p.rounding !== 0) {
      violations.push({ rule: "not-rounded", ...where, message: `${v} is not a multiple of ${p.rounding}` });
    }
    // Largest count that rounds (halves up) to v is v + ceil(rounding / 2) − 1.
    if (v <= p.threshold && v + Math.ceil(p.rounding / 2) - 1 <= p.threshold) {
      violations.push({ rule: "small-count", ...where, message: `${v} can only come from a count of 1..${p.threshold}` });
    }
  });
  try {
    checkShape(valid);
  } catch (e) {
    violations.push({ rule: "invalid-cell", key: "", category: "", message: (e as Error).message });
    return violations;
  }

  const hiddenCells = new Set(valid.filter((c) => c.value === null).map((c) => cellId(c.key, c.category)));
  const groups = additiveGroups(valid, s);
  for (const g of groups) {
    const members = [g.total, ...g.parts].filter((id) => hiddenCells.has(id));
    if (members.length !== 1) continue;
    const [key, category] = splitId(members[0]!);
    const group = g.id.split(SEP).join(" ");
    const role = members[0] === g.total ? "the total is the only hidden member" : "the only hidden member";
    violations.push({
      rule: "single-suppression",
      key,
      category,
      group,
      message: `${role} of group ${group}: it equals the published total minus the published parts`,
    });
  }
  if ((options.exact ?? true) && hiddenCells.size > 0) {
    for (const id of derivableCells(groups, hiddenCells)) {
      const [key, category] = splitId(id);
      violations.push({
        rule: "derivable",
        key,
        category,
        message: "its exact value follows from the published cells by adding and subtracting totals",
      });
    }
  }
  return violations;
}
