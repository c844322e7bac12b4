// Hostile directory records — missing ids, impossible, swapped or grid coordinates, a venue in Paris, unknown taxonomy, broken links, duplicates — are each reported with file, row, field, value and reason; nothing is dropped silently.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../pipelines/errors.ts";
import { registeredInputs } from "../../pipelines/inputs/registry.ts";
import { REJECTS_FILE } from "../../pipelines/services/stage.ts";
import { parseTable as parseCsv } from "../../pipelines/kit/delimited.ts";
import { buildFromMirror, repoRoot, tempDir } from "../support/pipeline.ts";
import { memoryLogger } from "../../pipelines/log.ts";
import { query, runServices } from "./helpers.ts";

const hostile = join(repoRoot, "test/fixtures/services/hostile-directory.json");
let built: Awaited<ReturnType<typeof buildFromMirror>>;
let reportsDir: string;

interface Reject {
  row: string;
  record_type: string;
  record_id: string | null;
  field: string | null;
  value: string | null;
  reason: string;
  severity: string;
}

beforeAll(async () => {
  built = await buildFromMirror();
  ({ reportsDir } = await runServices(built.dbPath, [hostile], built.place));
});

const rejects = () => query<Reject>(built.dbPath, `SELECT row, record_type, record_id, field, value, reason, severity FROM services_rejects`);
const find = async (row: string) => (await rejects()).filter((r) => r.row === row);

describe("row-level errors", () => {
  it("rejects services with no id, no name, a repeated id, or that are not objects", async () => {
    expect(await find("$.contents[1]")).toEqual([{ row: "$.contents[1]", record_type: "service", record_id: null, field: "id", value: null, reason: "id is missing", severity: "error" }]);
    expect(await find("$.contents[2]")).toEqual([{ row: "$.contents[2]", record_type: "service", record_id: "svc-no-name", field: "name", value: null, reason: "name is missing", severity: "error" }]);
    expect((await find("$.contents[5]"))[0]).toMatchObject({ record_id: "svc-ok", reason: "duplicate service id: $.contents[0] has the same id", severity: "error" });
    expect((await find("$.contents[8]"))[0]).toMatchObject({ value: "not an object", reason: "is not a JSON object", severity: "error" });
    // the attribute of the service with no id goes with it, and says why
    expect((await find("$.contents[1].attributes[0]"))[0]).toMatchObject({ record_type: "attribute", reason: "its service (which has no id) was rejected", severity: "error" });
  });

  it("rejects each bad coordinate with a reason a person can act on, and every link to it", async () => {
    const at = (i: number) => `$.contents[3].service_at_locations[${i}].location`;
    const reasons = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => (await find(at(i)))[0]));
    expect(reasons.map((r) => [r.record_id, r.field, r.value, r.reason])).toEqual([
      ["loc-swapped", "latitude/longitude", "0.081, 51.539", "longitude 51.539 and latitude 0.081 look swapped (latitude is the one near 50–56 in England)"],
      ["loc-bng", "latitude/longitude", "184000, 545000", "(545000, 184000) looks like British National Grid easting/northing in metres, not WGS84 longitude/latitude"],
      ["loc-text", "latitude", "fifty-one", "latitude is not a number"],
      ["loc-zero", "latitude/longitude", "0, 0", "(0, 0) is a placeholder, not a location"],
      ["loc-none", "latitude", null, "a physical location needs both latitude and longitude to be placed (postcodes are not looked up for services)"],
      ["loc-paris", "latitude/longitude", "48.8566, 2.3522", "(2.3522, 48.8566) is outside England (longitude -6.5 to 2, latitude 49.8 to 55.9)"],
    ]);
    for (const i of [0, 1, 2, 3, 4, 5]) {
      const link = (await find(`$.contents[3].service_at_locations[${i}]`))[0];
      expect(link).toMatchObject({ record_type: "service_at_location", field: "location_id", severity: "error", reason: expect.stringMatching(/^its location loc-\w+ was rejected \(see that row\)$/) });
    }
    // coordinates given as text that are numbers are fine
    expect(await query(built.dbPath, `SELECT lon, lat FROM service_location WHERE location_id = 'loc-string-ok'`)).toEqual([{ lon: -0.055, lat: 51.545 }]);
  });

  it("reports unknown taxonomy: a term id that matches nothing (rejected) and a term the crosswalk does not know (kept, no need)", async () => {
    expect((await find("$.contents[4].attributes[1]"))[0]).toMatchObject({
      record_id: "att-missing-term",
      field: "taxonomy_term_id",
      value: "t-does-not-exist",
      reason: "unknown taxonomy term: t-does-not-exist matches no taxonomy term in the directory",
      severity: "error",
    });
    expect((await find("$.contents[4].attributes[0]"))[0]).toMatchObject({
      value: "Bingo",
      reason: 'unknown taxonomy term "Bingo" (taxonomy "local activities"): not in the crosswalk, so it gives service svc-unknown-term no need category',
      severity: "warning",
    });
    expect(await query(built.dbPath, `SELECT need FROM service_need WHERE service_id = 'svc-unknown-term'`)).toEqual([]);
  });

  it("rejects a link to a location the directory does not have", async () => {
    expect((await find("$.contents[10].service_at_locations[0]"))[0]).toMatchObject({ reason: "location_id loc-not-in-file matches no location", severity: "error" });
  });

  it("warns, and keeps the record, for an unknown status, a missing location_type, an unknown freq and bad byday days", async () => {
    const warnings = (await rejects()).filter((r) => r.severity === "warning").map((r) => `${r.record_id}: ${r.reason}`);
    expect(warnings).toEqual(
      expect.arrayContaining([
        'svc-unknown-term: status "weekly" is not one of active, inactive, defunct, temporarily closed; counted as active',
        "loc-dagenham: location_type is missing; taken as physical because it has coordinates",
        'sch-bad: freq "FORTNIGHTLY" is not WEEKLY, MONTHLY, DAILY or YEARLY: sessions per week unknown',
        'sch-bad: byday has "XX", not days such as MO or 1TU; those are not counted',
        "svc-no-location: no placed location and no service area in the place: it reaches no one here",
      ]),
    );
  });
});

describe("nothing dropped silently", () => {
  it("for every kind of record, read = accepted + rejected, and the rejected are the error rows of the report", async () => {
    const counts = await query<{ record_type: string; read: number; accepted: number; rejected: number }>(
      built.dbPath,
      `SELECT record_type, read, accepted, rejected FROM services_file_count ORDER BY record_type`,
    );
    expect(Object.fromEntries(counts.map((c) => [c.record_type, [c.read, c.accepted, c.rejected]]))).toEqual({
      attribute: [8, 6, 2],
      funding: [1, 1, 0],
      location: [10, 4, 6],
      organization: [1, 1, 0],
      schedule: [3, 3, 0],
      service: [11, 7, 4],
      service_area: [1, 1, 0],
      service_at_location: [13, 6, 7],
      taxonomy_term: [6, 6, 0],
    });
    const errors = await query<{ record_type: string; n: number }>(built.dbPath, `SELECT record_type, count(DISTINCT row)::INTEGER AS n FROM services_rejects WHERE severity = 'error' GROUP BY ALL`);
    for (const c of counts) expect(errors.find((e) => e.record_type === c.record_type)?.n ?? 0).toBe(c.rejected);
  });

  it("keeps the good records, hostile names and all", async () => {
    expect(await query(built.dbPath, `SELECT service_id, name, status, active FROM service ORDER BY service_id`)).toEqual([
      { service_id: "42", name: "Numeric id, legacy ORUK shape", status: "active", active: true },
      { service_id: "svc-bad-coords", name: "Café ☕ — coordinates in every wrong way", status: "active", active: true },
      { service_id: "svc-closed", name: "Closed lunch club", status: "defunct", active: false },
      { service_id: "svc-no-location", name: "A group that meets somewhere", status: "active", active: true },
      { service_id: "svc-ok", name: 'Walking football at "The Pitch" / Barking', status: "active", active: true },
      { service_id: "svc-online", name: "Telephone befriending", status: "active", active: true },
      { service_id: "svc-unknown-term", name: "Bingo night", status: "active", active: true },
    ]);
    expect(await query(built.dbPath, `SELECT name FROM service_organization`)).toEqual([{ name: "O'Brien & Sons' Community Trust" }]);
    expect(await query(built.dbPath, `SELECT service_id, need FROM service_need ORDER BY ALL`)).toEqual([
      { service_id: "42", need: "food" },
      { service_id: "svc-bad-coords", need: "loneliness" },
      { service_id: "svc-closed", need: "loneliness" },
      { service_id: "svc-ok", need: "physical_activity" },
      { service_id: "svc-online", need: "loneliness" },
    ]);
  });

  it("writes the same rows to the CSV rejects report, quoting what needs it", async () => {
    const csv = parseCsv(readFileSync(join(reportsDir, REJECTS_FILE), "utf8"));
    expect(csv.header).toEqual(["file", "row", "column", "value", "reason", "severity", "record_type", "record_id"]);
    const table = await rejects();
    expect(csv.rows).toHaveLength(table.length);
    expect(csv.rows.every((r) => r.file === "hostile-directory.json")).toBe(true);
    expect(csv.rows.map((r) => r.reason)).toEqual(table.map((r) => r.reason));
  });
});

describe("files and configuration that cannot be used", () => {
  it("`chest ingest services` of a broken file fails with one message, exit code 3, and leaves the database untouched", () => {
    const dir = tempDir();
    const broken = join(dir, "broken.json");
    writeFileSync(broken, '{"contents": [');
    const sha = () => createHash("sha256").update(readFileSync(built.dbPath)).digest("hex");
    const before = sha();
    const run = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "pipelines/cli/main.ts"), "ingest", "services", broken, "--db", built.dbPath, "--inputs", join(dir, "inputs"), "--quiet"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(run.status).toBe(ExitCode.badInput);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(/^chest: .*broken\.json: is not valid JSON/);
    expect(sha()).toBe(before);
    // and the file is taken back, so it cannot break later builds
    expect(registeredInputs(join(dir, "inputs"), "services")).toEqual([]);
  });

  it("refuses a crosswalk rule that names no need category", async () => {
    const file = join(tempDir(), "crosswalk.json");
    writeFileSync(file, JSON.stringify({ crosswalk: [{ need: "happiness", terms: ["Bingo"] }] }));
    await expect(runServices(built.dbPath, [hostile, file], built.place)).rejects.toThrow(/crosswalk\.json: crosswalk rule 1: "happiness" is not a need category/);
  });

  it("a crosswalk file teaches it a term: Bingo becomes loneliness and the warning goes", async () => {
    const file = join(tempDir(), "crosswalk.csv");
    writeFileSync(file, "need,taxonomy,term\nloneliness,local activities,Bingo\n");
    await runServices(built.dbPath, [hostile, file], built.place);
    expect(await query(built.dbPath, `SELECT need FROM service_need WHERE service_id = 'svc-unknown-term'`)).toEqual([{ need: "loneliness" }]);
    expect((await rejects()).some((r) => r.reason.includes('"Bingo"'))).toBe(false);
    expect(await query(built.dbPath, `SELECT need, taxonomy, term, source FROM service_crosswalk WHERE source <> 'default'`)).toEqual([
      { need: "loneliness", taxonomy: "local activities", term: "Bingo", source: "crosswalk.csv" },
    ]);
  });
});

describe("what the ingest says it rejected", () => {
  it("counts records, not error rows: a location whose latitude and longitude are both text is one rejected record", async () => {
    const file = join(tempDir(), "two-bad-fields.json");
    const location = { id: "loc-text", location_type: "physical", name: "Hall", latitude: "abc", longitude: "xyz" };
    writeFileSync(file, JSON.stringify({ contents: [{ id: "svc-1", name: "Lunch club", status: "active", service_at_locations: [{ id: "sal-1", location }] }] }));
    const { log } = await runServices(built.dbPath, [file], built.place);
    const errors = await query<{ n: number; records: number }>(built.dbPath, `SELECT count(*)::INTEGER AS n, count(DISTINCT row)::INTEGER AS records FROM services_rejects WHERE severity = 'error'`);
    // latitude and longitude of the location (2 rows, one record) and its link to the service (1 row)
    expect(errors).toEqual([{ n: 3, records: 2 }]);
    const lines = (log as ReturnType<typeof memoryLogger>).lines;
    expect(lines.find((l) => l.startsWith("warning: services:"))).toMatch(/^warning: services: 2 record\(s\) rejected/);
    expect(lines.find((l) => / services \(\d+ active\)/.test(l))).toContain("2 records rejected");
  });
});

describe("services that reach no one in the place", () => {
  it("warns for a service whose only venue is placed, but far outside the place (Leeds for north east London)", async () => {
    const file = join(tempDir(), "far-venue.json");
    const service = (id: string, lat: number, lon: number) => ({ id, name: `Lunch club ${id}`, status: "active", service_at_locations: [{ id: `sal-${id}`, location: { id: `loc-${id}`, location_type: "physical", name: "Hall", latitude: lat, longitude: lon } }] });
    writeFileSync(file, JSON.stringify({ contents: [service("svc-leeds", 53.8, -1.55), service("svc-barking", 51.539, 0.081)] }));
    await runServices(built.dbPath, [file], built.place);
    const reaching = await query<{ record_id: string; value: string; reason: string }>(built.dbPath, `SELECT record_id, value, reason FROM services_rejects WHERE reason LIKE '%reaches no one here'`);
    expect(reaching).toEqual([
      { record_id: "svc-leeds", value: "53.8, -1.55", reason: `its venue is more than ${built.place.reach.walkMetres.toLocaleString("en-GB")} m from the centre of every neighbourhood (LSOA) in the place and it has no service area here: it reaches no one here` },
    ]);
  });
});
