// The checks of a 360Giving CSV ledger generated as SQL from its header and the field declarations (titles.ts) with the rules (rules.ts): every row is cleaned, checked and (when asked) turned into its grant's JSON set-based in DuckDB, as validate.ts does one grant at a time.
import type { Db } from "../db/connection.ts";
import { literal } from "../db/sql.ts";
import {
  amountLeaves,
  codelistOf,
  codelists,
  coreLeaves,
  countryCodes,
  currencyCodes,
  dateLeaves,
  EARLIEST_AWARD,
  FAR_FUTURE_YEARS,
  INDIVIDUAL_NAME,
  MAX_PLAUSIBLE_AMOUNT,
  monthNumbers,
  numberBounds,
  patterns,
  reasons,
} from "./rules.ts";
import { WS } from "../kit/text.ts";
import { grantFields, type Column, type Field, type PathPart } from "./titles.ts";

/** The columns of one sheet as the reader worked them out (header.ts). */
export interface SheetLayout {
  header: string[];
  /** The 360Giving field of each column, null for extra, repeated or untitled columns. */
  columns: (Column | null)[];
  /** The column title (or the standard's) for a path into a grant. */
  label: (path: PathPart[]) => string;
}

/** The column of the raw table holding column i of the file. */
export const rawColumn = (i: number) => `c${i}`;

const str = literal;
/** A reason with one value in it: the message's words around an SQL expression. */
function said(fn: (v: string) => string, expr: string): string {
  const [a, b] = fn("\u0001").split("\u0001");
  return `(${str(a)} || ${expr} || ${str(b)})`;
}
const sqlList = (values: Iterable<string>) => `[${[...values].map(str).join(", ")}]`;
const full = (expr: string, pattern: string) => `regexp_full_match(${expr}, ${str(pattern)})`;

/** Macros the generated SQL uses (JavaScript's trim, calendar dates, a month by number or name, JavaScript's way of writing a number, shown values). */
export async function createCheckMacros(db: Db): Promise<void> {
  // The month of a day-month-year date: 1 to 99 as written (over 12 is not a real date), or its name (rules.ts monthNumbers).
  const names = [...monthNumbers].map(([name, n]) => `WHEN ${str(name)} THEN ${n}`).join(" ");
  await db.run(`CREATE OR REPLACE TEMP MACRO grants_month(m) AS CASE WHEN regexp_full_match(m, '\\d{1,2}') THEN TRY_CAST(m AS INTEGER) ELSE CASE lower(m) ${names} END END`);
  // JavaScript's trim(): the pattern only runs on text that starts or ends with white space. s[1] and s[-1] are the
  // first and last characters as left(s, 1) and right(s, 1) give them (code points), for ~30% less time.
  const chars = str(WS.replace("\u2000-\u200a", Array.from({ length: 11 }, (_, k) => String.fromCharCode(0x2000 + k)).join("")));
  await db.run(`CREATE OR REPLACE TEMP MACRO grants_trim(s) AS CASE
    WHEN s = '' OR NOT (contains(${chars}, s[1]) OR contains(${chars}, s[-1])) THEN s
    ELSE regexp_replace(s, ${str(`^[${WS}]+|[${WS}]+$`)}, '', 'g') END`);
  await db.run(`CREATE OR REPLACE TEMP MACRO grants_real_date(s) AS
    TRY_CAST(left(s, 4) AS INTEGER) >= 100 AND try_strptime(left(s, 10), '%Y-%m-%d') IS NOT NULL`);
  // String(x) in JavaScript: integers without ".0", fixed notation from 1e-6 up to 1e21, exponents without padding.
  await db.run(`CREATE OR REPLACE TEMP MACRO grants_num(x) AS CASE
    WHEN x = trunc(x) AND abs(x) < 1e21 THEN x::HUGEINT::VARCHAR
    WHEN NOT contains(x::VARCHAR, 'e') THEN x::VARCHAR
    WHEN abs(x) >= 1e-6 AND abs(x) < 1 THEN
      (CASE WHEN x < 0 THEN '-' ELSE '' END) || '0.' ||
      repeat('0', -TRY_CAST(split_part(x::VARCHAR, 'e', 2) AS INTEGER) - 1) ||
      replace(replace(split_part(x::VARCHAR, 'e', 1), '-', ''), '.', '')
    ELSE regexp_replace(x::VARCHAR, 'e([+-])0*', 'e\\1') END`);
  await db.run(`CREATE OR REPLACE TEMP MACRO grants_show(v) AS CASE WHEN length(v) > 200 THEN left(v, 197) || '…' ELSE v END`);
}

// ---------------------------------------------------------------- the shape of the file's grants

interface Leaf {
  kind: "leaf";
  i: number;
  field: Field;
  path: PathPart[];
  parent: string | undefined;
  core: boolean;
  /** Walk order of validate.ts (schema order, items in index order). */
  order: number[];
}
interface Obj {
  kind: "object";
  field: Field | null;
  path: PathPart[];
  children: Map<string, Leaf | Obj | Arr>;
}
interface Arr {
  kind: "array";
  field: Field;
  path: PathPart[];
  items: Map<number, Obj>;
}

function buildTree(layout: SheetLayout): Obj {
  const root: Obj = { kind: "object", field: null, path: [], children: new Map() };
  layout.columns.forEach((col, i) => {
    if (!col) return;
    let node: Obj = root;
    let fields = grantFields;
    const order: number[] = [];
    let parent: string | undefined;
    for (let k = 0; k < col.path.length; k++) {
      const part = col.path[k] as string;
      const fi = fields.findIndex((f) => f.name === part);
      const field = fields[fi];
      order.push(fi);
      if (k === col.path.length - 1) {
        node.children.set(part, { kind: "leaf", i, field, path: col.path, parent, core: k === 0 && coreLeaves.has(part), order });
        return;
      }
      if (field.kind === "array") {
        const index = col.path[k + 1] as number;
        order.push(index);
        let arr = node.children.get(part) as Arr | undefined;
        if (!arr) node.children.set(part, (arr = { kind: "array", field, path: col.path.slice(0, k + 1), items: new Map() }));
        let item = arr.items.get(index);
        if (!item) arr.items.set(index, (item = { kind: "object", field, path: col.path.slice(0, k + 2), children: new Map() }));
        node = item;
        k++;
      } else {
        let obj = node.children.get(part) as Obj | undefined;
        if (!obj) node.children.set(part, (obj = { kind: "object", field, path: col.path.slice(0, k + 1), children: new Map() }));
        node = obj;
      }
      parent = part;
      fields = field.fields!;
    }
  });
  return root;
}

/** Children of an object in schema order. */
function ordered(node: Obj): (Leaf | Obj | Arr)[] {
  const fields = node.field?.fields ?? grantFields;
  return fields.map((f) => node.children.get(f.name)).filter((c): c is Leaf | Obj | Arr => c !== undefined);
}

function leavesOf(node: Obj | Arr): Leaf[] {
  const out: Leaf[] = [];
  const walk = (n: Leaf | Obj | Arr) => {
    if (n.kind === "leaf") out.push(n);
    else if (n.kind === "object") n.children.forEach(walk);
    else [...n.items.values()].forEach(walk);
  };
  walk(node);
  return out;
}

// ---------------------------------------------------------------- the SQL

/**
 * Whether a leaf is checked once per distinct text rather than row by row: a column whose check is more than a trim
 * (dates, date-times, numbers other than amounts, code lists, currency, country codes, URLs, yes/no), whose values
 * repeat in a ledger. Amounts, identifiers, titles and names are nearly unique or only trimmed: joining a lookup back
 * costs about what trimming a column does.
 */
function checkedOnce(l: Leaf): boolean {
  const name = l.field.name;
  if (amountLeaves.has(name)) return false;
  if (l.field.kind === "number" || l.field.kind === "strings" || dateLeaves.has(name) || name === "dateModified") return true;
  return ["fromOpenCall", "countryCode", "currency", "url", "dataSource"].includes(name) || codelistOf[name] !== undefined;
}

/** One problem, as the struct the checks collect: order within the grant, column, value shown, reason, severity. */
const issue = (o: number, col: string, v: string, r: string, s: "error" | "warning") => `{'o': ${o}, 'col': ${col}, 'v': ${v}, 'r': ${r}, 's': '${s}'}`;
const issuesOf = (parts: { when: string; issue: string }[]) =>
  parts.length === 0 ? "NULL" : `CASE WHEN ${parts.map((p) => `(${p.when})`).join(" OR ")} THEN list_filter([${parts.map((p) => `CASE WHEN ${p.when} THEN ${p.issue} END`).join(", ")}], lambda x: x IS NOT NULL) END`;

export interface CheckSql {
  /** SELECT over the raw table giving one row per grant with everything stage.ts needs. */
  select: string;
  /** The column label of beneficiary location n's code (the location table's source_column). */
  locationLabels: string[];
}

/**
 * The SELECT that checks every row of `raw` (columns row, c0…cN as text: a table, or a subquery in parentheses). Per
 * row: ok, grant_id, issues (list of {o, col, v, r, s}), grant_json, extra_json, the staging columns, and the lists
 * for the location, programme, funder and recipient-code tables. `$today` (yyyy-mm-dd) is bound by the caller. A
 * column not selected from it is not computed: the ingest leaves out the JSON (a third of the statement's time),
 * rebuild.ts selects little else. The columns checkedOnce picks are checked once per distinct text and joined back:
 * the rows come out in the order read when DuckDB runs the statement on one thread, not always with more (the joins
 * can give whole row groups back in another order), so a caller that needs that order from a larger table sorts.
 */
export function checkSql(layout: SheetLayout, raw: string): CheckSql {
  const { header, columns, label } = layout;
  const root = buildTree(layout);
  const t = (i: number) => `t${i}`;
  const x = (i: number) => rawColumn(i);
  // Each stage is a list of `expr AS name` over the stage before.
  const trimStage: string[] = [];
  const presStage: string[] = [];
  const ciStage: string[] = [];
  const helperStage: string[] = [];
  const amountStage1: string[] = [];
  const amountStage2: string[] = [];
  const dateStage1: string[] = [];
  const dateStage2: string[] = [];
  const awardStage: string[] = [];
  const finalLeaf: string[] = [];
  const objStage: string[] = [];

  // Leaf order (validate.ts walks fields in schema order, items in index order).
  const leaves = leavesOf(root).sort((a, b) => {
    for (let k = 0; k < Math.min(a.order.length, b.order.length); k++) if (a.order[k] !== b.order[k]) return a.order[k] - b.order[k];
    return a.order.length - b.order.length;
  });
  const base = new Map(leaves.map((l, k) => [l, k * 4]));

  // Columns whose values repeat (dates, codes, currency, numbers other than amounts: anything checked beyond a trim)
  // are cleaned and checked once per distinct text as read, in a lookup keyed by it (its stages over SELECT DISTINCT),
  // and joined back to the rows; the rest row by row. Each stage entry goes to its leaf's lookup or to the rows.
  const lookups = new Map<number, Map<string[], string[]>>();
  for (const l of leaves) if (checkedOnce(l)) lookups.set(l.i, new Map());
  const add = (stage: string[], entry: string, l?: Leaf | null) => {
    const lk = l ? lookups.get(l.i) : undefined;
    if (!lk) return void stage.push(entry);
    if (!lk.has(stage)) lk.set(stage, []);
    lk.get(stage)!.push(entry);
  };
  const leafAt = new Map(leaves.map((l) => [l.i, l]));
  header.forEach((_, i) => add(trimStage, `nullif(grants_trim(${x(i)}), '') AS ${t(i)}`, leafAt.get(i)));

  // Arrays: presence of each item as read (holes are closed up, so item n may become item 0) and its index then.
  const arrays: Arr[] = [];
  const collect = (n: Obj) => {
    for (const c of n.children.values()) {
      if (c.kind === "array") {
        arrays.push(c);
        c.items.forEach(collect);
      } else if (c.kind === "object") collect(c);
    }
  };
  collect(root);
  const arrayId = new Map(arrays.map((a, k) => [a, k]));
  const itemName = (a: Arr, index: number, what: string) => `${what}_${arrayId.get(a)}_${index}`;
  for (const a of arrays) {
    const indexes = [...a.items.keys()].sort((m, n) => m - n);
    for (const index of indexes) presStage.push(`${leavesOf(a.items.get(index)!).map((l) => `${t(l.i)} IS NOT NULL`).join(" OR ")} AS ${itemName(a, index, "pres")}`);
    indexes.forEach((index, k) =>
      ciStage.push(`${k === 0 ? "0" : indexes.slice(0, k).map((j) => `${itemName(a, j, "pres")}::INTEGER`).join(" + ")} AS ${itemName(a, index, "ci")}`),
    );
  }

  /** The label of a path whose array indexes are the compacted ones of this row (SQL), given the items the path passes through. */
  const labelSql = (path: PathPart[], through: { a: Arr; index: number; pos: number }[]): string => {
    if (through.length === 0) return str(label(path));
    const combos: number[][] = [[]];
    for (const step of through) {
      const next: number[][] = [];
      for (const c of combos) for (let v = 0; v <= [...step.a.items.keys()].sort((m, n) => m - n).indexOf(step.index); v++) next.push([...c, v]);
      combos.splice(0, combos.length, ...next);
    }
    if (combos.length === 1) return str(label(path));
    const cases = combos.map((combo) => {
      const concrete = [...path];
      combo.forEach((v, k) => (concrete[through[k].pos] = v));
      return `WHEN ${combo.map((v, k) => `${itemName(through[k].a, through[k].index, "ci")} = ${v}`).join(" AND ")} THEN ${str(label(concrete))}`;
    });
    return `CASE ${cases.join(" ")} END`;
  };

  // Where each leaf sits: the arrays (and item indexes) on its path.
  const throughOf = new Map<Leaf, { a: Arr; index: number; pos: number }[]>();
  const locate = (n: Obj, through: { a: Arr; index: number; pos: number }[]) => {
    for (const c of n.children.values()) {
      if (c.kind === "leaf") throughOf.set(c, through);
      else if (c.kind === "object") locate(c, through);
      else for (const [index, item] of c.items) locate(item, [...through, { a: c, index, pos: c.path.length }]);
    }
  };
  locate(root, []);

  // Each leaf cleaned (value v<i>) with its problems (e<i>).
  const v = (l: Leaf) => `v${l.i}`;
  const e = (l: Leaf) => `e${l.i}`;
  let leafNow: Leaf | null = null;
  const helper = (name: string, expr: string) => (add(helperStage, `${expr} AS ${name}`, leafNow), name);
  const amounts = new Map<Leaf, { value: string; parts: { when: string; issue: string }[] }>();
  const dates: Leaf[] = [];
  const leafOut = (name: string, expr: string) => (add(finalLeaf, `${expr} AS ${name}`, leafNow), name);
  // A leaf's problems name its column: by a label that depends on the row's other items (an array item after a hole
  // moves up), they are listed per row, from the lookup's columns.
  const issuesOut = (l: Leaf, expr: string) => add(finalLeaf, `${expr} AS ${e(l)}`, labelSql(l.path, throughOf.get(l)!).startsWith("CASE ") ? null : l);
  for (const l of leaves) {
    leafNow = l;
    const ti = t(l.i);
    const xi = x(l.i);
    const o = base.get(l)!;
    const col = labelSql(l.path, throughOf.get(l)!);
    const name = l.field.name;
    const check = (l.parent && numberBounds[`${l.parent}/${name}`]) || numberBounds[name];
    const warnIgnored = (k: number, reason: string, value: string) => issue(o + k, col, value, said(reasons.ignored, reason), "warning");
    if (l.field.kind === "number") {
      let value: string;
      const parts: { when: string; issue: string }[] = [];
      if (amountLeaves.has(name)) {
        // parseAmount: sign, currency sign, thousands separators, digits; whole pence (Math.round), a note when tidied.
        const u = helper(`u${l.i}`, `replace(${ti}, chr(160), ' ')`);
        const neg = `starts_with(${u}, '-')`;
        const rest = `CASE WHEN ${neg} THEN grants_trim(substr(${u}, 2)) ELSE ${u} END`;
        const stripped = `regexp_replace(${rest}, ${str(`^${patterns.currencySign}`)}, '', 'i')`;
        helper(`sg${l.i}`, `${stripped} <> ${rest}`);
        helper(`bd${l.i}`, `(CASE WHEN ${neg} THEN '-' ELSE '' END) || ${stripped}`);
        add(amountStage1, `${full(`bd${l.i}`, patterns.thousands)} AS cm${l.i}`, l);
        add(amountStage1, `CASE WHEN ${full(`bd${l.i}`, patterns.thousands)} THEN replace(bd${l.i}, ',', '') ELSE bd${l.i} END AS b2${l.i}`, l);
        add(amountStage2, `${full(`b2${l.i}`, patterns.number)} AS isn${l.i}`, l);
        add(amountStage2, `CASE WHEN ${full(`b2${l.i}`, patterns.number)} THEN floor(TRY_CAST(b2${l.i} AS DOUBLE) * 100 + 0.5) END AS pn${l.i}`, l);
        add(amountStage2, `CASE WHEN ${full(`b2${l.i}`, patterns.number)} THEN TRY_CAST(b2${l.i} AS DOUBLE) * 100 END AS ex${l.i}`, l);
        value = `CASE WHEN isn${l.i} AND isfinite(pn${l.i}) AND abs(pn${l.i}) <= 9007199254740991 THEN pn${l.i} / 100 END`;
        const big = `isn${l.i} AND NOT (isfinite(coalesce(pn${l.i}, 'inf'::DOUBLE)) AND abs(pn${l.i}) <= 9007199254740991)`;
        const rounded = `abs(ex${l.i} - pn${l.i}) > 1e-6 * greatest(1, abs(ex${l.i}))`;
        const notes = `nullif(concat_ws('; ', CASE WHEN sg${l.i} THEN ${str(reasons.amountNotes.sign)} END, CASE WHEN cm${l.i} THEN ${str(reasons.amountNotes.thousands)} END, CASE WHEN ${rounded} THEN ${str(reasons.amountNotes.rounded)} END), '')`;
        // Whether there is a note, without building its text on every row.
        const noted = `coalesce(sg${l.i} OR cm${l.i} OR ${rounded}, false)`;
        const failWhen = `${ti} IS NOT NULL AND NOT isn${l.i}`;
        const okWhen = `(${value}) IS NOT NULL`;
        // Amount Awarded that cannot be read rejects the grant; other amounts are dropped with a warning.
        const fail = (reason: string) => (l.core ? issue(o, col, xi, str(reason), "error") : warnIgnored(0, str(reason), xi));
        parts.push({ when: failWhen, issue: fail(reasons.notAmount) }, { when: big, issue: fail(reasons.tooLarge) });
        parts.push({ when: `${okWhen} AND ${noted}`, issue: issue(o + 1, col, xi, said(reasons.converted, notes), "warning") });
        amounts.set(l, { value, parts });
        continue;
      }
      // Other numbers: digits only.
      const isn = `${full(ti, patterns.number)}`;
      value = `CASE WHEN ${isn} THEN TRY_CAST(${ti} AS DOUBLE) END`;
      parts.push({ when: `${ti} IS NOT NULL AND NOT ${isn}`, issue: warnIgnored(0, str(reasons.notNumber), xi) });
      let ok = "true";
      if (check) {
        const n = `TRY_CAST(${ti} AS DOUBLE)`;
        const conds: [string, string][] = [];
        if (check.nonNegative) conds.push([`${n} < 0`, str(reasons.negative)]);
        if (check.min !== undefined) conds.push([`${n} < ${check.min}`, str(reasons.tooSmall(check.min))]);
        if (check.max !== undefined) conds.push([`${n} > ${check.max}`, str(reasons.tooBig(check.max))]);
        for (const [c, r] of conds) parts.push({ when: `${isn} AND ${c}`, issue: warnIgnored(1, r, `grants_num(${n})`) });
        ok = `NOT (${conds.map(([c]) => c).join(" OR ")})`;
      }
      leafOut(v(l), `CASE WHEN ${isn} AND ${ok} THEN TRY_CAST(${ti} AS DOUBLE) END`);
      issuesOut(l, issuesOf(parts));
      continue;
    }
    if (l.field.kind === "strings") {
      const items = `list_filter(list_transform(string_split(${xi}, ';'), lambda s: nullif(grants_trim(s), '')), lambda s: s IS NOT NULL)`;
      const some = `CASE WHEN ${ti} IS NOT NULL AND len(${items}) > 0 THEN ${items} END`;
      const list = codelistOf[name];
      if (list) {
        const bad = `len(list_filter(${items}, lambda s: NOT list_contains(${sqlList(codelists[list].codes)}, s))) > 0`;
        leafOut(v(l), `CASE WHEN NOT (${bad}) THEN ${some} END`);
        issuesOut(l, issuesOf([{ when: `(${some}) IS NOT NULL AND ${bad}`, issue: warnIgnored(0, str(reasons.notInCodelist(codelists[list].name)), `to_json(${items})::VARCHAR`) }]));
      } else {
        leafOut(v(l), some);
        issuesOut(l, "NULL");
      }
      continue;
    }
    if (dateLeaves.has(name)) {
      // Day/month/year parts (one pattern run), then the ISO date they make.
      helper(`dp${l.i}`, `CASE WHEN ${full(ti, patterns.dayMonthYear)} THEN regexp_extract(${ti}, ${str(`^${patterns.dayMonthYear}$`)}, ['d', 'm', 'y']) END`);
      dates.push(l);
      continue;
    }
    if (name === "dateModified") {
      const ok = `${full(ti, patterns.strictDateTime)} AND grants_real_date(${ti})`;
      leafOut(v(l), `CASE WHEN ${ok} THEN ${ti} END`);
      issuesOut(l, issuesOf([{ when: `${ti} IS NOT NULL AND NOT (${ok})`, issue: warnIgnored(0, str(reasons.dateTime), ti) }]));
      continue;
    }
    // Text.
    const parts: { when: string; issue: string }[] = [];
    let value = ti;
    if (name === "fromOpenCall") {
      const conv = `(${full(ti, "(?i)(y|yes|true|n|no|false)")} AND ${ti} NOT IN ('Yes', 'No'))`;
      const fixed = `CASE WHEN ${full(ti, "(?i)(y|yes|true)")} THEN 'Yes' ELSE 'No' END`;
      parts.push({ when: conv, issue: issue(o, col, xi, said(reasons.yesNoNote, fixed), "warning") });
      value = `CASE WHEN ${conv} THEN ${fixed} ELSE ${ti} END`;
    }
    if (name === "countryCode") {
      parts.push({ when: `${ti} = 'UK'`, issue: issue(o, col, xi, str(reasons.ukNote), "warning") });
      const v1 = `CASE WHEN ${ti} = 'UK' THEN 'GB' ELSE ${ti} END`;
      value = `CASE WHEN ${full(v1, "[a-z]{2}")} THEN upper(${v1}) ELSE ${v1} END`;
    }
    if (name === "currency" && l.parent === undefined) {
      const conv = `(${full(ti, "[a-zA-Z]{3}")} AND ${ti} <> upper(${ti}))`;
      parts.push({ when: conv, issue: issue(o, col, xi, said(reasons.upperCurrency, `upper(${ti})`), "warning") });
      value = `CASE WHEN ${conv} THEN upper(${ti}) ELSE ${ti} END`;
    }
    let ok: string | null = null;
    let reason = "";
    if (!l.core) {
      if (name === "url" || name === "dataSource") [ok, reason] = [full(value, patterns.uri), reasons.uri];
      else if (name === "countryCode") [ok, reason] = [`list_contains(${sqlList(countryCodes)}, ${value})`, reasons.countryCode];
      else if (name === "currency") [ok, reason] = [`list_contains(${sqlList(currencyCodes)}, ${value})`, reasons.currencyCode];
      else if (name === "fromOpenCall") [ok, reason] = [`${value} IN ('Yes', 'No')`, reasons.yesNo];
      else if (codelistOf[name]) [ok, reason] = [`list_contains(${sqlList(codelists[codelistOf[name]].codes)}, ${value})`, reasons.notInCodelist(codelists[codelistOf[name]].name)];
    }
    if (ok) {
      parts.push({ when: `${ti} IS NOT NULL AND NOT (${ok})`, issue: warnIgnored(1, str(reason), value) });
      leafOut(v(l), `CASE WHEN ${ok} THEN ${value} END`);
    } else leafOut(v(l), value);
    issuesOut(l, issuesOf(parts));
  }
  // Amounts and dates: their values and problems from the helper columns.
  for (const [l, a] of amounts) {
    const name = l.field.name;
    const check = (l.parent && numberBounds[`${l.parent}/${name}`]) || numberBounds[name];
    const col = labelSql(l.path, throughOf.get(l)!);
    const parts = [...a.parts];
    let value = a.value;
    if (!l.core && check?.nonNegative) {
      parts.push({ when: `(${a.value}) < 0`, issue: issue(base.get(l)! + 2, col, `grants_num(${a.value})`, str(reasons.ignored(reasons.negative)), "warning") });
      value = `CASE WHEN (${a.value}) >= 0 THEN ${a.value} END`;
    }
    add(finalLeaf, `${value} AS ${v(l)}`, l);
    issuesOut(l, issuesOf(parts));
    if (l.core) add(finalLeaf, `pn${l.i} AS pence${l.i}`, l);
  }
  for (const l of dates) {
    const ti = t(l.i);
    const xi = x(l.i);
    const o = base.get(l)!;
    const col = labelSql(l.path, throughOf.get(l)!);
    // Stage after the parts: the ISO date and whether it is real; then the value as read (d1); then a date-time's date (d2).
    const dp = `dp${l.i}`;
    [
      `${dp} IS NOT NULL AS dm${l.i}`,
      `CASE WHEN ${dp} IS NOT NULL THEN ${dp}.y || '-' || lpad(grants_month(${dp}.m)::VARCHAR, 2, '0') || '-' || lpad(TRY_CAST(${dp}.d AS INTEGER)::VARCHAR, 2, '0') END AS is${l.i}`,
    ].forEach((entry) => add(amountStage1, entry, l));
    const dm = `dm${l.i}`;
    const iso = `is${l.i}`;
    add(amountStage2, `(${dm} AND NOT coalesce(grants_real_date(${iso}) AND grants_month(${dp}.m) <= 12, false)) AS bad${l.i}`, l);
    const bad = `bad${l.i}`;
    const d1 = `d1_${l.i}`;
    add(dateStage1, `CASE WHEN ${dm} THEN CASE WHEN NOT ${bad} THEN ${iso} END ELSE ${ti} END AS ${d1}`, l);
    const parts: { when: string; issue: string }[] = [];
    if (l.core) {
      parts.push({ when: bad, issue: issue(o, col, xi, str(reasons.notRealDmy), "error") });
      parts.push({ when: `${dm} AND NOT ${bad}`, issue: issue(o, col, xi, said(reasons.dmyNote, iso), "warning") });
      add(finalLeaf, `${d1} AS ${v(l)}`, l);
      issuesOut(l, issuesOf(parts));
      continue;
    }
    parts.push({ when: bad, issue: issue(o, col, xi, str(reasons.ignored(reasons.notRealDmy)), "warning") });
    parts.push({ when: `${dm} AND NOT ${bad}`, issue: issue(o, col, xi, said(reasons.dmyNote, iso), "warning") });
    const conv = `cv${l.i}`;
    add(dateStage2, `coalesce(${full(d1, patterns.dateTime)} AND NOT ${full(d1, patterns.strictDateTime)} AND grants_real_date(${d1}), false) AS ${conv}`, l);
    parts.push({ when: conv, issue: issue(o + 1, col, xi, said(reasons.dateOfDateTime, `left(${d1}, 10)`), "warning") });
    const d2 = `d2_${l.i}`;
    add(dateStage2, `CASE WHEN coalesce(${full(d1, patterns.dateTime)} AND NOT ${full(d1, patterns.strictDateTime)} AND grants_real_date(${d1}), false) THEN left(${d1}, 10) ELSE ${d1} END AS ${d2}`, l);
    const event = l.parent === "plannedDates" || l.parent === "actualDates";
    const isAward = l.field.name === "transactionDate" || l.field.name === "valueDate";
    let ok: string | null = null;
    if (event && (l.field.name === "startDate" || l.field.name === "endDate"))
      ok = `(${full(d2, patterns.partialDate)} OR ((${full(d2, patterns.fullDate)} OR ${full(d2, patterns.dateTime)}) AND grants_real_date(${d2})))`;
    else if (isAward) ok = `((${full(d2, patterns.fullDate)} OR ${full(d2, patterns.dateTime)}) AND grants_real_date(${d2}))`;
    if (ok) {
      parts.push({ when: `(${d2}) IS NOT NULL AND NOT ${ok}`, issue: issue(o + 2, col, d2, str(reasons.ignored(event ? reasons.eventDate : reasons.awardDate)), "warning") });
      add(finalLeaf, `CASE WHEN ${ok} THEN ${d2} END AS ${v(l)}`, l);
    } else add(finalLeaf, `${d2} AS ${v(l)}`, l);
    issuesOut(l, issuesOf(parts));
  }

  // ---------------------------------------------------------------- objects, lists and the grant
  const json = (l: Leaf) => (l.field.kind === "number" ? `grants_num(${v(l)})` : `to_json(${v(l)})::VARCHAR`);
  const key = (name: string) => str(`${JSON.stringify(name)}:`);
  /** SQL for an object's JSON text (NULL when empty after cleaning) and whether it is non-empty. */
  const objectJson = (n: Obj, org = false): { json: string; some: string } => {
    const frags: { name: string; frag: string; some: string }[] = [];
    for (const c of ordered(n)) {
      if (c.kind === "leaf") frags.push({ name: c.field.name, frag: `CASE WHEN ${v(c)} IS NOT NULL THEN ${key(c.field.name)} || ${json(c)} END`, some: `${v(c)} IS NOT NULL` });
      else if (c.kind === "object") {
        const inner = objectJson(c);
        frags.push({ name: c.field!.name, frag: `CASE WHEN ${inner.some} THEN ${key(c.field!.name)} || ${inner.json} END`, some: inner.some });
      } else {
        const inner = arrayJson(c);
        frags.push({ name: c.field.name, frag: `CASE WHEN ${inner.some} THEN ${key(c.field.name)} || ${inner.json} END`, some: inner.some });
      }
    }
    if (frags.length === 0) return { json: "NULL", some: "false" };
    const some = frags.map((f) => `(${f.some})`).join(" OR ");
    if (org) {
      // validate.ts: { ...o, id: o.id ?? o.name, name: o.name ?? o.id } — a missing one goes last.
      const id = n.children.get("id") as Leaf | undefined;
      const name = n.children.get("name") as Leaf | undefined;
      const idv = id ? v(id) : "NULL::VARCHAR";
      const namev = name ? v(name) : "NULL::VARCHAR";
      const rest = frags.filter((f) => f.name !== "id" && f.name !== "name").map((f) => f.frag);
      const parts = [
        `CASE WHEN ${idv} IS NOT NULL THEN ${key("id")} || to_json(${idv})::VARCHAR END`,
        `CASE WHEN ${namev} IS NOT NULL THEN ${key("name")} || to_json(${namev})::VARCHAR END`,
        ...rest,
        `CASE WHEN ${idv} IS NULL THEN ${key("id")} || to_json(${namev})::VARCHAR END`,
        `CASE WHEN ${namev} IS NULL THEN ${key("name")} || to_json(${idv})::VARCHAR END`,
      ];
      return { json: `'{' || concat_ws(',', ${parts.join(", ")}) || '}'`, some };
    }
    return { json: `'{' || concat_ws(',', ${frags.map((f) => f.frag).join(", ")}) || '}'`, some };
  };
  const isOrgArray = (a: Arr) => a.path.length === 1 && (a.field.name === "recipientOrganization" || a.field.name === "fundingOrganization");
  const arrayJson = (a: Arr): { json: string; some: string } => {
    const indexes = [...a.items.keys()].sort((m, n) => m - n);
    const org = isOrgArray(a);
    const items = indexes.map((index) => {
      const item = a.items.get(index)!;
      const o = objectJson(item, org);
      const kept = org ? `(${o.some}) AND (${orgKey(item, "id")} IS NOT NULL OR ${orgKey(item, "name")} IS NOT NULL)` : o.some;
      return { index, json: o.json, some: o.some, kept };
    });
    const some = items.map((i) => `(${i.kept})`).join(" OR ") || "false";
    return { json: `'[' || concat_ws(',', ${items.map((i) => `CASE WHEN ${i.kept} THEN ${i.json} END`).join(", ")}) || ']'`, some };
  };
  const orgKey = (item: Obj, name: string) => {
    const leaf = item.children.get(name) as Leaf | undefined;
    return leaf ? v(leaf) : "NULL";
  };

  const top = (name: string) => root.children.get(name);
  const topLeaf = (name: string) => top(name) as Leaf | undefined;
  const vTop = (name: string) => (topLeaf(name) ? v(topLeaf(name)!) : "NULL::VARCHAR");
  const tTop = (name: string) => (topLeaf(name) ? t(topLeaf(name)!.i) : "NULL::VARCHAR");
  const xTop = (name: string) => (topLeaf(name) ? x(topLeaf(name)!.i) : "NULL::VARCHAR");

  // The organisation lists after validate.ts's rule (an organisation needs an Identifier or a Name).
  const orgItems = (name: string) => {
    const a = top(name) as Arr | undefined;
    if (!a) return [];
    return [...a.items.keys()].sort((m, n) => m - n).map((index) => {
      const item = a.items.get(index)!;
      const o = objectJson(item, true);
      return { a, index, item, some: o.some, json: o.json, id: orgKey(item, "id"), name: orgKey(item, "name") };
    });
  };
  const recipients = orgItems("recipientOrganization");
  const funders = orgItems("fundingOrganization");
  // fi: index among the organisations left after cleaning (validate.ts numbers its warnings so).
  for (const list of [recipients, funders])
    list.forEach((o, k) => objStage.push(`${k === 0 ? "0" : list.slice(0, k).map((q) => `(${q.some})::INTEGER`).join(" + ")} AS ${itemName(o.a, o.index, "fi")}`));

  // ---------------------------------------------------------------- grant-level checks (validate.ts validateGrant)
  const g: string[] = [];
  const G = 100_000;
  const gi: { when: string; issue: string }[] = [];
  const at = (path: PathPart[]) => str(label(path));
  const amount = topLeaf("amountAwarded");
  const award = topLeaf("awardDate");
  const idv = vTop("id");
  gi.push({ when: `${idv} IS NULL`, issue: issue(G, at(["id"]), "NULL", str(reasons.idRequired), "error") });
  gi.push({ when: `${idv} IS NOT NULL AND NOT regexp_matches(${idv}, '(?i)^360G-')`, issue: issue(G, at(["id"]), idv, str(reasons.idPrefix), "warning") });
  const amountV = amount ? v(amount) : "NULL::DOUBLE";
  const amountT = amount ? t(amount.i) : "NULL::VARCHAR";
  const pence = amount ? `pence${amount.i}` : "NULL::DOUBLE";
  gi.push({ when: `${amountV} IS NULL AND ${amountT} IS NULL`, issue: issue(G + 1, at(["amountAwarded"]), "NULL", str(reasons.amountRequired), "error") });
  gi.push({ when: `${amountV} < 0`, issue: issue(G + 1, at(["amountAwarded"]), xTop("amountAwarded"), str(reasons.amountNegative), "error") });
  const poundsText = `format('{:,}', (${pence}::HUGEINT // 100)) || CASE WHEN ${pence}::HUGEINT % 100 = 0 THEN '' ELSE '.' || rtrim(lpad((${pence}::HUGEINT % 100)::VARCHAR, 2, '0'), '0') END`;
  gi.push({ when: `${amountV} >= ${MAX_PLAUSIBLE_AMOUNT}`, issue: issue(G + 1, at(["amountAwarded"]), xTop("amountAwarded"), said(reasons.implausible, poundsText), "error") });
  const cur = vTop("currency");
  // Whether the currency is a known code: with its column's lookup, once per distinct text.
  const curLeaf = topLeaf("currency");
  const knownCur = curLeaf ? `ck${curLeaf.i}` : `list_contains(${sqlList(currencyCodes)}, ${cur})`;
  if (curLeaf) add(objStage, `list_contains(${sqlList(currencyCodes)}, ${cur}) AS ${knownCur}`, curLeaf);
  gi.push({ when: `${cur} IS NULL`, issue: issue(G + 2, at(["currency"]), "NULL", str(reasons.currencyRequired), "error") });
  gi.push({
    when: `${cur} IS NOT NULL AND NOT ${knownCur}`,
    issue: issue(G + 2, at(["currency"]), xTop("currency"), `${str(reasons.currencyCode)} || CASE WHEN ${full(cur, "(?i)G[BP][BP]")} THEN ${str(reasons.didYouMeanGbp)} ELSE '' END`, "error"),
  });
  gi.push({ when: `${knownCur} AND ${cur} <> 'GBP'`, issue: issue(G + 2, at(["currency"]), xTop("currency"), said(reasons.notGbp, cur), "error") });
  const awardV = award ? v(award) : "NULL::VARCHAR";
  add(objStage, `coalesce((${full(awardV, patterns.fullDate)} OR ${full(awardV, patterns.dateTime)}) AND grants_real_date(${awardV}), false) AS award_ok`, award);
  const awardOk = "award_ok";
  gi.push({ when: `${awardV} IS NULL AND ${tTop("awardDate")} IS NULL`, issue: issue(G + 3, at(["awardDate"]), "NULL", str(reasons.awardDateRequired), "error") });
  gi.push({ when: `${awardV} IS NOT NULL AND NOT ${awardOk}`, issue: issue(G + 3, at(["awardDate"]), xTop("awardDate"), str(reasons.awardDate), "error") });
  add(awardStage, `CASE WHEN award_ok AND ${full(awardV, patterns.dateTime)} THEN left(${awardV}, 10) ELSE ${awardV} END AS award_final`, award);
  const awardFinal = "award_final";
  add(g, `coalesce(${full("award_final", patterns.fullDate)}, false) AS award_full`, award);
  const farFuture = `(TRY_CAST(left($today, 4) AS INTEGER) + ${FAR_FUTURE_YEARS})::VARCHAR || substr($today, 5)`;
  const ymd = awardFinal;
  const fullAward = "award_full";
  gi.push({ when: `${fullAward} AND ${ymd} < ${str(EARLIEST_AWARD)}`, issue: issue(G + 4, at(["awardDate"]), xTop("awardDate"), said(reasons.farPast, ymd), "warning") });
  gi.push({ when: `${fullAward} AND ${ymd} >= ${str(EARLIEST_AWARD)} AND ${ymd} > ${farFuture}`, issue: issue(G + 4, at(["awardDate"]), xTop("awardDate"), said(reasons.farFuture, ymd), "warning") });
  gi.push({ when: `${fullAward} AND ${ymd} >= ${str(EARLIEST_AWARD)} AND ${ymd} <= ${farFuture} AND ${ymd} > $today`, issue: issue(G + 4, at(["awardDate"]), xTop("awardDate"), said(reasons.future, ymd), "warning") });
  gi.push({ when: `${vTop("title")} IS NULL`, issue: issue(G + 5, at(["title"]), "NULL", str(reasons.titleMissing), "warning") });
  gi.push({ when: `${vTop("description")} IS NULL`, issue: issue(G + 6, at(["description"]), "NULL", str(reasons.descriptionMissing), "warning") });
  let o = G + 10;
  for (const [key, list] of [["recipientOrganization", recipients], ["fundingOrganization", funders]] as const) {
    for (const org of list) {
      const fiName = itemName(org.a, org.index, "fi");
      const lbl = (leaf: string) => {
        const max = [...org.a.items.keys()].sort((m, n) => m - n).indexOf(org.index);
        if (max === 0) return str(label([key, 0, leaf]));
        return `CASE ${Array.from({ length: max + 1 }, (_, k) => `WHEN ${fiName} = ${k} THEN ${str(label([key, k, leaf]))}`).join(" ")} END`;
      };
      gi.push({ when: `(${org.some}) AND ${org.id} IS NULL AND ${org.name} IS NOT NULL`, issue: issue(o, lbl("id"), "NULL", str(reasons.orgIdMissing), "warning") });
      gi.push({ when: `(${org.some}) AND ${org.name} IS NULL AND ${org.id} IS NOT NULL`, issue: issue(o + 1, lbl("name"), "NULL", str(reasons.orgNameMissing), "warning") });
      o += 2;
    }
  }
  const ind = top("recipientIndividual") as Obj | undefined;
  const indId = ind ? orgKey(ind, "id") : "NULL::VARCHAR";
  const indName = ind ? orgKey(ind, "name") : "NULL::VARCHAR";
  gi.push({ when: `${indId} IS NULL AND ${indName} IS NOT NULL`, issue: issue(G + 900, at(["recipientIndividual", "id"]), "NULL", str(reasons.individualIncomplete), "warning") });
  gi.push({ when: `${indId} IS NOT NULL AND ${indName} IS NULL`, issue: issue(G + 900, at(["recipientIndividual", "name"]), "NULL", str(reasons.individualIncomplete), "warning") });
  const hasOrg = recipients.length ? recipients.map((r) => `((${r.some}) AND (${r.id} IS NOT NULL OR ${r.name} IS NOT NULL))`).join(" OR ") : "false";
  const hasInd = `(${indId} IS NOT NULL OR ${indName} IS NOT NULL)`;
  const hasFunder = funders.length ? funders.map((r) => `((${r.some}) AND (${r.id} IS NOT NULL OR ${r.name} IS NOT NULL))`).join(" OR ") : "false";
  g.push(`${hasOrg} AS has_org`, `${hasInd} AS has_ind`, `${hasFunder} AS has_funder`);
  g.push(`coalesce(${indId}, ${indName}) AS ind_id`, `coalesce(${indName}, ${str(INDIVIDUAL_NAME)}) AS ind_name`);
  gi.push({ when: `NOT has_org AND NOT has_ind`, issue: issue(G + 901, at(["recipientOrganization", 0, "id"]), "NULL", str(reasons.noRecipient), "error") });
  gi.push({ when: `has_org AND has_ind`, issue: issue(G + 901, at(["recipientIndividual", "id"]), `coalesce(${indId}, ${indName})`, str(reasons.bothRecipients), "error") });
  gi.push({ when: `NOT has_funder`, issue: issue(G + 902, at(["fundingOrganization", 0, "id"]), "NULL", str(reasons.noFunder), "error") });

  // The grant's JSON: schema order; a missing Title or Description is added last, as validate.ts does.
  const frags: string[] = [];
  for (const c of ordered(root)) {
    if (c.kind === "leaf") {
      const name = c.field.name;
      const value = name === "awardDate" ? awardFinal : v(c);
      const text = name === "amountAwarded" ? `grants_num(${v(c)})` : c.field.kind === "number" ? `grants_num(${value})` : `to_json(${value})::VARCHAR`;
      frags.push(`CASE WHEN ${value} IS NOT NULL THEN ${key(name)} || ${text} END`);
    } else if (c.kind === "object" && c.field!.name === "recipientIndividual") {
      frags.push(`CASE WHEN ${hasInd} THEN ${key("recipientIndividual")} || '{' || ${key("id")} || to_json(coalesce(${indId}, ${indName}))::VARCHAR || ',' || ${key("name")} || to_json(coalesce(${indName}, ${str(INDIVIDUAL_NAME)}))::VARCHAR || '}' END`);
    } else if (c.kind === "object") {
      const inner = objectJson(c);
      frags.push(`CASE WHEN ${inner.some} THEN ${key(c.field!.name)} || ${inner.json} END`);
    } else {
      const inner = arrayJson(c);
      frags.push(`CASE WHEN ${inner.some} THEN ${key(c.field.name)} || ${inner.json} END`);
    }
  }
  frags.push(`CASE WHEN ${vTop("title")} IS NULL THEN ${key("title")} || '""' END`, `CASE WHEN ${vTop("description")} IS NULL THEN ${key("description")} || '""' END`);

  // Extra columns: kept with the grant as written.
  const extras = header.map((h, i) => ({ h: h.trim(), i })).filter(({ h, i }) => !columns[i] && h !== "");
  const extraJson = extras.length
    ? `nullif('{' || concat_ws(',', ${extras.map(({ h, i }) => `CASE WHEN ${t(i)} IS NOT NULL THEN ${key(h)} || to_json(${x(i)})::VARCHAR END`).join(", ")}) || '}', '{}')`
    : "NULL::VARCHAR";

  // Items of the lists the staging tables hold, in order, after cleaning.
  const arr = (name: string) => top(name) as Arr | undefined;
  const itemsList = (a: Arr | undefined, fields: Record<string, string>, kept?: (item: Obj, some: string) => string): string => {
    const type = `STRUCT(${Object.keys(fields).map((k) => `"${k}" ${k === "months" ? "DOUBLE" : "VARCHAR"}`).join(", ")})[]`;
    if (!a) return `CAST([] AS ${type})`;
    const entries = [...a.items.keys()].sort((m, n) => m - n).map((index) => {
      const item = a.items.get(index)!;
      const some = objectJson(item).some;
      const cond = kept ? kept(item, some) : some;
      const struct = Object.entries(fields).map(([k, f]) => `'${k}': ${f.replace(/\$(\w+)/g, (_, n: string) => orgKey(item, n))}`);
      return { cond, struct: `{${struct.join(", ")}}` };
    });
    // One item (most lists of most ledgers): a CASE, no lambda to run on every row.
    if (entries.length === 1) return `CASE WHEN ${entries[0].cond} THEN CAST([${entries[0].struct}] AS ${type}) ELSE CAST([] AS ${type}) END`;
    return `CAST(list_filter([${entries.map((x) => `CASE WHEN ${x.cond} THEN ${x.struct} END`).join(", ")}], lambda x: x IS NOT NULL) AS ${type})`;
  };
  const orgKept = (item: Obj, some: string) => `(${some}) AND (${orgKey(item, "id")} IS NOT NULL OR ${orgKey(item, "name")} IS NOT NULL)`;
  g.push(`${itemsList(arr("beneficiaryLocation"), { name: "$name", geo_code: "$geoCode", geo_code_type: "$geoCodeType", country_code: "$countryCode" })} AS locations`);
  g.push(`${itemsList(arr("grantProgramme"), { code: "$code", title: "$title" })} AS programmes`);
  g.push(`${itemsList(arr("fundingOrganization"), { id: "coalesce($id, $name)", name: "coalesce($name, $id)" }, orgKept)} AS funders`);
  const rorgs = arr("recipientOrganization");
  const recipientList = itemsList(rorgs, {
    id: "coalesce($id, $name)",
    name: "coalesce($name, $id)",
    charity: "$charityNumber",
    company: "$companyNumber",
    postcode: "$postalCode",
  }, orgKept);
  g.push(`${recipientList} AS recipient_orgs`);
  // The first recipient organisation's locations (geographic codes, numbered as in its cleaned list).
  const firstOrgCodes = rorgs
    ? `CASE ${[...rorgs.items.keys()].sort((m, n) => m - n).map((index) => {
        const item = rorgs.items.get(index)!;
        const locs = item.children.get("location") as Arr | undefined;
        const list = itemsList(locs, { code: "$geoCode" });
        return `WHEN ${orgKept(item, objectJson(item).some)} THEN ${list}`;
      }).join(" ")} END`
    : itemsList(undefined, { code: "" });
  g.push(`${firstOrgCodes} AS recipient_codes`);
  const planned = arr("plannedDates");
  g.push(`${itemsList(planned, { start: "$startDate", end: "$endDate", months: "$duration" })}[1] AS planned`);
  g.push(`${itemsList(arr("classifications"), { theme: "coalesce($title, $code)" })} AS classes`);
  g.push(`${idv} AS grant_id`, `${awardFinal} AS award_date`, `${pence} AS pence`);
  g.push(`'{' || concat_ws(',', ${frags.join(", ")}) || '}' AS grant_json`, `${extraJson} AS extra_json`);
  g.push(`${vTop("title")} AS title_v`, `${vTop("description")} AS description_v`, `${cur} AS currency_v`, `${vTop("dataSource")} AS data_source`, `${vTop("dateModified")} AS date_modified`);

  // All problems of the row, in validate.ts's order (each leaf's, then the grant's).
  // Most rows have none: the lists are only joined when one of them is there.
  g.push(`${issuesOf(gi)} AS e_grant`);
  const lists = [...leaves.map((l) => e(l)), "e_grant"];
  const issues = `CASE WHEN ${lists.map((l) => `${l} IS NULL`).join(" AND ")} THEN [] ELSE list_concat(${lists.join(", ")}) END AS issues`;

  // The row is a grant when one of its cells is not blank.
  const anyCell = header.map((_, i) => `${t(i)} IS NOT NULL`).join(" OR ") || "false";
  const stages = [trimStage, presStage, ciStage, helperStage, amountStage1, amountStage2, dateStage1, dateStage2, finalLeaf, objStage, awardStage, g, [issues]];
  const joins = [...lookups].map(([i, own]) => {
    let q = `SELECT DISTINCT ${x(i)} FROM ${raw}`;
    stages.forEach((stage, k) => {
      if (own.get(stage)?.length) q = `SELECT *, ${own.get(stage)!.join(",\n  ")} FROM (${q}) q${k}`;
    });
    return ` LEFT JOIN (SELECT * EXCLUDE (${x(i)}), ${x(i)} AS k${i} FROM (${q})) l${i} ON r.${x(i)} IS NOT DISTINCT FROM l${i}.k${i}`;
  });
  let sql = `SELECT * FROM (SELECT "row", ${header.map((_, i) => x(i)).join(", ")} FROM ${raw}) r${joins.join("")}`;
  stages.forEach((stage, k) => {
    if (stage.length === 0) return;
    sql = `SELECT *, ${stage.join(",\n  ")} FROM (${sql}) s${k}`;
    if (k === 0) sql = `SELECT * FROM (${sql}) s WHERE ${anyCell}`;
  });
  const locationCount = (top("beneficiaryLocation") as Arr | undefined)?.items.size ?? 0;
  return { select: sql, locationLabels: Array.from({ length: locationCount }, (_, k) => label(["beneficiaryLocation", k, "geoCode"])) };
}
