// The only way referral figures leave the database: one protected table over every layer, period and need published together, audited, then rates built on it.
//
// What is published (and nothing else: no record-level data, referral ids, postcodes or dates of single
// referrals), for each NHS financial year with data, counts of referrals and of unmet referrals ("no suitable
// activity") with rates per 1,000 residents, the unmet share and waits:
//   MSOA, PCN, borough, place         × each need and all needs (boroughs that share a place-based partnership,
//                                      City of London and Hackney, are one "borough" here: code "E09000001+E09000012")
//   borough, place                     × each month, all needs
//   ward (only when asked for, instead of MSOAs) × each need and all needs
//   LSOA (only when asked for, with MSOAs or wards above it) × all needs, referrals only
// Every count goes through protectTable (pipelines/publish/disclosure.ts) with every additive relation an attacker could
// use declared: MSOAs add up to boroughs (parent); wards add up to boroughs (area group); boroughs add up to
// the place (parent) and so do PCNs (area group); needs add up to "all" (declared although one referral can
// carry several needs: that only adds protection); the months of a year add up to the year (each borough's
// and the place's months are areas of their own, "E09000002@2024-05", grouped into the borough, and the
// boroughs' months into the place's month). Relations never cross a measure or a financial year, so the table
// is protected block by block (one measure in one year) and then audited whole (auditPublished with the exact
// linear check); publishing stops with an error if the audit finds anything. Rates and means are built from
// the protected cells (protectRate / protectMean), so a hidden count hides its rates too.
//
// Why wards are not published by default: wards and MSOAs cross (in north east London 26 ward/MSOA pairs differ
// by one or two LSOAs), so subtracting a ward from an MSOA, even with the intervals rounding leaves, narrows an
// unpublished LSOA's count (10 − 10 ⇒ 0–4). The gate (publish/gate.ts) publishes only geographic layers that
// nest (LSOA → MSOA or ward → borough → place) and refuses crossing ones; it then runs that attack over every
// published layer together and stops if any group finer than the published areas is bounded to 1–7. The
// `layers` option picks the tree: ["ward", "pcn"] for wards instead of MSOAs, ["lsoa", "msoa", "pcn"] for LSOAs.
// The LSOA measures stay in the database (referral_measures) for the need index.
import type { Db } from "../db/connection.ts";
import { openDb } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import {
  DisclosureError,
  parsePolicy,
  protectMean,
  protectRate,
  roundHalfUp,
  type CountCell,
  type DisclosurePolicy,
  type ProtectedTable,
  type ProtectedValue,
  type PublishedCell,
  type TableStructure,
} from "./disclosure.ts";
import { gateAreaTable, protectByBlock as protectBlocks, type GeoLayer } from "./gate.ts";
import { ALL_NEEDS, NEED_CATEGORIES, needLabel } from "../../src/lib/needs.ts";
import { SYNTHETIC_LABEL } from "../demo/generators.ts";
import { hasTable } from "../db/catalog.ts";
import { queryToArrow } from "./arrow.ts";

export type PublishedLayer = "lsoa" | "msoa" | "ward" | "lad" | "pcn" | "place";

/** One published row: an area, a period and a need. Null means hidden (or nothing to divide by). */
export interface PublishedReferralRow {
  layer: PublishedLayer;
  code: string;
  name: string;
  parent: string | null;
  /** The borough the area lies in (its local authority code, or codes joined by "+" for a partnership published as one); null for PCNs and the place. */
  borough: string | null;
  period: string;
  period_type: "year" | "month";
  need: string;
  /** Census 2021 usual residents (public); null for PCNs, whose registered lists are not loaded. */
  population: number | null;
  referrals: number | null;
  unmet: number | null;
  referrals_per_1000: number | null;
  unmet_per_1000: number | null;
  /** Unmet as a percentage of referrals (0–100), from the rounded counts. */
  unmet_percent: number | null;
  wait_mean_days: number | null;
  wait_median_days: number | null;
}

export interface LayerSpec {
  key: PublishedLayer;
  label: string;
  /** "each": every need category and all needs; "all": all needs only. */
  needs: "all" | "each";
  /** Whether unmet counts are published (LSOA: no, they are nearly all below the threshold). */
  unmet: boolean;
  /** Whether monthly figures are published (all needs only). */
  months: boolean;
}

export const layerSpecs: Record<PublishedLayer, LayerSpec> = {
  lsoa: { key: "lsoa", label: "Neighbourhood (LSOA)", needs: "all", unmet: false, months: false },
  msoa: { key: "msoa", label: "MSOA", needs: "each", unmet: true, months: false },
  ward: { key: "ward", label: "Ward", needs: "each", unmet: true, months: false },
  pcn: { key: "pcn", label: "Primary care network", needs: "each", unmet: true, months: false },
  lad: { key: "lad", label: "Local authority", needs: "each", unmet: true, months: true },
  place: { key: "place", label: "Whole place", needs: "each", unmet: true, months: true },
};

/** Published by default: the nested tree MSOA → borough → place, with PCNs and months (see the file header). */
export const defaultLayers: readonly PublishedLayer[] = ["msoa", "pcn", "lad", "place"];

export interface PublishOptions {
  /** Layers to publish together; "lad" and "place" are always included. Geographic layers must nest (not ward with MSOA). */
  layers?: readonly PublishedLayer[];
}

export interface ReferralPublication {
  /** "SYNTHETIC DEMO DATA …" when any referral file is a demo file, else null. */
  label: string | null;
  synthetic: boolean;
  policy: { threshold: number; rounding: number };
  periods: { key: string; type: "year" | "month"; label: string; months: number }[];
  needs: { key: string; label: string }[];
  layers: LayerSpec[];
  rows: PublishedReferralRow[];
  summary: { cells: number; published: number; hidden: number; referrals: number | null };
}

const measures = ["referrals", "unmet"] as const;
type Measure = (typeof measures)[number];
const category = (measure: string, period: string, need: string) => `${measure}|${period}|${need}`;
/** The key of a borough's or the place's month, as an area of its own. */
export const monthKey = (code: string, month: string) => `${code}@${month}`;

interface Area {
  layer: PublishedLayer;
  code: string;
  name: string;
  parent: string | null;
  population: number | null;
  ward: string | null;
  lad: string | null;
}

interface MeasureRow {
  area_code: string;
  period: string;
  need: string;
  referrals: number;
  unmet: number;
  waits_n: number;
  wait_sum: number | null;
  wait_median: number | null;
}

async function policyOf(db: Db): Promise<DisclosurePolicy> {
  const meta = Object.fromEntries(
    (await db.all<{ key: string; value: string }>(`SELECT key, value FROM meta WHERE key IN ('disclosure_threshold', 'disclosure_rounding')`)).map((r) => [r.key, r.value]),
  );
  return parsePolicy({
    threshold: meta.disclosure_threshold === undefined ? 7 : Number(meta.disclosure_threshold),
    rounding: meta.disclosure_rounding === undefined ? 5 : Number(meta.disclosure_rounding),
  });
}

/** "2024-05" → "2024/25"; a financial year stays as it is. */
export function financialYearOf(period: string): string {
  if (!/^\d{4}-\d{2}$/.test(period)) return period;
  const y = Number(period.slice(0, 4)) - (Number(period.slice(5, 7)) < 4 ? 1 : 0);
  return `${y}/${String((y + 1) % 100).padStart(2, "0")}`;
}

function financialYearLabel(fy: string): string {
  const [start, end] = fy.split("/");
  return `April ${start} to March 20${end}`;
}

function monthLabel(month: string): string {
  const names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  return `${names[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

/** The cell table, its structure and what is needed to turn it into rows (exported for tests and audits). */
export interface ReferralTable {
  policy: DisclosurePolicy;
  cells: CountCell[];
  structure: TableStructure;
  areas: Area[];
  years: { period: string; months: number }[];
  months: string[];
  needs: string[];
  layers: PublishedLayer[];
  measured: Map<string, MeasureRow>;
  synthetic: boolean;
  /** The published geographic layers (all but PCN) as sets of LSOAs, for the cross-layer gate. */
  geography: GeoLayer[];
}

/** Every count that would be published, before disclosure control, with the relations among them. Null when there is no referral data. */
export async function referralTable(db: Db, options: PublishOptions = {}): Promise<ReferralTable | null> {
  const policy = await policyOf(db);
  const layers = [...new Set<PublishedLayer>([...(options.layers ?? defaultLayers), "lad", "place"])];
  if (layers.includes("lsoa") && !layers.includes("msoa") && !layers.includes("ward"))
    throw new DisclosureError("the LSOA layer is published only with the MSOA or ward layer it adds up to");
  if (!(await hasTable(db, "referral_measures"))) return null;
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM referral_measures`);
  if (n === 0) return null;

  const [{ place, synthetic }] = await db.all<{ place: string; synthetic: boolean }>(`
    SELECT (SELECT value FROM meta WHERE key = 'place_id') AS place,
           coalesce((SELECT bool_or(synthetic) FROM referral_file), false) AS synthetic`);
  const months = (await db.all<{ period: string }>(
    `SELECT DISTINCT period FROM referral_measures WHERE period_type = 'month' AND layer = 'place' ORDER BY period`,
  )).map((r) => r.period);
  const yearKeys = (await db.all<{ period: string }>(`SELECT DISTINCT period FROM referral_measures WHERE period_type = 'year' ORDER BY period`)).map((r) => r.period);
  const years = yearKeys.map((period) => ({ period, months: months.filter((m) => financialYearOf(m) === period).length }));
  const usedNeeds = new Set((await db.all<{ need: string }>(`SELECT DISTINCT need FROM referral_measures WHERE need <> 'all'`)).map((r) => r.need));
  const needs = NEED_CATEGORIES.map((c) => c.key).filter((k) => usedNeeds.has(k));

  // Areas of the published layers. PCNs: those with referrals or with a practice in the place.
  // The borough layer: local authorities that share a place-based partnership are published together ("City and
  // Hackney"): the City of London's ~8,600 residents make nearly every count of its own too small, and hiding it
  // alone would force a second borough to be hidden in every month and need.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rp_borough AS
    SELECT lad_code,
           CASE WHEN count(*) OVER w > 1 THEN string_agg(lad_code, '+') OVER w ELSE lad_code END AS borough,
           CASE WHEN count(*) OVER w > 1 THEN partnership ELSE lad_name END AS borough_name
    FROM place_lad
    WINDOW w AS (PARTITION BY partnership ORDER BY lad_code ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`);
  // Medians do not add up: a merged borough's median wait comes from its referral records.
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rp_median AS
    WITH f AS (
      SELECT b.borough, r.financial_year, unnest(list_append(r.needs, 'all')) AS need, r.days_waited
      FROM referral r JOIN lsoa l USING (lsoa21cd) JOIN rp_borough b ON b.lad_code = l.lad_code
      WHERE b.borough LIKE '%+%')
    SELECT borough, financial_year AS period, need, median(days_waited)::DOUBLE AS wait_median FROM f GROUP BY ALL`);
  const all = await db.all<Area>(
    `WITH l AS (SELECT l.*, b.borough, b.borough_name FROM lsoa l JOIN rp_borough b USING (lad_code))
     SELECT 'lsoa' AS layer, lsoa21cd AS code, lsoa21nm AS name, msoa21cd AS parent, population, ward_code AS ward, borough AS lad FROM l
     UNION ALL SELECT 'msoa', msoa21cd, any_value(msoa_name), any_value(borough), sum(population)::INTEGER, NULL, any_value(borough) FROM l GROUP BY msoa21cd
     UNION ALL SELECT 'ward', ward_code, any_value(ward_name), NULL, sum(population)::INTEGER, NULL, any_value(borough) FROM l GROUP BY ward_code
     UNION ALL SELECT 'lad', borough, any_value(borough_name), $place, sum(population)::INTEGER, NULL, NULL FROM l GROUP BY borough
     UNION ALL SELECT 'place', $place, (SELECT value FROM meta WHERE key = 'place_name'), NULL, sum(population)::INTEGER, NULL, NULL FROM l
     UNION ALL SELECT 'pcn', p.code, coalesce(p.name, p.code), NULL, NULL, NULL, NULL FROM (
       SELECT DISTINCT m.area_code AS code, pcn.name FROM referral_measures m LEFT JOIN pcn ON pcn.code = m.area_code WHERE m.layer = 'pcn'
       UNION SELECT DISTINCT pr.pcn_code, pcn.name FROM practice pr LEFT JOIN pcn ON pcn.code = pr.pcn_code WHERE pr.in_place AND pr.pcn_code IS NOT NULL) p
     ORDER BY 1, 2`,
    { place },
  );
  const areas = all.filter((a) => layers.includes(a.layer));
  const measureRows = await db.all<MeasureRow & { layer: string }>(
    `SELECT layer, area_code, period, need, referrals, unmet, waits_n, wait_sum::DOUBLE AS wait_sum, wait_median
     FROM referral_measures WHERE layer <> 'lad' AND (period_type = 'year' OR (period_type = 'month' AND layer = 'place' AND need = 'all'))
     UNION ALL
     SELECT 'lad', b.borough, m.period, m.need, sum(m.referrals)::INTEGER, sum(m.unmet)::INTEGER, sum(m.waits_n)::INTEGER, sum(m.wait_sum)::DOUBLE,
            CASE WHEN count(*) = 1 THEN any_value(m.wait_median) ELSE any_value(md.wait_median) END
     FROM referral_measures m JOIN rp_borough b ON b.lad_code = m.area_code
     LEFT JOIN rp_median md ON md.borough = b.borough AND md.period = m.period AND md.need = m.need
     WHERE m.layer = 'lad' AND (m.period_type = 'year' OR (m.period_type = 'month' AND m.need = 'all'))
     GROUP BY b.borough, m.period, m.need`,
  );
  await db.run(`DROP TABLE rp_borough`);
  await db.run(`DROP TABLE rp_median`);
  const measured = new Map(measureRows.map((r) => [`${r.layer}|${r.area_code}|${r.period}|${r.need}`, r]));

  // The cells: every area × the categories its layer publishes, zeros included (a missing cell would read as 0).
  const cells: CountCell[] = [];
  const add = (a: Area, key: string, parent: string | null, period: string, need: string, fy: string) => {
    const m = measured.get(`${a.layer}|${a.code}|${period}|${need}`);
    for (const measure of measures) {
      if (measure === "unmet" && !layerSpecs[a.layer].unmet) continue;
      cells.push({ key, parent, category: category(measure, fy, need), count: m ? m[measure as Measure] : 0 });
    }
  };
  for (const a of areas) {
    const spec = layerSpecs[a.layer];
    for (const fy of yearKeys) {
      for (const need of spec.needs === "each" ? [ALL_NEEDS, ...needs] : [ALL_NEEDS]) add(a, a.code, a.parent, fy, need, fy);
    }
    if (spec.months) for (const month of months) add(a, monthKey(a.code, month), null, month, ALL_NEEDS, financialYearOf(month));
  }
  const structure = tableStructure(areas, yearKeys, months, needs);
  return { policy, cells, structure, areas, years, months, needs, layers, measured, synthetic, geography: geographyOf(all, layers) };
}

/** Each published geographic layer's areas as sets of LSOAs, from the LSOA rows of `all` (PCNs are not geographic). */
function geographyOf(all: readonly Area[], layers: readonly PublishedLayer[]): GeoLayer[] {
  const lsoas = all.filter((a) => a.layer === "lsoa");
  const placeCode = all.find((a) => a.layer === "place")?.code ?? "place";
  const areaOf: Partial<Record<PublishedLayer, (a: Area) => string | null>> = {
    lsoa: (a) => a.code,
    msoa: (a) => a.parent,
    ward: (a) => a.ward,
    lad: (a) => a.lad,
    place: () => placeCode,
  };
  return layers.flatMap((layer) => {
    const of = areaOf[layer];
    if (!of) return [];
    const areas = new Map<string, string[]>();
    for (const l of lsoas) {
      const code = of(l);
      if (code !== null) (areas.get(code) ?? areas.set(code, []).get(code)!).push(l.code);
    }
    return [{ layer, areas }];
  });
}

/** True counts of a group of LSOAs in a category ("referrals|2024/25|debt"), for the gate's narrowed-small rule. */
export async function referralTruth(db: Db): Promise<(category: string, lsoas: readonly string[]) => number> {
  const rows = await db.all<{ area_code: string; period: string; need: string; referrals: number; unmet: number }>(
    `SELECT area_code, period, need, referrals, unmet FROM referral_measures WHERE layer = 'lsoa' AND period_type = 'year'`,
  );
  const count = new Map<string, number>();
  for (const r of rows) for (const m of measures) count.set(`${category(m, r.period, r.need)}|${r.area_code}`, r[m]);
  return (cat, lsoas) => lsoas.reduce((s, l) => s + (count.get(`${cat}|${l}`) ?? 0), 0);
}

/**
 * Everything the referrals pages may show, through disclosure control. Throws IntegrityError when the table
 * cannot be protected or the audit of the protected table finds anything: then nothing is published.
 */
export async function publishReferrals(db: Db, options: PublishOptions = {}): Promise<ReferralPublication> {
  const t = await referralTable(db, options);
  const layers = [...new Set<PublishedLayer>([...(options.layers ?? defaultLayers), "lad", "place"])].map((l) => layerSpecs[l]);
  if (!t) {
    const policy = await policyOf(db);
    return {
      label: null,
      synthetic: false,
      policy: { threshold: policy.threshold, rounding: policy.rounding },
      periods: [],
      needs: [],
      layers,
      rows: [],
      summary: { cells: 0, published: 0, hidden: 0, referrals: null },
    };
  }
  const { policy, cells, structure, areas, years, months, needs, measured } = t;
  // Nesting check, protection block by block, the exact audit and the cross-layer attack: IntegrityError if anything fails.
  const table = gateAreaTable({ cells, policy, structure, layers: t.geography, blockOf, truth: await referralTruth(db), what: "referrals" });

  const cellOf = new Map<string, PublishedCell>(table.cells.map((c) => [`${c.key}|${c.category}`, c]));
  const hiddenZero: ProtectedValue = { value: null, flag: "suppressed" };
  const protectedOf = (key: string, cat: string): ProtectedValue => {
    const c = cellOf.get(`${key}|${cat}`);
    return c ? { value: c.value, flag: c.flag } : hiddenZero;
  };
  const rows: PublishedReferralRow[] = [];
  const row = (a: Area, key: string, period: string, fy: string, need: string) => {
    const spec = layerSpecs[a.layer];
    const referrals = protectedOf(key, category("referrals", fy, need));
    const unmet = spec.unmet ? protectedOf(key, category("unmet", fy, need)) : hiddenZero;
    const m = measured.get(`${a.layer}|${a.code}|${period}|${need}`);
    const perThousand = (c: ProtectedValue) => (a.population ? protectRate(c, a.population, 1000, policy, 1).value : null);
    const mean = protectMean(m?.wait_sum ?? 0, m?.waits_n ?? 0, policy, { decimals: 1, count: referrals });
    rows.push({
      layer: a.layer,
      code: a.code,
      name: a.name,
      parent: a.parent,
      borough: a.layer === "lad" ? a.code : a.lad,
      period,
      period_type: period === fy ? "year" : "month",
      need,
      population: a.population,
      referrals: referrals.value,
      unmet: spec.unmet ? unmet.value : null,
      referrals_per_1000: perThousand(referrals),
      unmet_per_1000: spec.unmet ? perThousand(unmet) : null,
      unmet_percent: spec.unmet ? protectRate(unmet, referrals, 100, policy, 1).value : null,
      wait_mean_days: mean.value,
      // The median is shown under the same rule as the mean: hidden when the count or the number of waits is small.
      wait_median_days: mean.value === null || m?.wait_median == null ? null : roundHalfUp(m.wait_median, 1),
    });
  };
  const yearKeys = years.map((y) => y.period);
  for (const a of areas) {
    const spec = layerSpecs[a.layer];
    for (const fy of yearKeys) for (const need of spec.needs === "each" ? [ALL_NEEDS, ...needs] : [ALL_NEEDS]) row(a, a.code, fy, fy, need);
    if (spec.months) for (const month of months) row(a, monthKey(a.code, month), month, financialYearOf(month), ALL_NEEDS);
  }
  const latest = rows.find((r) => r.layer === "place" && r.period === yearKeys[yearKeys.length - 1] && r.need === ALL_NEEDS);
  return {
    label: t.synthetic ? SYNTHETIC_LABEL : null,
    synthetic: t.synthetic,
    policy: { threshold: policy.threshold, rounding: policy.rounding },
    periods: [
      ...years.map((y) => ({ key: y.period, type: "year" as const, label: `${financialYearLabel(y.period)}${y.months < 12 ? ` (${y.months} months of data)` : ""}`, months: y.months })),
      ...months.map((m) => ({ key: m, type: "month" as const, label: monthLabel(m), months: 1 })),
    ],
    needs: [ALL_NEEDS, ...needs].map((key) => ({ key, label: needLabel(key) })),
    layers,
    rows,
    summary: {
      cells: table.summary.cells,
      published: table.summary.published,
      hidden: table.summary.suppressed + table.summary.secondary,
      referrals: latest?.referrals ?? null,
    },
  };
}

/** The block of a category: one measure in one financial year (no relation crosses a block). */
const blockOf = (cat: string): string => {
  const [measure, period] = cat.split("|");
  return `${measure}|${financialYearOf(period!)}`;
};

/** protectTable on each block of cells that no relation connects to another (one measure in one financial year), merged. */
export function protectByBlock(cells: readonly CountCell[], policy: DisclosurePolicy, structure: TableStructure): ProtectedTable {
  return protectBlocks(cells, policy, structure, blockOf);
}

/** The additive relations among the published cells (see the file header). */
export function tableStructure(
  areas: ReadonlyArray<Pick<Area, "layer" | "code" | "ward" | "lad">>,
  years: readonly string[],
  months: readonly string[],
  needs: readonly string[],
): TableStructure {
  const wardsOfLad = new Map<string, string[]>();
  const lsoasOfWard = new Map<string, string[]>();
  const pcns: string[] = [];
  const lads: string[] = [];
  let place: string | null = null;
  const push = (map: Map<string, string[]>, key: string, value: string) => (map.get(key) ?? map.set(key, []).get(key)!).push(value);
  for (const a of areas) {
    if (a.layer === "ward" && a.lad) push(wardsOfLad, a.lad, a.code);
    if (a.layer === "lsoa" && a.ward) push(lsoasOfWard, a.ward, a.code);
    if (a.layer === "pcn") pcns.push(a.code);
    if (a.layer === "lad") lads.push(a.code);
    if (a.layer === "place") place = a.code;
  }
  const hasWards = areas.some((a) => a.layer === "ward");
  const areaGroups: { total: string; parts: string[] }[] = [
    ...(hasWards ? [...lsoasOfWard].map(([total, parts]) => ({ total, parts })) : []),
    ...[...wardsOfLad].map(([total, parts]) => ({ total, parts })),
    ...(place && pcns.length ? [{ total: place, parts: pcns }] : []),
  ];
  // Months: each borough's and the place's months add up to its year; the boroughs' months add up to the place's.
  for (const code of [...lads, ...(place ? [place] : [])]) if (months.length) areaGroups.push({ total: code, parts: months.map((m) => monthKey(code, m)) });
  if (place && lads.length) for (const m of months) areaGroups.push({ total: monthKey(place, m), parts: lads.map((l) => monthKey(l, m)) });
  const categoryTotals: Record<string, string[]> = {};
  for (const measure of measures) for (const year of years) categoryTotals[category(measure, year, ALL_NEEDS)] = needs.map((n) => category(measure, year, n));
  return { categoryTotals, areaGroups };
}

/** The published rows as Arrow IPC (for the page), typed by an in-memory DuckDB so the built database stays read-only. */
export async function referralRowsArrow(rows: readonly PublishedReferralRow[]): Promise<Buffer> {
  const mem = await openDb(":memory:");
  try {
    const columns: [keyof PublishedReferralRow, string][] = [
      ["layer", "VARCHAR"],
      ["code", "VARCHAR"],
      ["name", "VARCHAR"],
      ["parent", "VARCHAR"],
      ["borough", "VARCHAR"],
      ["period", "VARCHAR"],
      ["period_type", "VARCHAR"],
      ["need", "VARCHAR"],
      ["population", "INTEGER"],
      ["referrals", "INTEGER"],
      ["unmet", "INTEGER"],
      ["referrals_per_1000", "DOUBLE"],
      ["unmet_per_1000", "DOUBLE"],
      ["unmet_percent", "DOUBLE"],
      ["wait_mean_days", "DOUBLE"],
      ["wait_median_days", "DOUBLE"],
    ];
    await mem.run(`CREATE TABLE published (${columns.map(([c, t]) => `${ident(c)} ${t}`).join(", ")})`);
    const appender = await mem.conn.createAppender("published");
    for (const r of rows) {
      for (const [c, t] of columns) {
        const v = r[c];
        if (v === null || v === undefined) appender.appendNull();
        else if (t === "VARCHAR") appender.appendVarchar(String(v));
        else if (t === "INTEGER") appender.appendInteger(v as number);
        else appender.appendDouble(v as number);
      }
      appender.endRow();
    }
    appender.closeSync();
    return await queryToArrow(mem, `SELECT * FROM published`);
  } finally {
    mem.close();
  }
}

/**
 * The publication the site's loaders share: the site build runs every loader on one read-only connection, so the gate
 * (protection, audit, cross-layer attack) runs once for both referral loaders instead of once each.
 */
const forSite = new WeakMap<Db, Promise<ReferralPublication>>();
function sitePublication(db: Db): Promise<ReferralPublication> {
  let publication = forSite.get(db);
  if (!publication) forSite.set(db, (publication = publishReferrals(db)));
  return publication;
}

/** Loader output: the published rows as Arrow IPC. */
export async function referralFigures(db: Db): Promise<Buffer> {
  return referralRowsArrow((await sitePublication(db)).rows);
}

/** Loader output: everything but the rows (periods, needs, layers, policy, label, summary), as JSON. */
export async function referralMeta(db: Db): Promise<string> {
  const { rows, ...meta } = await sitePublication(db);
  void rows;
  return JSON.stringify(meta);
}
