// Practices outside north east London: Plymouth's practices placed through a (generated) postcode directory, how each was located recorded, and the PCN footprint layer merged from LSOAs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { buildNeed } from "../../pipelines/need/stage.ts";
import { demoPractices, type Practice } from "../../pipelines/referrals/demo-practices.ts";
import { runReferralStage } from "../../pipelines/referrals/stage.ts";
import { buildFromMirror, repoRoot, tempDir } from "../support/pipeline.ts";

describe("Plymouth practices and PCN footprints", () => {
  let db: Db;
  let built: Awaited<ReturnType<typeof buildFromMirror>>;
  let demoSet: Practice[] = [];
  beforeAll(async () => {
    built = await buildFromMirror(join(repoRoot, "data/places/plymouth.json"));
    db = await openDb(built.dbPath);
    return () => db.close();
  });
  const ctx = () => ({ place: built.place, rawDir: built.rawDir, reportsDir: tempDir(), log: silentLogger });

  it("the demo, with no practice located, puts the place's own open practices (not north east London's) at LSOA centroids drawn by population", async () => {
    const practices = (demoSet = await demoPractices(db, built.rawDir, 42, silentLogger));
    expect(practices.length).toBeGreaterThan(20);
    const [r] = await db.all<{ at_centroid: number; in_pcn: number }>(`
      SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM lsoa l WHERE l.centroid_lat = p.lat AND l.centroid_lon = p.lon))::INTEGER AS at_centroid,
             count(p.pcn)::INTEGER AS in_pcn
      FROM (SELECT unnest($codes::VARCHAR[]) AS code, unnest($pcns::VARCHAR[]) AS pcn, unnest($lats::DOUBLE[]) AS lat, unnest($lons::DOUBLE[]) AS lon) p`, {
      codes: practices.map((p) => p.code), pcns: practices.map((p) => p.pcn), lats: practices.map((p) => p.lat), lons: practices.map((p) => p.lon),
    });
    expect(r.at_centroid).toBe(practices.length);
    expect(r.in_pcn).toBeGreaterThan(practices.length * 0.9);
    expect(await demoPractices(db, built.rawDir, 42, silentLogger)).toEqual(practices); // seeded
  });

  it("without a postcode directory, no Plymouth practice has a point and each says so (location_method none)", async () => {
    await runReferralStage(db, [], ctx(), { postcodes: "" });
    const rows = await db.all<{ method: string; n: number; located: number }>(
      `SELECT location_method AS method, count(*)::INTEGER AS n, count(lat)::INTEGER AS located FROM practice WHERE in_place GROUP BY ALL`,
    );
    expect(rows.length).toBe(1);
    expect(rows[0]).toMatchObject({ method: "none", located: 0 });
    expect(rows[0].n).toBeGreaterThan(100);
    // The demo's practices were the place's own open ones (its sub-ICB's, in the practice table now built), with their PCNs.
    const own = await db.all<{ code: string; pcn: string | null }>(`SELECT code, pcn_code AS pcn FROM practice WHERE in_place AND status = 'A' AND prescribing_setting = 4 ORDER BY code`);
    expect(demoSet.map((p) => ({ code: p.code, pcn: p.pcn }))).toEqual(own);
  });

  it("with one, practices are placed at their postcode's LSOA population-weighted centroid; postcodes it lacks or outside the place stay without a point", async () => {
    // A tiny ONSPD-like directory: every postcode of the place's practices but the first three gets an LSOA of Plymouth in turn; one points outside the place.
    const rows = await db.all<{ pcds: string; lsoa: string }>(`
      WITH p AS (SELECT postcode, row_number() OVER (ORDER BY postcode) AS i FROM (SELECT DISTINCT postcode FROM practice WHERE in_place AND postcode IS NOT NULL)),
           l AS (SELECT lsoa21cd, row_number() OVER (ORDER BY lsoa21cd) - 1 AS j, count(*) OVER () AS n FROM lsoa)
      SELECT p.postcode AS pcds, CASE WHEN p.i = 4 THEN 'E01000001' ELSE l.lsoa21cd END AS lsoa
      FROM p JOIN l ON l.j = (p.i * 7) % l.n WHERE p.i > 3 ORDER BY p.i`);
    const inPlace = new Set(rows.filter((r) => r.lsoa !== "E01000001").map((r) => r.pcds));
    const practices = await db.all<{ postcode: string | null }>(`SELECT postcode FROM practice WHERE in_place`);
    const expectPlaced = practices.filter((p) => p.postcode && inPlace.has(p.postcode)).length;
    const path = join(tempDir(), "onspd-mini.csv");
    writeFileSync(path, ["pcd,pcds,dointr,lsoa21cd", ...rows.map((r) => `${r.pcds.replace(" ", "")},${r.pcds},202201,${r.lsoa}`)].join("\n") + "\n");
    await runReferralStage(db, [], ctx(), { postcodes: path });

    const [s] = await db.all<{ placed: number; none: number; nel: number; at_centroid: number }>(`
      SELECT count(*) FILTER (WHERE location_method = 'postcode_directory')::INTEGER AS placed,
             count(*) FILTER (WHERE location_method = 'none' AND lat IS NULL)::INTEGER AS none,
             count(*) FILTER (WHERE location_method = 'nel_file')::INTEGER AS nel,
             count(*) FILTER (WHERE p.lat = l.centroid_lat AND p.lon = l.centroid_lon)::INTEGER AS at_centroid
      FROM practice p LEFT JOIN read_csv($path, header = true, all_varchar = true) d ON replace(d.pcds, ' ', '') = replace(p.postcode, ' ', '')
      LEFT JOIN lsoa l ON l.lsoa21cd = d.lsoa21cd
      WHERE p.in_place`, { path });
    expect(s.placed).toBe(expectPlaced);
    expect(s.at_centroid).toBe(expectPlaced);
    expect(s.none).toBe(practices.length - expectPlaced);
    expect(expectPlaced).toBeGreaterThan(100);
    expect(s.nel).toBe(0);
    const [c] = await db.all<{ comment: string }>(`SELECT comment FROM duckdb_columns() WHERE table_name = 'practice' AND column_name = 'location_method'`);
    expect(c.comment).toMatch(/nel_file .*postcode_directory .*none/);
    // The demo now uses the located practices.
    expect((await demoPractices(db, built.rawDir, 42, silentLogger)).length).toBe((await db.all(`SELECT 1 FROM practice WHERE in_place AND lat IS NOT NULL AND status = 'A' AND prescribing_setting = 4`)).length);
  });

  it("the need stage draws each PCN's footprint (its LSOAs merged) into the boundary table", async () => {
    await buildNeed(db, built.place, silentLogger, 5);
    const [b] = await db.all<{ features: number; geojson: string }>(`SELECT features, geojson FROM boundary WHERE layer = 'pcn'`);
    const pcns = await db.all<{ code: string; lsoas: number }>(`SELECT pcn_code AS code, count(*)::INTEGER AS lsoas FROM need_lsoa_pcn GROUP BY 1 ORDER BY 1`);
    expect(pcns.reduce((a, p) => a + p.lsoas, 0)).toBe(164);
    expect(pcns.length).toBeGreaterThan(3);
    const fc = JSON.parse(b.geojson) as { features: { properties: { code: string; name: string }; geometry: { type: string } }[] };
    expect(b.features).toBe(pcns.length);
    expect(fc.features.map((f) => f.properties.code).sort()).toEqual(pcns.map((p) => p.code));
    expect(fc.features.every((f) => /Polygon$/.test(f.geometry.type) && f.properties.name)).toBe(true);
  });
});
