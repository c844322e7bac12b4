// The publish gate on two years of seeded demo referrals: audited output, no small counts, the differencing attack fails, nothing record-level leaves; and the demo itself.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import type { DemoContext } from "../../pipelines/demo/generators.ts";
import { silentLogger } from "../../pipelines/log.ts";
import {
  financialYearOf,
  monthKey,
  publishReferrals,
  referralFigures,
  referralMeta,
  protectByBlock,
  referralTable,
  referralTruth,
  type PublishedReferralRow,
  type ReferralPublication,
} from "../../pipelines/publish/referrals.ts";
import { generateDemoReferrals } from "../../pipelines/referrals/demo.ts";
import { auditPublished, type PublicCell } from "../../pipelines/publish/disclosure.ts";
import { crossLayerAttack } from "../../pipelines/publish/gate.ts";
import { buildBase, freshDb, ingest, tempDir, type Base } from "./helpers.ts";
import { scanForDisclosure } from "./scan.ts";

let base: Base;
let files: string[];
let db: Db;
let pub: ReferralPublication;

async function demoFiles(seed: number, outDir: string): Promise<string[]> {
  const ro = await openDb(base.dbPath, { readOnly: true });
  try {
    const ctx = { db: ro, place: base.place, outDir, seed, log: silentLogger, rawDir: base.rawDir } as DemoContext;
    return await generateDemoReferrals(ctx);
  } finally {
    ro.close();
  }
}

beforeAll(async () => {
  base = await buildBase();
  files = await demoFiles(20251, join(tempDir(), "demo"));
  ({ db } = await ingest(base, files));
  pub = await publishReferrals(db);
});

/** The published rows as the cells they came from (measure|year|need categories, month areas), for an independent audit. */
function cellsOf(rows: readonly PublishedReferralRow[]): PublicCell[] {
  const cells: PublicCell[] = [];
  for (const r of rows) {
    const key = r.period_type === "month" ? monthKey(r.code, r.period) : r.code;
    const parent = r.period_type === "month" ? null : r.parent;
    for (const measure of ["referrals", "unmet"] as const) {
      if (measure === "unmet" && r.layer === "lsoa") continue;
      cells.push({ key, parent, category: `${measure}|${financialYearOf(r.period)}|${r.need}`, value: r[measure] });
    }
  }
  return cells;
}

describe("published referral figures", () => {
  it("cover every published layer, both years, each month and each need", () => {
    expect(pub.periods.filter((p) => p.type === "year").map((p) => p.key)).toEqual(["2023/24", "2024/25"]);
    expect(pub.periods.filter((p) => p.type === "month")).toHaveLength(24);
    expect(new Set(pub.rows.map((r) => r.layer))).toEqual(new Set(["msoa", "pcn", "lad", "place"]));
    expect(pub.needs.length).toBeGreaterThan(10);
    expect(pub.synthetic).toBe(true);
    expect(pub.label).toMatch(/SYNTHETIC/);
    expect(pub.summary.hidden).toBeGreaterThan(0);
  });

  it("contain no count from 1 to 7, and every count is a multiple of 5", () => {
    for (const r of pub.rows) {
      for (const v of [r.referrals, r.unmet]) {
        if (v === null || v === 0) continue;
        expect(v, `${r.layer} ${r.code} ${r.period} ${r.need}`).toBeGreaterThan(7);
        expect(v % 5).toBe(0);
      }
    }
  });

  it("pass an independent audit of the output (no single hidden cell in any relation, nothing derivable)", async () => {
    const table = (await referralTable(db))!;
    expect(auditPublished({ cells: cellsOf(pub.rows), policy: table.policy, structure: table.structure })).toEqual([]);
  });

  it("defeat the differencing attack: a total minus its published parts never isolates one hidden figure", () => {
    const value = new Map<string, number | null>();
    for (const r of pub.rows) for (const m of ["referrals", "unmet"] as const) value.set(`${m}|${r.layer}|${r.code}|${r.period}|${r.need}`, r[m]);
    const byLayer = (layer: string) => pub.rows.filter((r) => r.layer === layer && r.period_type === "year");
    const years = pub.periods.filter((p) => p.type === "year").map((p) => p.key);
    const attacks: { what: string; total: number | null; parts: (number | null)[] }[] = [];
    for (const m of ["referrals", "unmet"] as const) {
      for (const b of byLayer("lad")) {
        for (const childLayer of ["msoa"]) {
          const parts = byLayer(childLayer).filter((c) => c.borough === b.code && c.period === b.period && c.need === b.need).map((c) => c[m]);
          attacks.push({ what: `${m} ${b.name} ${b.period} ${b.need} − its ${childLayer}s`, total: b[m], parts });
        }
        if (b.need === "all") {
          const months = pub.rows.filter((r) => r.layer === "lad" && r.code === b.code && r.period_type === "month" && financialYearOf(r.period) === b.period);
          attacks.push({ what: `${m} ${b.name} ${b.period} − its months`, total: b[m], parts: months.map((r) => r[m]) });
        }
      }
      for (const p of byLayer("place")) {
        attacks.push({ what: `${m} place ${p.period} ${p.need} − boroughs`, total: p[m], parts: byLayer("lad").filter((b) => b.period === p.period && b.need === p.need).map((b) => b[m]) });
        attacks.push({ what: `${m} place ${p.period} ${p.need} − PCNs`, total: p[m], parts: byLayer("pcn").filter((b) => b.period === p.period && b.need === p.need).map((b) => b[m]) });
      }
      for (const year of years) {
        for (const r of pub.rows.filter((x) => x.period === year && x.need === "all")) {
          const needs = pub.rows.filter((x) => x.layer === r.layer && x.code === r.code && x.period === year && x.need !== "all").map((x) => x[m]);
          if (needs.length) attacks.push({ what: `${m} ${r.layer} ${r.code} ${year} all − needs`, total: r[m], parts: needs });
        }
      }
    }
    expect(attacks.length).toBeGreaterThan(1000);
    const recovered = attacks.filter((a) => [a.total, ...a.parts].filter((v) => v === null).length === 1);
    expect(recovered.map((a) => a.what)).toEqual([]);
    // And the hidden figures really are hidden: a hidden borough MSOA is not the borough total minus the others.
    const someHidden = attacks.find((a) => a.total !== null && a.parts.filter((v) => v === null).length >= 2);
    expect(someHidden).toBeDefined();
    void value;
  });

  it("build rates on the rounded counts and hide the rates of hidden counts", () => {
    for (const r of pub.rows) {
      if (r.referrals === null) {
        expect(r.referrals_per_1000).toBeNull();
        expect(r.unmet_percent).toBeNull();
        expect(r.wait_mean_days).toBeNull();
        expect(r.wait_median_days).toBeNull();
      } else if (r.population) {
        expect(r.referrals_per_1000).toBeCloseTo(Math.round((r.referrals * 10_000) / r.population) / 10, 6);
      }
      if (r.unmet === null) expect(r.unmet_per_1000).toBeNull();
      if (r.unmet !== null && r.referrals) expect(r.unmet_percent).toBeCloseTo(Math.round((r.unmet * 1000) / r.referrals) / 10, 6);
      expect(Object.keys(r)).not.toContain("flag");
    }
  });

  it("leave no referral id, resident postcode or individual date in what the loaders write", async () => {
    const dir = tempDir("chest-referrals-out-");
    mkdirSync(join(dir, "data"), { recursive: true });
    writeFileSync(join(dir, "data", "referrals-figures.arrow"), await referralFigures(db));
    writeFileSync(join(dir, "data", "referrals-meta.json"), await referralMeta(db));
    const ids = (await db.all<{ id: string }>(`SELECT referral_id AS id FROM referral`)).map((r) => r.id);
    const dates = (await db.all<{ d: string }>(`SELECT DISTINCT strftime(referral_date, '%Y-%m-%d') AS d FROM referral`)).map((r) => r.d);
    expect(ids.length).toBeGreaterThan(50_000);
    expect(dates.length).toBeGreaterThan(600);
    const findings = await scanForDisclosure(dir, { ids, dates, postcodes: ["E8 4AA", "SW1A 1AA"] });
    expect(findings).toEqual([]);
  });

  it("are the same bytes every time", async () => {
    expect((await referralFigures(db)).equals(await referralFigures(db))).toBe(true);
  });

  it("refuse to publish layers that cross (wards with MSOAs), and publish nested trees", async () => {
    await expect(publishReferrals(db, { layers: ["msoa", "ward", "pcn"] })).rejects.toThrow(/referrals: disclosure control failed, nothing published: the msoa and ward layers cross/);
    await expect(publishReferrals(db, { layers: ["lsoa", "msoa", "ward"] })).rejects.toThrow(/layers cross/);
    const tree = await publishReferrals(db, { layers: ["lsoa", "msoa", "pcn"] });
    expect(tree.rows.some((r) => r.layer === "lsoa" && r.referrals !== null)).toBe(true);
    expect(tree.rows.filter((r) => r.layer === "lsoa").every((r) => r.unmet === null)).toBe(true);
    const wards = await publishReferrals(db, { layers: ["ward", "pcn"] });
    expect(new Set(wards.rows.map((r) => r.layer))).toEqual(new Set(["ward", "pcn", "lad", "place"]));
  });

  it("defeat the cross-layer attack: every published area minus every area of another layer inside it, with rounding intervals, bounds no LSOA to 1–7", async () => {
    const t = (await referralTable(db))!;
    const table = protectByBlock(t.cells, t.policy, t.structure);
    const layerOf = new Map(t.geography.flatMap((g) => [...g.areas.keys()].map((code) => [code, g.layer] as const)));
    const cells = table.cells.filter((c) => layerOf.has(c.key)).map((c) => ({ layer: layerOf.get(c.key)!, code: c.key, category: c.category, value: c.value, flag: c.flag }));
    expect(new Set(cells.map((c) => c.layer))).toEqual(new Set(["msoa", "lad", "place"]));
    expect(crossLayerAttack(cells, t.geography, t.policy, await referralTruth(db))).toEqual([]);
  });

  it("show why wards are no longer published with MSOAs: the same attack on the old default narrows LSOAs with 1–7 referrals", async () => {
    const t = (await referralTable(db, { layers: ["msoa", "ward", "pcn"] }))!;
    const table = protectByBlock(t.cells, t.policy, t.structure);
    const layerOf = new Map<string, string>();
    for (const g of [...t.geography].reverse()) for (const code of g.areas.keys()) layerOf.set(code, g.layer);
    const cells = table.cells.filter((c) => layerOf.has(c.key)).map((c) => ({ layer: layerOf.get(c.key)!, code: c.key, category: c.category, value: c.value, flag: c.flag }));
    const found = crossLayerAttack(cells, t.geography, t.policy, await referralTruth(db));
    expect(found.length).toBeGreaterThan(10);
    expect(found.every((v) => v.hi <= 7)).toBe(true);
    // 1,730 in the demo (379 within 1–7 outright, 220 of them a single LSOA) when this was the default.
    expect(found.filter((v) => v.rule === "bounded-small" && v.lo >= 1).length).toBeGreaterThan(0);
    expect(found.some((v) => v.lsoas.length === 1 && /msoa \S+ − ward|ward \S+ − msoa/.test(v.attack))).toBe(true);
  });

  it("publish nothing (and no error) before any referrals are ingested", async () => {
    const { db: empty } = await freshDb(base);
    const p = await publishReferrals(empty);
    expect(p.rows).toEqual([]);
    expect(p.periods).toEqual([]);
  });
});

describe("scanForDisclosure", () => {
  it("finds planted ids, postcodes, dates and small counts", async () => {
    const dir = tempDir("chest-scan-");
    writeFileSync(join(dir, "page.html"), "<p>R-0042 was referred on 2024-05-02 from E8 4AA</p><p>R-00420</p>");
    writeFileSync(join(dir, "data.json"), JSON.stringify({ rows: [{ referrals: 3 }, { referrals: 10, unmet: 0 }] }));
    writeFileSync(join(dir, "bundle.js"), "const t = '02/05/2024T00:00';");
    const findings = await scanForDisclosure(dir, { ids: ["R-0042"], postcodes: ["e84aa"], dates: ["2024-05-02"] });
    expect(findings.map((f) => `${f.file} ${f.kind}`).sort()).toEqual(["bundle.js date", "data.json small-count", "page.html date", "page.html id", "page.html postcode"]);
  });
});

describe("demo referrals", () => {
  it("are about 30,000 a year over two NHS financial years, with real practices and PCNs", async () => {
    const perYear = await db.all<{ financial_year: string; n: number }>(`SELECT financial_year, count(*)::INTEGER AS n FROM referral GROUP BY 1 ORDER BY 1`);
    expect(perYear.map((r) => r.financial_year)).toEqual(["2023/24", "2024/25"]);
    for (const r of perYear) expect(r.n).toBeGreaterThan(27_000), expect(r.n).toBeLessThan(35_000);
    const [bad] = await db.all<{ n: number }>(`
      SELECT count(*)::INTEGER AS n FROM referral r LEFT JOIN practice p ON p.code = r.practice_code
      WHERE p.code IS NULL OR NOT p.in_place OR p.pcn_code IS DISTINCT FROM r.pcn_code`);
    expect(bad.n).toBe(0);
    expect(await db.all(`SELECT * FROM referral_reject`)).toEqual([]);
  });

  it("are driven by deprivation: more referrals per resident where health deprivation is higher", async () => {
    const [{ rho }] = await db.all<{ rho: number }>(`
      WITH r AS (SELECT lsoa21cd, count(*) AS n FROM referral GROUP BY 1),
      x AS (SELECT l.lsoa21cd, coalesce(r.n, 0) / l.population AS rate, d.health_score FROM lsoa l JOIN iod2025 d USING (lsoa21cd) LEFT JOIN r USING (lsoa21cd)),
      ranked AS (SELECT rank() OVER (ORDER BY rate) AS a, rank() OVER (ORDER BY health_score) AS b FROM x)
      SELECT corr(a, b) AS rho FROM ranked`);
    expect(rho).toBeGreaterThan(0.3);
  });

  it("go unmet more often where geographical barriers to services are higher (the provision proxy)", async () => {
    const rows = await db.all<{ tercile: number; share: number }>(`
      WITH x AS (SELECT r.outcome, ntile(3) OVER (ORDER BY d.sub_geographical_score) AS tercile FROM referral r JOIN iod2025 d USING (lsoa21cd))
      SELECT tercile, avg((outcome = 'no_suitable_activity')::INTEGER) AS share FROM x GROUP BY 1 ORDER BY 1`);
    expect(rows[2].share).toBeGreaterThan(rows[0].share * 1.3);
  });

  it("are seeded: the same seed gives the same files, another seed different ones", async () => {
    const again = await demoFiles(20251, join(tempDir(), "demo"));
    for (const [i, f] of files.entries()) expect(readFileSync(again[i]).equals(readFileSync(f))).toBe(true);
    const other = await demoFiles(7, join(tempDir(), "demo"));
    expect(readFileSync(other[0]).equals(readFileSync(files[0]))).toBe(false);
    expect(files.map((f) => f.split("/").pop())).toEqual(["demo-referrals-2023-24.csv", "demo-referrals-2024-25.csv"]);
  });

  it("never use Math.random", () => {
    const source = readFileSync(new URL("../../pipelines/referrals/demo.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/Math\.random/);
  });
});
