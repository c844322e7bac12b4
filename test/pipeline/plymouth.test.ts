// Plymouth end to end from the piecemeal mirror: 164 LSOAs with Census 2021 population, published IoD2025 district summaries, IoD2019 gaps reported, every layer drawn; a place the mirror lacks is refused at fetch with nothing written.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { MissingSourceError } from "../../pipelines/errors.ts";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { placeSchema } from "../../pipelines/place/schema.ts";
import { buildFromMirror, mirrorDir, repoRoot, tempDir } from "../support/pipeline.ts";

/*
 * Published IMD 2025 File 10 (local authority district summaries), Plymouth E06000026, as copied by Trafford Data Lab
 * (github.com/traffordDataLab/open_data, IndicesOfDeprivation/IoD2025/local_authority_district/
 * indices_of_deprivation_2025_lad.csv, commit 3fcf109b): proportion of LSOAs in the most deprived 10% per domain,
 * and the IMD average score.
 */
const publishedProportion: Record<string, number> = {
  imd: 0.1159, income: 0.0854, employment: 0.1402, education: 0.1524, health: 0.1524, crime: 0.0976, barriers: 0.0183, living_env: 0.0854,
};
const publishedAverageScore = 24.087;

describe("Plymouth from the mirror", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb((await buildFromMirror(join(repoRoot, "data/places/plymouth.json"))).dbPath, { readOnly: true });
    return () => db.close();
  });

  it("has 164 LSOAs, each with its Census 2021 population (264,707 residents)", async () => {
    const census = literal(join(mirrorDir, "census2021/census2021-ts001-lsoa.csv"));
    const [r] = await db.all<{ n: number; population: number; matching: number }>(`
      SELECT count(*)::INTEGER AS n, sum(l.population)::INTEGER AS population,
             count(*) FILTER (WHERE l.population = c."Residence type: Total; measures: Value")::INTEGER AS matching
      FROM lsoa l JOIN read_csv(${census}, header = true) c ON c."geography code" = l.lsoa21cd`);
    expect(r).toEqual({ n: 164, population: 264707, matching: 164 });
  });

  it.each(Object.keys(publishedProportion))("%s: proportion of LSOAs in the most deprived 10% matches the published File 10 exactly", async (measure) => {
    const [r] = await db.all<{ p: number }>(`SELECT proportion_most_deprived_10 AS p FROM area_deprivation WHERE layer = 'lad' AND area_code = 'E06000026' AND measure = $measure`, { measure });
    expect(r.p).toBe(publishedProportion[measure]);
  });

  it("IMD average score within 1% of the published (Census 2021 weights instead of the mid-2022 denominators)", async () => {
    const [r] = await db.all<{ s: number }>(`SELECT average_score AS s FROM area_deprivation WHERE layer = 'lad' AND area_code = 'E06000026' AND measure = 'imd'`);
    expect(Math.abs(r.s / publishedAverageScore - 1)).toBeLessThan(0.01);
  });

  it("names the two LSOAs the partial 2011 layer leaves without an IoD2019 figure (E01034159, E01034161)", async () => {
    const missing = await db.all<{ code: string }>(`SELECT lsoa21cd AS code FROM lsoa WHERE lsoa21cd NOT IN (SELECT lsoa21cd FROM iod2019) ORDER BY 1`);
    expect(missing.map((m) => m.code)).toEqual(["E01034159", "E01034161"]);
    const [meta] = await db.all<{ value: string }>(`SELECT value FROM meta WHERE key = 'iod2019_no_figure'`);
    expect(meta.value).toBe("E01034159,E01034161");
  });

  it("draws every layer: LSOAs and wards from the official files, MSOA, district and partnership merged from LSOAs", async () => {
    const layers = await db.all<{ layer: string; features: number }>(`SELECT layer, features FROM boundary ORDER BY layer`);
    expect(layers).toEqual([
      { layer: "lad", features: 1 },
      { layer: "lsoa", features: 164 },
      { layer: "msoa", features: 33 },
      { layer: "partnership", features: 1 },
      { layer: "ward", features: 20 },
    ]);
  });
});

describe("a place whose boundaries the mirror lacks", () => {
  it("Torbay is refused at fetch, naming the missing LSOAs, and the raw folder is left as it was", async () => {
    const dir = tempDir();
    const rawDir = join(dir, "raw");
    await fetchSources({ place: placeSchema.parse(JSON.parse(readFileSync(join(repoRoot, "data/places/plymouth.json"), "utf8"))), rawDir, mirror: mirrorDir, log: silentLogger });
    const before = new Map(readdirSync(rawDir).map((f) => [f, readFileSync(join(rawDir, f)).toString("base64").slice(0, 200)]));
    const torbay = placeSchema.parse({ id: "torbay", name: "Torbay", localAuthorities: [{ code: "E06000027", name: "Torbay" }] });
    const error = await fetchSources({ place: torbay, rawDir, mirror: mirrorDir, log: silentLogger }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingSourceError);
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(/^the mirror has no LSOA 2021 boundaries for 91 of Torbay's 91 LSOAs: E01015\d{3}, /);
    expect(new Map(readdirSync(rawDir).map((f) => [f, readFileSync(join(rawDir, f)).toString("base64").slice(0, 200)]))).toEqual(before);
    expect(JSON.parse(readFileSync(join(rawDir, "provenance.json"), "utf8")).place).toBe("plymouth");
    expect(readdirSync(rawDir).some((f) => f.startsWith(".fetch-"))).toBe(false);
  });
});
