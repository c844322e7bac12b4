// Reach and provision on a tiny hand-made place (four square LSOAs): every pair within walking distance and no other, remote services by service area, nearest venue, chest funding, and sessions per 1,000 by the two-step floating catchment.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import type { Place } from "../../pipelines/place/schema.ts";
import { areaResolver } from "../../pipelines/services/service-areas.ts";
import { buildCrosswalk, DEFAULT_CROSSWALK } from "../../pipelines/services/crosswalk.ts";
import { sessionsPerWeek, weekdayCode } from "../../pipelines/services/schedule.ts";
import { repoRoot, tempDir } from "../support/pipeline.ts";
import { query, runServices } from "./helpers.ts";

const WALK = 800;
const square = (x0: number, y0: number) => [[[x0, y0], [x0, y0 + 0.01], [x0 + 0.01, y0 + 0.01], [x0 + 0.01, y0], [x0, y0]]];
const lsoas = [
  { code: "E01000001", lad: "E09000002", ladName: "Barking and Dagenham", pop: 1000, lon: 0.005, lat: 51.505, box: square(0, 51.5) },
  { code: "E01000002", lad: "E09000002", ladName: "Barking and Dagenham", pop: 2000, lon: 0.015, lat: 51.505, box: square(0.01, 51.5) },
  { code: "E01000003", lad: "E09000025", ladName: "Newham", pop: 1500, lon: 0.005, lat: 51.515, box: square(0, 51.51) },
  { code: "E01000004", lad: "E09000025", ladName: "Newham", pop: 500, lon: 0.017, lat: 51.518, box: square(0.01, 51.51) },
];
const venues = {
  v1: { id: "v1", location_type: "physical", name: "Hall in A", latitude: 51.505, longitude: 0.009 },
  v2: { id: "v2", location_type: "physical", name: "Library in D", latitude: 51.516, longitude: 0.016 },
  border: { id: "v-border", location_type: "physical", name: "Just outside the place", latitude: 51.505, longitude: 0.026 },
};
const term = (name: string) => ({ id: `t-${name}`, taxonomy_term: { id: `t-${name}`, name, description: name } });
const at = (id: string, v: object) => ({ id: `${id}@${(v as { id: string }).id}`, location: v });
const directory = [
  { id: "S1", name: "Walking football", status: "active", service_at_locations: [at("S1", venues.v1)], attributes: [term("Walking football")], schedules: [{ id: "S1s", freq: "WEEKLY", byday: "TU,TH" }] },
  { id: "S2", name: "Lunch club", status: "active", service_at_locations: [at("S2", venues.v2)], attributes: [term("Lunch club")], schedules: [{ id: "S2s", freq: "MONTHLY", byday: "1WE" }] },
  { id: "S3", name: "Food bank", status: "active", service_at_locations: [at("S3", venues.v1), at("S3", venues.v2)], attributes: [term("Food bank")] },
  {
    id: "S4",
    name: "Telephone befriending",
    status: "active",
    service_at_locations: [at("S4", { id: "online", location_type: "virtual", name: "Phone" })],
    service_areas: [{ id: "S4a", name: "Residents of Newham" }],
    attributes: [term("Befriending")],
    schedules: [{ id: "S4s", freq: "WEEKLY", byday: "MO" }],
    funding: [{ id: "S4f", source: "Tiny Chest round one (TINY-R1)" }],
  },
  { id: "S5", name: "Closed walking group", status: "inactive", service_at_locations: [at("S5", venues.v1)], attributes: [term("Walking group")] },
  { id: "S6", name: "Coffee morning over the border", status: "active", service_at_locations: [at("S6", venues.border)], attributes: [term("Coffee morning")], schedules: [{ id: "S6s", freq: "WEEKLY", byday: "SA" }] },
];

/** Haversine on turf's sphere, written out here so the test does not share code with what it checks. */
function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

let dbPath: string;
let place: Place;

async function tinyDatabase(): Promise<string> {
  const path = join(tempDir("chest-tiny-"), "tiny.duckdb");
  const db = await openDb(path);
  const fc = { type: "FeatureCollection", features: lsoas.map((l) => ({ type: "Feature", properties: { code: l.code, name: `LSOA ${l.code}` }, geometry: { type: "Polygon", coordinates: l.box } })) };
  await db.run(`CREATE TABLE lsoa (lsoa21cd VARCHAR, lsoa21nm VARCHAR, msoa21cd VARCHAR, msoa_name VARCHAR, ward_code VARCHAR, lad_code VARCHAR, lad_name VARCHAR, icb_code VARCHAR,
                population INTEGER, centroid_lon DOUBLE, centroid_lat DOUBLE)`);
  for (const l of lsoas)
    await db.run(`INSERT INTO lsoa VALUES ($code, $code, 'E02000001', 'Tiny', NULL, $lad, $ladName, NULL, $pop, $lon, $lat)`, { code: l.code, lad: l.lad, ladName: l.ladName, pop: l.pop, lon: l.lon, lat: l.lat });
  await db.run(`CREATE TABLE meta (key VARCHAR, value VARCHAR)`);
  await db.run(`INSERT INTO meta VALUES ('walk_metres', $walk)`, { walk: String(WALK) });
  await db.run(`CREATE TABLE boundary (layer VARCHAR, features INTEGER, bytes INTEGER, geojson VARCHAR)`);
  await db.run(`INSERT INTO boundary VALUES ('lsoa', 4, 0, $geojson)`, { geojson: JSON.stringify(fc) });
  db.close();
  return path;
}

beforeAll(async () => {
  dbPath = await tinyDatabase();
  const nel = loadPlace(join(repoRoot, "data/places/north-east-london.json"));
  place = { ...nel, name: "Tiny place", rounds: [{ id: "tiny-r1", name: "Round one", programme: "TINY-R1", description: "", synthetic: true, contributions: [] }] } as Place;
  const file = join(tempDir(), "tiny-directory.json");
  writeFileSync(file, JSON.stringify(directory));
  await runServices(dbPath, [file], place);
});

describe("walking reach", () => {
  it("pairs every active venue with exactly the LSOA centroids within the walking distance", async () => {
    const expected: { lsoa21cd: string; service_id: string; metres: number }[] = [];
    for (const s of directory.filter((s) => s.status === "active")) {
      for (const l of lsoas) {
        const d = Math.min(
          ...s.service_at_locations.map((x) => x.location as { latitude?: number; longitude?: number }).filter((v) => v.latitude !== undefined).map((v) => metres(v.longitude!, v.latitude!, l.lon, l.lat)),
        );
        if (d <= WALK) expected.push({ lsoa21cd: l.code, service_id: s.id, metres: Math.round(d * 10) / 10 });
      }
    }
    const got = await query<{ lsoa21cd: string; service_id: string; metres: number }>(dbPath, `SELECT lsoa21cd, service_id, metres FROM service_reach WHERE mode = 'walk' ORDER BY service_id, lsoa21cd`);
    expect(got).toEqual(expected.sort((a, b) => a.service_id.localeCompare(b.service_id) || a.lsoa21cd.localeCompare(b.lsoa21cd)));
    // the cases the fixture was drawn for: S2's venue reaches C at about 770 m but not B at 1.2 km; the venue over the border reaches B
    expect(got.filter((r) => r.service_id === "S2").map((r) => r.lsoa21cd)).toEqual(["E01000003", "E01000004"]);
    expect(got.filter((r) => r.service_id === "S6").map((r) => r.lsoa21cd)).toEqual(["E01000002"]);
    expect(got.find((r) => r.service_id === "S2" && r.lsoa21cd === "E01000003")!.metres).toBeGreaterThan(700);
  });

  it("uses a service's nearest venue, and leaves out inactive services", async () => {
    expect(await query(dbPath, `SELECT lsoa21cd, location_id FROM service_reach WHERE service_id = 'S3' ORDER BY lsoa21cd`)).toEqual([
      { lsoa21cd: "E01000001", location_id: "v1" },
      { lsoa21cd: "E01000002", location_id: "v1" },
      { lsoa21cd: "E01000003", location_id: "v2" },
      { lsoa21cd: "E01000004", location_id: "v2" },
    ]);
    expect(await query(dbPath, `SELECT count(*)::INTEGER AS n FROM service_reach WHERE service_id = 'S5'`)).toEqual([{ n: 0 }]);
  });

  it("locates each venue in its LSOA with the spatial index; a venue outside the place has none but still reaches in", async () => {
    expect(await query(dbPath, `SELECT DISTINCT location_id, lsoa21cd FROM service_location ORDER BY location_id`)).toEqual([
      { location_id: "online", lsoa21cd: null },
      { location_id: "v-border", lsoa21cd: null },
      { location_id: "v1", lsoa21cd: "E01000001" },
      { location_id: "v2", lsoa21cd: "E01000004" },
    ]);
  });

  it("gives the same LSOAs from the fetched boundary file as from the database's", async () => {
    const rawDir = join(tempDir(), "raw");
    mkdirSync(rawDir);
    const fc = { type: "FeatureCollection", features: lsoas.map((l) => ({ type: "Feature", properties: { LSOA21CD: l.code, LSOA21NM: l.code }, geometry: { type: "Polygon", coordinates: l.box } })) };
    writeFileSync(join(rawDir, "boundaries_lsoa21.geojson"), JSON.stringify(fc));
    const copy = join(tempDir(), "copy.duckdb");
    writeFileSync(copy, "");
    const { copyFileSync } = await import("node:fs");
    copyFileSync(dbPath, copy);
    const file = join(tempDir(), "tiny-directory.json");
    writeFileSync(file, JSON.stringify(directory));
    await runServices(copy, [file], place, { rawDir });
    expect(await query(copy, `SELECT value FROM services_meta WHERE key = 'boundaries'`)).toEqual([{ value: "the fetched LSOA boundaries (boundaries_lsoa21.geojson)" }]);
    const sql = `SELECT DISTINCT location_id, lsoa21cd FROM service_location ORDER BY location_id`;
    expect(await query(copy, sql)).toEqual(await query(dbPath, sql));
  });
});

describe("remote and area-wide reach", () => {
  it("reaches every LSOA of the service area it names, and nothing else", async () => {
    expect(await query(dbPath, `SELECT lsoa21cd, mode, metres FROM service_reach WHERE service_id = 'S4' ORDER BY lsoa21cd`)).toEqual([
      { lsoa21cd: "E01000003", mode: "area", metres: null },
      { lsoa21cd: "E01000004", mode: "area", metres: null },
    ]);
    expect(await query(dbPath, `SELECT method, lsoas FROM service_area WHERE service_id = 'S4'`)).toEqual([{ method: "borough name", lsoas: 2 }]);
  });
});

describe("provision per LSOA and need", () => {
  it("counts services reaching in person and remote only, chest-funded, located, and the nearest venue", async () => {
    const rows = await query(
      dbPath,
      `SELECT lsoa21cd, services_reaching, services_in_person, services_remote_only, funded_reaching, services_located, nearest_metres IS NOT NULL AS has_nearest
       FROM provision WHERE need = 'all' ORDER BY lsoa21cd`,
    );
    expect(rows).toEqual([
      { lsoa21cd: "E01000001", services_reaching: 2, services_in_person: 2, services_remote_only: 0, funded_reaching: 0, services_located: 2, has_nearest: true },
      { lsoa21cd: "E01000002", services_reaching: 3, services_in_person: 3, services_remote_only: 0, funded_reaching: 0, services_located: 0, has_nearest: true },
      { lsoa21cd: "E01000003", services_reaching: 3, services_in_person: 2, services_remote_only: 1, funded_reaching: 1, services_located: 0, has_nearest: true },
      { lsoa21cd: "E01000004", services_reaching: 3, services_in_person: 2, services_remote_only: 1, funded_reaching: 1, services_located: 2, has_nearest: true },
    ]);
    expect(await query(dbPath, `SELECT service_id, method, reference FROM service_funding`)).toEqual([{ service_id: "S4", method: "funding record names a chest round", reference: "TINY-R1" }]);
  });

  it("gives every LSOA a row for every need, zero where nothing reaches", async () => {
    const [{ rows, needs }] = await query<{ rows: number; needs: number }>(dbPath, `SELECT count(*)::INTEGER AS rows, count(DISTINCT need)::INTEGER AS needs FROM provision`);
    expect(rows).toBe(4 * needs);
    expect(await query(dbPath, `SELECT lsoa21cd, services_reaching FROM provision WHERE need = 'physical_activity' ORDER BY lsoa21cd`)).toEqual([
      { lsoa21cd: "E01000001", services_reaching: 1 },
      { lsoa21cd: "E01000002", services_reaching: 1 },
      { lsoa21cd: "E01000003", services_reaching: 0 },
      { lsoa21cd: "E01000004", services_reaching: 0 },
    ]);
  });

  it("shares each service's sessions among the residents it reaches (two-step floating catchment)", async () => {
    // S1: 2 a week over A+B (3,000 people); S2: 12/52 a week over C+D (2,000); S4: 1 over C+D; S6: 1 over B (2,000)
    const want: Record<string, number> = {
      E01000001: (1000 * 2) / 3000,
      E01000002: (1000 * 2) / 3000 + 1000 / 2000,
      E01000003: (1000 * (12 / 52)) / 2000 + 1000 / 2000,
      E01000004: (1000 * (12 / 52)) / 2000 + 1000 / 2000,
    };
    const got = await query<{ lsoa21cd: string; s: number; population: number; with_sessions: number }>(
      dbPath,
      `SELECT lsoa21cd, sessions_per_week_per_1000 AS s, population, services_with_sessions AS with_sessions FROM provision WHERE need = 'all' ORDER BY lsoa21cd`,
    );
    for (const r of got) expect(r.s).toBeCloseTo(want[r.lsoa21cd], 4);
    // nothing is lost or made up: the sessions handed out add up to the sessions of the services that reach anyone
    const handedOut = got.reduce((sum, r) => sum + (r.s * r.population) / 1000, 0);
    expect(handedOut).toBeCloseTo(2 + 12 / 52 + 1 + 1, 3);
  });
});

describe("sessions per week from a schedule", () => {
  it.each([
    [{ freq: "WEEKLY", byday: "TU,TH" }, 2],
    [{ freq: "WEEKLY" }, 1],
    [{ freq: "weekly", interval: 2, byday: "MO" }, 0.5],
    [{ freq: "DAILY" }, 7],
    [{ freq: "DAILY", byday: "MO,TU,WE,TH,FR" }, 5],
    [{ freq: "MONTHLY", byday: "1MO,3MO" }, 24 / 52],
    [{ freq: "MONTHLY", bymonthday: "1,15" }, 24 / 52],
    [{ freq: "MONTHLY" }, 12 / 52],
    [{ freq: "YEARLY" }, 1 / 52],
    [{ weekday: "Friday" }, 1],
    [{ freq: "FORTNIGHTLY" }, null],
    [{ freq: "WEEKLY", interval: 0 }, null],
    [{ freq: "WEEKLY", interval: "x" }, null],
    [{}, null],
  ])("%j → %s", (schedule, expected) => {
    const got = sessionsPerWeek(schedule);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 10);
  });

  it("reads older feeds' weekdays", () => {
    expect([weekdayCode("Monday"), weekdayCode("thurs"), weekdayCode("SU"), weekdayCode("Funday")]).toEqual(["MO", "TH", "SU", null]);
  });
});

describe("the crosswalk", () => {
  const crosswalk = buildCrosswalk(DEFAULT_CROSSWALK);

  it("maps built-in activity names and the need taxonomy's own synonyms", () => {
    expect(crosswalk.needsOf({ name: "Walking Football" })).toEqual(["physical_activity"]);
    expect(crosswalk.needsOf({ name: "Walk & Talk" })).toEqual(["mental_wellbeing", "physical_activity"]);
    expect(crosswalk.needsOf({ name: "Befriending" })).toEqual(["loneliness"]);
    expect(crosswalk.needsOf({ name: "Social isolation" })).toEqual(["loneliness"]);
    expect(crosswalk.needsOf({ name: "Men's Shed" })).toEqual(["loneliness", "mental_wellbeing"]);
    expect(crosswalk.needsOf({ name: "Bingo" })).toEqual([]);
  });

  it("applies a rule with a taxonomy only to that taxonomy, and takes the place's need synonyms", () => {
    const scoped = buildCrosswalk([...DEFAULT_CROSSWALK, { need: "food", taxonomy: "esdServiceTypes", terms: ["ST-123"] }], { "soup run": "food" });
    expect(scoped.needsOf({ code: "ST-123", name: "Anything", taxonomy: "esdServiceTypes" })).toEqual(["food"]);
    expect(scoped.needsOf({ code: "ST-123", name: "Anything", taxonomy: "other" })).toEqual([]);
    expect(scoped.needsOf({ name: "Soup Run" })).toEqual(["food"]);
  });
});

describe("service areas", () => {
  const resolver = areaResolver(
    lsoas.map((l) => ({ lsoa21cd: l.code, msoa21cd: "E02000001", ward_code: l.code === "E01000001" ? "E05000026" : null, lad_code: l.lad, lad_name: l.ladName, icb_code: "E54000029", centroid_lon: l.lon, centroid_lat: l.lat })),
    "Tiny place",
  );
  const area = (text: string, extra: Partial<{ uri: string; extent: string; extentType: string }> = {}) =>
    resolver.resolve({ id: "a", serviceId: "s", text, extent: extra.extent ?? null, extentType: extra.extentType ?? null, uri: extra.uri ?? null, file: "f", at: "$" });

  it.each([
    ["a borough by GSS code in the URI", area("", { uri: "http://statistics.data.gov.uk/id/statistical-geography/E09000025" }), ["E01000003", "E01000004"], "GSS code"],
    ["a ward code", area("Ward E05000026"), ["E01000001"], "GSS code"],
    ["an ICB code", area("NHS North East London (E54000029)"), lsoas.map((l) => l.code), "GSS code"],
    ["a borough by name", area("Barking and Dagenham residents"), ["E01000001", "E01000002"], "borough name"],
    ["the place by name", area("Anyone in Tiny Place"), lsoas.map((l) => l.code), "place name"],
    ["a national service", area("Available across England"), lsoas.map((l) => l.code), "whole country"],
    ["a GeoJSON extent", area("", { extentType: "geojson", extent: JSON.stringify({ type: "Polygon", coordinates: [[[0, 51.5], [0, 51.51], [0.02, 51.51], [0.02, 51.5], [0, 51.5]]] }) }), ["E01000001", "E01000002"], "GeoJSON extent"],
  ])("%s", (_, got, lsoasCovered, method) => {
    expect(got).toEqual({ lsoas: lsoasCovered, method, reason: null });
  });

  it("says why an area names nothing in the place", () => {
    expect(area("All residents of MyCity").reason).toMatch(/names no area of the place/);
    expect(area("", { uri: "http://statistics.data.gov.uk/id/statistical-geography/E09000033" }).reason).toBe("its area codes are outside the place");
  });
});
