// The walking skeleton on real data: fetch from the mirror, build north east London, and check the published figures.
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { sources } from "../../pipelines/sources.ts";
import { buildFromMirror } from "../support/pipeline.ts";

let db: Db;

beforeAll(async () => {
  const built = await buildFromMirror();
  db = await openDb(built.dbPath, { readOnly: true });
  return () => db.close();
});

describe("north east London database", () => {
  it("has 1,087 LSOAs and 1,998,709 residents (Census 2021)", async () => {
    const [row] = await db.all(`SELECT count(*)::INTEGER AS n, sum(population)::INTEGER AS population FROM lsoa`);
    expect(row).toEqual({ n: 1087, population: 1998709 });
  });

  it("gives the lsoa table the documented columns and types", async () => {
    const cols = await db.all<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'lsoa' ORDER BY ordinal_position`,
    );
    const types = Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]));
    expect(types).toMatchObject({
      lsoa21cd: "VARCHAR",
      lsoa21nm: "VARCHAR",
      msoa21cd: "VARCHAR",
      msoa_name: "VARCHAR",
      ward_code: "VARCHAR",
      lad_code: "VARCHAR",
      partnership: "VARCHAR",
      icb_code: "VARCHAR",
      population: "INTEGER",
      share_65_plus: "DOUBLE",
      centroid_lon: "DOUBLE",
      centroid_lat: "DOUBLE",
      area_km2: "DOUBLE",
    });
  });

  it("places every LSOA in NHS North East London ICB (QMF) and in one of 7 partnerships", async () => {
    const rows = await db.all(`SELECT icb_ods, count(DISTINCT partnership)::INTEGER AS partnerships, count(*)::INTEGER AS n FROM lsoa GROUP BY 1`);
    expect(rows).toEqual([{ icb_ods: "QMF", partnerships: 7, n: 1087 }]);
  });

  it("names MSOAs with House of Commons Library names (E02000002 is Marks Gate)", async () => {
    const [row] = await db.all(`SELECT DISTINCT msoa_name FROM lsoa WHERE msoa21cd = 'E02000002'`);
    expect(row).toEqual({ msoa_name: "Marks Gate" });
  });

  it("keeps every IoD2025 domain, sub-domain and indicator for each LSOA", async () => {
    const [row] = await db.all(`
      SELECT count(*)::INTEGER AS n, count(imd_score)::INTEGER AS imd, count(sub_outdoors_decile)::INTEGER AS outdoors,
             min(imd_rank)::INTEGER AS min_rank, max(imd_rank)::INTEGER AS max_rank
      FROM iod2025`);
    expect(row).toMatchObject({ n: 1087, imd: 1087, outdoors: 1087 });
    const [ind] = await db.all(`SELECT count(mental_health)::INTEGER AS n FROM iod2025_indicators`);
    expect(ind).toEqual({ n: 1087 });
  });

  it("carries IoD2019 to every 2021 LSOA and says how", async () => {
    const rows = await db.all<{ method: string; n: number }>(
      `SELECT regexp_replace(method, '\\d+ LSOAs', 'N LSOAs') AS method, count(*)::INTEGER AS n FROM iod2019 GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(1087);
    expect(rows.map((r) => r.method)).toContain("centroid in 2011 LSOA");
  });

  it("computes borough proportions of LSOAs in the most deprived 10% exactly from the national deciles", async () => {
    // The proportion depends only on the count of decile-1 LSOAs, so it must equal count/total of File 7 rows.
    const rows = await db.all<{ area_code: string; proportion_most_deprived_10: number; lsoas: number }>(
      `SELECT area_code, proportion_most_deprived_10, lsoas FROM area_deprivation WHERE layer = 'lad' AND measure = 'imd' ORDER BY area_code`,
    );
    const direct = await db.all<{ lad_code: string; p: number }>(
      `SELECT lad_code, round(avg((imd_decile = 1)::INTEGER), 4) AS p FROM lsoa JOIN iod2025 USING (lsoa21cd) GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => r.proportion_most_deprived_10)).toEqual(direct.map((d) => d.p));
    expect(rows.map((r) => r.lsoas).reduce((a, b) => a + b, 0)).toBe(1087);
  });

  it("ranks all 296 English local authorities on each summary", async () => {
    const [row] = await db.all(`SELECT count(*)::INTEGER AS n, max(rank_average_score)::INTEGER AS worst FROM lad_deprivation_england WHERE measure = 'imd'`);
    expect(row).toEqual({ n: 296, worst: 296 });
  });

  it("records provenance for every source", async () => {
    const rows = await db.all<{ source: string; origin: string; bytes: number }>(`SELECT source, origin, bytes::INTEGER AS bytes FROM provenance`);
    expect(rows.map((r) => r.source).sort()).toEqual(sources.map((s) => s.id).sort());
    expect(rows.every((r) => r.origin === "mirror" && r.bytes > 0)).toBe(true);
  });

  it("stores the national code lists the grants stage recognises codes by, described", async () => {
    const kinds = await db.all(`SELECT kind, count(*)::INTEGER AS n FROM code_known GROUP BY kind ORDER BY kind`);
    expect(kinds).toEqual([
      { kind: "LAD", n: 335 },
      { kind: "LSOA11", n: 1106 },
      { kind: "LSOA21", n: 35672 },
      { kind: "MSOA21", n: 7264 },
      { kind: "WD", n: 7536 },
    ]);
    // An LSOA outside the place (in Kirklees); a 2011 code that changed, and its best fit; a name given for a code.
    expect(await db.all(`SELECT kind, lad_code FROM code_known WHERE code = 'E01011229'`)).toEqual([{ kind: "LSOA21", lad_code: "E08000034" }]);
    expect(await db.all(`SELECT lsoa21cd FROM code_lsoa11_changed WHERE lsoa11cd = 'E01001754'`)).toEqual([{ lsoa21cd: "E01035642" }]);
    expect(await db.all(`SELECT code FROM code_lsoa_name WHERE name = 'HACKNEY 025G'`)).toEqual([{ code: "E01035642" }]);
    const undescribed = await db.all(`
      SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'code\\_%' ESCAPE '\\' AND coalesce(comment, '') = ''
      UNION ALL SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE table_name LIKE 'code\\_%' ESCAPE '\\' AND coalesce(comment, '') = ''`);
    expect(undescribed).toEqual([]);
  });

  it("stores simplified boundaries within their size budget", async () => {
    const rows = await db.all<{ layer: string; features: number; bytes: number }>(`SELECT layer, features, bytes FROM boundary ORDER BY layer`);
    const lsoa = rows.find((r) => r.layer === "lsoa")!;
    expect(lsoa.features).toBe(1087);
    expect(lsoa.bytes).toBeLessThan(700 * 1087);
  });
});
