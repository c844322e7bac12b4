// The demo's custom neighbourhoods as a layer (shapes merged from LSOAs, population-weighted summaries, need results) and the need stage's reuse of the referral gate's rows.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { writePublishedReferrals } from "../../pipelines/need/inputs.ts";
import { tempDir } from "../support/pipeline.ts";
import { demoSite } from "../support/demo-site.ts";

// The suite's demo site and database (global setup builds them while other files run).
const demo = await demoSite();

let db: Db;
beforeAll(async () => {
  db = await openDb(demo.dbPath, { readOnly: true });
});
afterAll(() => db?.close());

describe("custom neighbourhoods from chest demo", () => {
  it("are synthetic INT footprints of whole MSOAs within one borough, about 50,000 residents each", async () => {
    const [r] = await db.all<{ n: number; split_msoas: number; cross_borough: number; unlabelled: number; big: number }>(`
      SELECT (SELECT count(*) FROM neighbourhood)::INTEGER AS n,
             (SELECT count(*) FROM (SELECT l.msoa21cd FROM lsoa l JOIN neighbourhood_lsoa n USING (lsoa21cd) GROUP BY l.msoa21cd HAVING count(DISTINCT n.neighbourhood_code) > 1))::INTEGER AS split_msoas,
             (SELECT count(*) FROM (SELECT n.neighbourhood_code FROM lsoa l JOIN neighbourhood_lsoa n USING (lsoa21cd) GROUP BY 1 HAVING count(DISTINCT l.lad_code) > 1))::INTEGER AS cross_borough,
             (SELECT count(*) FROM neighbourhood WHERE name NOT LIKE '%(synthetic)')::INTEGER AS unlabelled,
             (SELECT count(*) FROM neighbourhood WHERE population > 80000)::INTEGER AS big`);
    expect(r).toEqual({ n: 40, split_msoas: 0, cross_borough: 0, unlabelled: 0, big: 0 });
  });

  it("are drawn: one merged shape per neighbourhood, and a layer of need results and deprivation summaries over the whole place", async () => {
    const [shapes] = await db.all<{ geojson: string }>(`SELECT geojson FROM boundary WHERE layer = 'neighbourhood'`);
    const fc = JSON.parse(shapes.geojson) as { features: { properties: { code: string; name: string } }[] };
    const codes = (await db.all<{ code: string }>(`SELECT code FROM neighbourhood ORDER BY code`)).map((c) => c.code);
    expect(fc.features.map((f) => f.properties.code)).toEqual(codes);
    const [sums] = await db.all<{ need_pop: number; summary_pop: number; place_pop: number; themes: number }>(`
      SELECT (SELECT sum(population) FROM need_area WHERE layer = 'neighbourhood' AND theme = 'all')::INTEGER AS need_pop,
             (SELECT sum(population) FROM area_deprivation WHERE layer = 'neighbourhood' AND measure = 'imd')::INTEGER AS summary_pop,
             (SELECT sum(population) FROM lsoa)::INTEGER AS place_pop,
             (SELECT count(DISTINCT theme) FROM need_area WHERE layer = 'neighbourhood')::INTEGER AS themes`);
    expect(sums.need_pop).toBe(sums.place_pop);
    expect(sums.summary_pop).toBe(sums.place_pop);
    expect(sums.themes).toBe(16);
  });

  it("summarise deprivation by the IoD's population-weighted definitions (a footprint's average score by hand)", async () => {
    const [r] = await db.all<{ table_score: number; by_hand: number }>(`
      SELECT a.average_score AS table_score,
             round(sum(coalesce(d.pop_total, l.population) * d.imd_score) / sum(coalesce(d.pop_total, l.population)), 3) AS by_hand
      FROM area_deprivation a JOIN neighbourhood_lsoa n ON n.neighbourhood_code = a.area_code
      JOIN lsoa l USING (lsoa21cd) JOIN iod2025 d USING (lsoa21cd)
      WHERE a.layer = 'neighbourhood' AND a.measure = 'imd' AND a.area_code = 'DEMO-INT-E09000025-02'
      GROUP BY a.average_score`);
    expect(r.table_score).toBeCloseTo(r.by_hand, 3);
  });
});

describe("the need stage's referral inputs", () => {
  it("reuse the gate's rows while nothing the gate reads has changed, and run the gate again when it has", async () => {
    const copy = join(tempDir("chest-need-cache-"), "copy.duckdb");
    copyFileSync(demo.dbPath, copy);
    const rw = await openDb(copy);
    try {
      const rows = () => rw.all(`SELECT * FROM need_referral_published ORDER BY layer, code, need`);
      const before = await rows();
      let t = performance.now();
      const kept = await writePublishedReferrals(rw);
      const keptMs = performance.now() - t;
      expect(kept).toEqual({ layer: "msoa", period: "2024/25", synthetic: true });
      expect(await rows()).toEqual(before);
      // A changed input (one LSOA's measures dropped) changes the fingerprint: the gate runs and the rows are rebuilt.
      const [{ fingerprint: old }] = await rw.all<{ fingerprint: string }>(`SELECT fingerprint FROM need_referral_source`);
      // referral_measures is a view: the rows go from the table of numbers behind it (the first LSOA in code order).
      await rw.run(`DELETE FROM referral_measure_value WHERE area = (SELECT min(id) FROM referral_measure_area WHERE layer = 'lsoa')`);
      t = performance.now();
      await writePublishedReferrals(rw);
      const rerunMs = performance.now() - t;
      const [{ fingerprint }] = await rw.all<{ fingerprint: string }>(`SELECT fingerprint FROM need_referral_source`);
      expect(fingerprint).not.toBe(old);
      expect(rerunMs).toBeGreaterThan(keptMs);
    } finally {
      rw.close();
    }
  });
});
