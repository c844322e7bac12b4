// The need index's referral inputs and the Gaps/Neighbourhood outputs hold only figures the disclosure gate published, so no LSOA figure can reveal a hidden cell.
import { join } from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { publishReferrals, type PublishedReferralRow } from "../../pipelines/publish/referrals.ts";
import { repoRoot } from "../support/pipeline.ts";
import { demoSite } from "../support/demo-site.ts";

// The suite's demo site and database (global setup builds them while other files run).
const demo = await demoSite();

let db: Db;
let published: Map<string, PublishedReferralRow>;
const key = (layer: string, code: string, need: string, period: string) => `${layer}|${code}|${need}|${period}`;

beforeAll(async () => {
  db = await openDb(demo.dbPath, { readOnly: true });
  published = new Map((await publishReferrals(db)).rows.filter((r) => r.period_type === "year").map((r) => [key(r.layer, r.code, r.need, r.period), r]));
});
afterAll(() => db?.close());

describe("referral figures in the need index", () => {
  it("are exactly rows the publish gate released (hidden cells stay hidden)", async () => {
    const rows = await db.all<{ layer: string; code: string; need: string; period: string; referrals: number | null; unmet: number | null; referrals_per_1000: number | null; unmet_per_1000: number | null }>(
      `SELECT layer, code, need, period, referrals, unmet, referrals_per_1000, unmet_per_1000 FROM need_referral_published`,
    );
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.some((r) => r.unmet === null)).toBe(true); // the demo has hidden cells: they must come through as hidden
    for (const r of rows) {
      const p = published.get(key(r.layer, r.code, r.need, r.period));
      expect(p, `${r.layer} ${r.code} ${r.need}`).toBeDefined();
      expect([r.referrals, r.unmet, r.referrals_per_1000, r.unmet_per_1000]).toEqual([p!.referrals, p!.unmet, p!.referrals_per_1000, p!.unmet_per_1000]);
    }
  });

  it("reach each LSOA as its published area's figure, never as a figure of its own", async () => {
    const [{ mismatched, lsoaValues, areaValues }] = await db.all<{ mismatched: number; lsoaValues: number; areaValues: number }>(`
      SELECT count(*) FILTER (WHERE i.referrals_per_1000 IS DISTINCT FROM p.referrals_per_1000 OR i.unmet_per_1000 IS DISTINCT FROM p.unmet_per_1000)::INTEGER AS mismatched,
             count(DISTINCT i.unmet_per_1000)::INTEGER AS lsoaValues,
             (SELECT count(DISTINCT unmet_per_1000) FROM need_referral_published)::INTEGER AS areaValues
      FROM need_input i JOIN lsoa l USING (lsoa21cd)
      LEFT JOIN need_referral_published p ON p.code = l.msoa21cd AND p.need = i.theme`);
    expect(mismatched).toBe(0);
    expect(lsoaValues).toBeLessThanOrEqual(areaValues);
  });

  it("are left out (not estimated) where the area's cell is hidden, and the area is flagged wherever the theme uses the figure", async () => {
    const [{ hidden, flagged }] = await db.all<{ hidden: number; flagged: number }>(`
      SELECT count(*)::INTEGER AS hidden, count(*) FILTER (WHERE a.missing_components > 0)::INTEGER AS flagged
      FROM need_input i JOIN need_area a ON a.layer = 'lsoa' AND a.code = i.lsoa21cd AND a.theme = i.theme
      JOIN need_component c ON c.theme = i.theme AND c.key = 'unmet_per_1000' AND c.used
      WHERE i.unmet_per_1000 IS NULL AND i.referral_area IS NOT NULL`);
    expect(hidden).toBeGreaterThan(0);
    expect(flagged).toBe(hidden);
  });
});

describe("the need-referrals page data in dist/", () => {
  it("holds only published rows, no count from 1 to 7, every count a multiple of 5", () => {
    const dir = join(repoRoot, "dist", "_file", "data");
    const file = readdirSync(dir).find((f) => f.startsWith("need-referrals.") && f.endsWith(".arrow"))!;
    const table = tableFromIPC(readFileSync(join(dir, file)));
    const rows = table.toArray().map((r) => r.toJSON() as Record<string, string | number | null>);
    expect(rows.length).toBeGreaterThan(1000);
    for (const r of rows) {
      const p = published.get(key(String(r.layer), String(r.code), String(r.need), String(r.period)));
      expect(p).toBeDefined();
      expect([r.referrals, r.unmet]).toEqual([p!.referrals, p!.unmet]);
      for (const c of [r.referrals, r.unmet]) if (c !== null) expect(Number(c) === 0 || (Number(c) > 7 && Number(c) % 5 === 0)).toBe(true);
    }
  });
});

describe("referral figures quoted in the need outputs of every layer", () => {
  it("are population-weighted means of published area figures only (custom neighbourhoods and PCNs included)", async () => {
    const hasCustom = (await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'neighbourhood_lsoa'`)).length > 0;
    const rows = await db.all<{ layer: string; code: string; theme: string; reasons: string; referrals: number | null; unmet: number | null }>(`
      WITH members AS (
        SELECT 'lsoa' AS layer, lsoa21cd AS code, lsoa21cd FROM lsoa
        UNION ALL SELECT 'msoa', msoa21cd, lsoa21cd FROM lsoa
        UNION ALL SELECT 'ward', ward_code, lsoa21cd FROM lsoa
        UNION ALL SELECT 'lad', lad_code, lsoa21cd FROM lsoa
        UNION ALL SELECT 'partnership', partnership, lsoa21cd FROM lsoa WHERE partnership IS NOT NULL
        UNION ALL SELECT 'pcn', pcn_code, lsoa21cd FROM need_lsoa_pcn WHERE pcn_code IS NOT NULL
        ${hasCustom ? "UNION ALL SELECT 'neighbourhood', neighbourhood_code, lsoa21cd FROM neighbourhood_lsoa" : ""}
      ), means AS (
        SELECT m.layer, m.code, i.theme,
               sum(i.population * i.referrals_per_1000) / sum(i.population) FILTER (WHERE i.referrals_per_1000 IS NOT NULL) AS referrals,
               sum(i.population * i.unmet_per_1000) / sum(i.population) FILTER (WHERE i.unmet_per_1000 IS NOT NULL) AS unmet
        FROM members m JOIN need_input i USING (lsoa21cd) GROUP BY ALL
      )
      SELECT a.layer, a.code, a.theme, a.reasons, m.referrals, m.unmet
      FROM need_area a JOIN means m USING (layer, code, theme)
      WHERE a.reasons LIKE '%per 1,000 residents%'`);
    const layers = new Set<string>();
    let checked = 0;
    for (const r of rows) {
      for (const match of r.reasons.matchAll(/([\d,]+\.\d) [^;]*?(unmet referrals|referrals) per 1,000 residents/g)) {
        const quoted = Number(match[1].replaceAll(",", ""));
        const expected = match[2] === "unmet referrals" ? r.unmet : r.referrals;
        expect(expected, `${r.layer} ${r.code} ${r.theme}: "${match[0]}"`).not.toBeNull();
        expect(Math.abs(quoted - expected!), `${r.layer} ${r.code} ${r.theme}: "${match[0]}"`).toBeLessThanOrEqual(0.05 + 1e-9);
        layers.add(r.layer);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(layers.has("msoa") && layers.has("lsoa")).toBe(true);
  });
});
