// The demo directory is seeded (same seed, same bytes), synthetic, inside the place's real LSOAs and linked to the chest's grants; ingesting it twice, or the same file again, changes nothing.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readBoundaries } from "../../geo/read.ts";
import { buildSpatialIndex } from "../../geo/spatial-index.ts";
import { updateDatabase } from "../../pipelines/build/update.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { ident } from "../../pipelines/db/sql.ts";
import { SYNTHETIC_LABEL } from "../../pipelines/demo/generators.ts";
import { registerInput, registeredInputs } from "../../pipelines/inputs/registry.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { generateDemoServices } from "../../pipelines/services/demo.ts";
import { servicesStage } from "../../pipelines/services/stage.ts";
import { derivedServiceTables, serviceTables } from "../../pipelines/services/tables.ts";
import { buildFromMirror, tempDir } from "../support/pipeline.ts";
import { query } from "./helpers.ts";

let built: Awaited<ReturnType<typeof buildFromMirror>>;

/** Ten made-up grants, as issue 3's grants table holds them, so the demo can link services to chest money. */
async function addGrants(dbPath: string) {
  const db = await openDb(dbPath);
  await db.run(`CREATE TABLE grants AS
                WITH l AS (SELECT lsoa21cd, row_number() OVER (ORDER BY lsoa21cd) AS r FROM lsoa)
                SELECT 'DEMO-GRANT-' || lpad(i::VARCHAR, 3, '0') AS grant_id, 'organisation' AS recipient_type,
                'GB-CHC-90' || lpad(i::VARCHAR, 4, '0') AS recipient_id, 'Test recipient ' || i AS recipient_name,
                l.lsoa21cd AS recipient_lsoa21cd,
                CASE WHEN i % 2 = 0 THEN 'Loneliness and isolation' ELSE 'Physical activity' END AS themes
                FROM range(1, 11) t(i) JOIN l ON l.r = i * 90
                ORDER BY grant_id`);
  db.close();
}

async function generate(seed: number, outDir = tempDir("chest-demo-")): Promise<string> {
  const db = await openDb(built.dbPath, { readOnly: true });
  try {
    const [file] = await generateDemoServices({ db, place: built.place, outDir, seed, log: silentLogger });
    return file;
  } finally {
    db.close();
  }
}

/** A digest of every services table's contents, in a stable order. */
async function digests(dbPath: string): Promise<Record<string, string>> {
  const db = await openDb(dbPath, { readOnly: true });
  try {
    const out: Record<string, string> = {};
    for (const name of [...Object.keys(serviceTables), ...derivedServiceTables]) {
      const [row] = await db.all<{ d: string; n: number }>(`SELECT md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), '')) AS d, count(*)::INTEGER AS n FROM ${ident(name)} t`);
      out[name] = `${row.n}:${row.d}`;
    }
    return out;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  built = await buildFromMirror();
  await addGrants(built.dbPath);
});

describe("the demo directory", () => {
  let file: string;
  let directory: { synthetic: string; total_items: number; contents: Record<string, unknown>[] };
  beforeAll(async () => {
    file = await generate(20251);
    directory = JSON.parse(readFileSync(file, "utf8"));
  });

  it("is named and labelled synthetic, a few hundred activities in Open Referral UK JSON", () => {
    expect(basename(file)).toBe("demo-services-north-east-london.json");
    expect(directory.synthetic).toBe(SYNTHETIC_LABEL);
    expect(directory.total_items).toBe(directory.contents.length);
    expect(directory.contents.length).toBe(360);
    for (const s of directory.contents) expect(String(s.description)).toMatch(/^SYNTHETIC DEMO DATA/);
  });

  it("is the same for the same seed and different for another", async () => {
    expect(readFileSync(await generate(20251), "utf8")).toBe(readFileSync(file, "utf8"));
    expect(readFileSync(await generate(7), "utf8")).not.toBe(readFileSync(file, "utf8"));
  });

  it("puts every venue inside one of the place's real LSOAs, more of them where people live closely", async () => {
    const index = buildSpatialIndex(readBoundaries(join(built.rawDir, "boundaries_lsoa21.geojson")), { codeProperty: "LSOA21CD" });
    const venues = new Map<string, { lon: number; lat: number }>();
    for (const s of directory.contents)
      for (const x of s.service_at_locations as { location: { id: string; location_type: string; latitude: number; longitude: number } }[])
        if (x.location.location_type === "physical") venues.set(x.location.id, { lon: x.location.longitude, lat: x.location.latitude });
    expect(venues.size).toBeGreaterThan(100);
    const lsoaOf = [...venues.values()].map((v) => index.locate(v.lon, v.lat));
    expect(lsoaOf.filter((c) => c === null)).toEqual([]);
    // venues sit in denser neighbourhoods than residents do on average
    const density = new Map(
      (await query<{ lsoa21cd: string; d: number }>(built.dbPath, `SELECT lsoa21cd, population / area_km2 AS d FROM lsoa`)).map((r) => [r.lsoa21cd, r.d]),
    );
    const [{ mean }] = await query<{ mean: number }>(built.dbPath, `SELECT sum(population * population / area_km2) / sum(population) AS mean FROM lsoa`);
    const venueMean = lsoaOf.reduce((a, c) => a + density.get(c!)!, 0) / lsoaOf.length;
    expect(venueMean).toBeGreaterThan(mean);
  });

  it("has some activities run by the chest's grant recipients, with a funding record naming the grant", () => {
    const funded = directory.contents.filter((s) => ((s.funding as { source: string }[] | undefined) ?? []).some((f) => f.source.includes("DEMO-GRANT-")));
    expect(funded.length).toBeGreaterThan(0);
    for (const s of funded) expect((s.organization as { id: string }).id).toMatch(/^GB-CHC-90/);
  });
});

describe("ingesting it", () => {
  let inputs: string;
  let reportsDir: string;
  const stage = () => servicesStage(registeredInputs(inputs, "services"), { place: built.place, reportsDir, log: silentLogger });

  beforeAll(async () => {
    inputs = join(tempDir(), "inputs");
    reportsDir = join(tempDir(), "rejects");
    registerInput(inputs, "services", await generate(20251));
    await updateDatabase(built.dbPath, [stage()], silentLogger);
  });

  it("loads the activities, links the chest-funded ones by grant id and by recipient, and marks them synthetic", async () => {
    const [s] = await query<{ n: number; synthetic: number; funded: number }>(
      built.dbPath,
      `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE synthetic)::INTEGER AS synthetic, count(*) FILTER (WHERE funded_by_chest)::INTEGER AS funded FROM service`,
    );
    expect(s.n).toBe(360);
    expect(s.synthetic).toBe(360);
    expect(s.funded).toBeGreaterThan(0);
    expect((await query<{ method: string }>(built.dbPath, `SELECT DISTINCT method FROM service_funding ORDER BY method`)).map((r) => r.method)).toEqual([
      "grant id in a funding record",
      "run by an organisation the chest gave a grant",
    ]);
    expect(await query(built.dbPath, `SELECT value FROM services_meta WHERE key = 'synthetic'`)).toEqual([{ value: "true" }]);
    const [{ errors }] = await query<{ errors: number }>(built.dbPath, `SELECT count(*) FILTER (WHERE severity = 'error')::INTEGER AS errors FROM services_rejects`);
    expect(errors).toBe(0);
  });

  it("leaves neighbourhoods with nothing within walking distance, so there are gaps to see", async () => {
    const [{ none, some }] = await query<{ none: number; some: number }>(
      built.dbPath,
      `SELECT count(*) FILTER (WHERE services_in_person = 0)::INTEGER AS none, count(*) FILTER (WHERE services_in_person > 0)::INTEGER AS some FROM provision WHERE need = 'all'`,
    );
    expect(none).toBeGreaterThan(20);
    expect(some).toBeGreaterThan(none);
  });

  it("is idempotent: registering the same file again adds nothing, and re-running the stage gives identical tables", async () => {
    const before = await digests(built.dbPath);
    expect(registerInput(inputs, "services", await generate(20251)).added).toBe(false);
    expect(registeredInputs(inputs, "services")).toHaveLength(1);
    await updateDatabase(built.dbPath, [stage()], silentLogger);
    expect(await digests(built.dbPath)).toEqual(before);
    expect(before.service.startsWith("360:")).toBe(true);
  });
});
