// Borough deprivation summaries against the published IoD2025 local authority summaries (File 10), and the summary definitions on exact cases.
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { buildSummaries } from "../../pipelines/build/stages/summaries.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { buildFromMirror } from "../support/pipeline.ts";

/*
 * Published IMD 2025 summaries, MHCLG "File 10: local authority district summaries (lower-tier)", 30 Oct 2025
 * (https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025), as copied from the official
 * spreadsheet by Trafford Data Lab: github.com/traffordDataLab/open_data,
 * IndicesOfDeprivation/IoD2025/local_authority_district/indices_of_deprivation_2025_lad.csv (commit 3fcf109b).
 * Columns: proportion of LSOAs in the most deprived 10% nationally, average score, rank of average score (of 296).
 */
const published: Record<string, { proportion: number; averageScore: number; rankAverageScore: number; averageRank: number }> = {
  E09000001: { proportion: 0, averageScore: 10.21, rankAverageScore: 268, averageRank: 8781.75 },
  E09000002: { proportion: 0.0174, averageScore: 30.266, rankAverageScore: 38, averageRank: 25038.67 },
  E09000012: { proportion: 0.1611, averageScore: 31.795, rankAverageScore: 27, averageRank: 24813.48 },
  E09000016: { proportion: 0.0065, averageScore: 16.755, rankAverageScore: 176, averageRank: 14471.72 },
  E09000025: { proportion: 0.0541, averageScore: 31.583, rankAverageScore: 29, averageRank: 25157.21 },
  E09000026: { proportion: 0.0183, averageScore: 19.854, rankAverageScore: 137, averageRank: 17221.45 },
  E09000030: { proportion: 0.1302, averageScore: 30.554, rankAverageScore: 34, averageRank: 23847.49 },
  E09000031: { proportion: 0.0068, averageScore: 23.453, rankAverageScore: 100, averageRank: 20500.1 },
  E06000009: { proportion: 0.4043, averageScore: 43.467, rankAverageScore: 1, averageRank: 26536.86 },
  E06000002: { proportion: 0.5, averageScore: 40.037, rankAverageScore: 2, averageRank: 23840.54 },
  E08000003: { proportion: 0.4068, averageScore: 38.677, rankAverageScore: 4, averageRank: 25957.3 },
};

describe("borough summaries against the published IoD2025 File 10", () => {
  let db: Db;
  let rows: Map<string, { proportion_most_deprived_10: number; average_score: number; average_rank: number; rank_average_score: number; population: number }>;
  beforeAll(async () => {
    db = await openDb((await buildFromMirror()).dbPath, { readOnly: true });
    const all = await db.all<{ area_code: string } & Record<string, number>>(
      `SELECT area_code, proportion_most_deprived_10, average_score, average_rank, rank_average_score, population::INTEGER AS population
       FROM lad_deprivation_england WHERE measure = 'imd'`,
    );
    rows = new Map(all.map((r) => [r.area_code, r as never]));
    return () => db.close();
  });

  it.each(Object.keys(published))("%s: proportion of LSOAs in the most deprived 10% matches exactly", (code) => {
    expect(rows.get(code)!.proportion_most_deprived_10).toBe(published[code].proportion);
  });

  it.each(Object.keys(published).filter((c) => c !== "E09000001"))(
    "%s: average score and average rank within 1% (Census 2021 weights instead of the mid-2022 denominators)",
    (code) => {
      const ours = rows.get(code)!;
      expect(Math.abs(ours.average_score / published[code].averageScore - 1)).toBeLessThan(0.01);
      expect(Math.abs(ours.average_rank / published[code].averageRank - 1)).toBeLessThan(0.01);
      expect(Math.abs(ours.rank_average_score - published[code].rankAverageScore)).toBeLessThanOrEqual(3);
    },
  );

  it("City of London (8,583 residents) differs most, within 5%, because its weights differ most", () => {
    const ours = rows.get("E09000001")!;
    expect(Math.abs(ours.average_score / published.E09000001.averageScore - 1)).toBeLessThan(0.05);
  });
});

describe("summary definitions on exact cases", () => {
  /** N = 100 LSOAs in "England"; one area of the given LSOAs (rank, population, score). */
  async function summarise(lsoas: { rank: number; pop: number; score?: number; decile?: number }[]) {
    const db = await openDb();
    await db.run(`CREATE TABLE meta (key VARCHAR, value VARCHAR); INSERT INTO meta VALUES ('iod2025_lsoas', '100'), ('place_id', 'p'), ('place_name', 'P')`);
    await db.run(`CREATE TABLE lsoa (lsoa21cd VARCHAR, msoa21cd VARCHAR, msoa_name VARCHAR, ward_code VARCHAR, ward_name VARCHAR, lad_code VARCHAR, lad_name VARCHAR, partnership VARCHAR, population INTEGER)`);
    const measures = ["imd", "income", "employment", "education", "health", "crime", "barriers", "living_env"];
    await db.run(`CREATE TABLE iod2025 (lsoa21cd VARCHAR, pop_total INTEGER, ${measures.map((m) => `${m}_score DOUBLE, ${m}_rank INTEGER, ${m}_decile INTEGER`).join(", ")})`);
    for (const [i, l] of lsoas.entries()) {
      const code = `L${i}`;
      await db.run(`INSERT INTO lsoa VALUES ($code, 'M', 'M', 'W', 'W', 'A', 'A', 'A', $pop)`, { code, pop: l.pop });
      const decile = l.decile ?? Math.ceil(l.rank / 10);
      await db.run(`INSERT INTO iod2025 VALUES ($code, NULL, ${measures.map(() => "$score, $rank, $decile").join(", ")})`, { code, score: l.score ?? 0, rank: l.rank, decile });
    }
    await db.run(`CREATE TABLE raw_iod2025_file7 AS SELECT 'x' AS lsoa21cd, 'A' AS lad_code, 'A' AS lad_name, ${measures.map((m) => `'0' AS ${m}_score, '1' AS ${m}_rank, '1' AS ${m}_decile`).join(", ")}, NULL AS pop_total WHERE false`);
    await db.run(`CREATE TABLE raw_census2021_ts001 (lsoa21cd VARCHAR, population VARCHAR)`);
    await buildSummaries(db, silentLogger);
    const [row] = await db.all<Record<string, number>>(`SELECT * FROM area_deprivation WHERE layer = 'lad' AND measure = 'imd'`);
    db.close();
    return row;
  }

  it("weights extent 1 in the most deprived 10%, 0.95 at the 11th percentile, 0.05 at the 30th and 0 beyond", async () => {
    // With N = 100, rank r is percentile r. Equal populations, so extent is the mean of the weights.
    expect((await summarise([{ rank: 5, pop: 10 }])).extent).toBe(1);
    expect((await summarise([{ rank: 11, pop: 10 }])).extent).toBe(0.95);
    expect((await summarise([{ rank: 30, pop: 10 }])).extent).toBe(0.05);
    expect((await summarise([{ rank: 31, pop: 10 }])).extent).toBe(0);
    // (1 + 0.95 + 0.05 + 0) / 4 = 0.5
    expect((await summarise([{ rank: 10, pop: 10 }, { rank: 11, pop: 10 }, { rank: 30, pop: 10 }, { rank: 60, pop: 10 }])).extent).toBe(0.5);
  });

  it("takes the average rank of N + 1 − rank, weighted by population", async () => {
    // Ranks 1 and 100 reversed are 100 and 1; weights 3:1 → (3·100 + 1·1) / 4 = 75.25.
    expect((await summarise([{ rank: 1, pop: 30 }, { rank: 100, pop: 10 }])).average_rank).toBe(75.25);
  });

  it("takes local concentration over the most deprived LSOAs holding 10% of residents, the last in part", async () => {
    // Area of 1,000 residents: 10% = 100. Most deprived LSOA (rank 2, reversed 99) holds 60, the next (rank 5, reversed 96)
    // contributes 40 of its 500. (60·99 + 40·96) / 100 = 97.8.
    const row = await summarise([{ rank: 2, pop: 60 }, { rank: 5, pop: 500 }, { rank: 50, pop: 440 }]);
    expect(row.local_concentration).toBe(97.8);
  });

  it("counts LSOAs, not people, for the proportion in the most deprived 10%", async () => {
    const row = await summarise([{ rank: 3, pop: 1000 }, { rank: 40, pop: 10 }, { rank: 70, pop: 10 }, { rank: 90, pop: 10 }]);
    expect(row.proportion_most_deprived_10).toBe(0.25);
  });
});
