// The Open Referral UK and HSDS 3 example data in the mirror ingests with the right counts: one service, one organisation, and its impossible location (latitude 100) rejected with a reason, never dropped silently.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildFromMirror } from "../support/pipeline.ts";
import { hsdsExamples, orukExamples, packageFolder, query, runServices } from "./helpers.ts";

let built: Awaited<ReturnType<typeof buildFromMirror>>;
beforeAll(async () => {
  built = await buildFromMirror();
});

interface Counts {
  services: number;
  organizations: number;
  terms: number;
  locationsRejected: number;
}

async function ingestAlone(file: string): Promise<Counts & { format: string | null; reasons: string[] }> {
  await runServices(built.dbPath, [file], built.place);
  const [c] = await query<Counts>(
    built.dbPath,
    `SELECT (SELECT count(*) FROM service)::INTEGER AS services, (SELECT count(*) FROM service_organization)::INTEGER AS organizations,
            (SELECT count(DISTINCT term_id) FROM service_term)::INTEGER AS terms,
            (SELECT count(*) FROM services_rejects WHERE record_type = 'location' AND severity = 'error')::INTEGER AS "locationsRejected"`,
  );
  const format = (await query<{ format: string }>(built.dbPath, `SELECT DISTINCT format FROM services_file_count`))[0]?.format ?? null;
  const reasons = (await query<{ reason: string }>(built.dbPath, `SELECT reason FROM services_rejects WHERE severity = 'error' ORDER BY reason`)).map((r) => r.reason);
  return { ...c, format, reasons };
}

const LAT_100 = "latitude 100 and longitude 101 are not WGS84 degrees (latitude must be −90 to 90, longitude −180 to 180)";
const LOCATION_GONE = "its location 3a19ff88-4620-4d17-9830-ac1d859eb5d5 was rejected (see that row)";
const ORPHAN_ATTRIBUTE = "link_id f28dd44b-0c4d-479f-8e90-4c52219a8b3c matches no service or service_at_location in the directory";

describe("each Open Referral UK example file on its own", () => {
  it.each([
    ["service_full.json", 1, 1, 1, 1, [LOCATION_GONE, LAT_100]],
    ["service_list.json", 1, 1, 0, 0, []],
    ["organization_full.json", 1, 1, 1, 1, [LOCATION_GONE, LAT_100]],
    ["organization_list.json", 0, 1, 0, 0, []],
    ["service_at_location_full.json", 1, 1, 1, 1, [LOCATION_GONE, LAT_100]],
    ["service_at_location_list.json", 1, 1, 0, 1, [LOCATION_GONE, LAT_100]],
    ["taxonomy_term_list.json", 0, 0, 0, 0, []],
  ])("%s: %i service(s), %i organisation(s), %i term(s) used, %i location(s) rejected", async (file, services, organizations, terms, locationsRejected, reasons) => {
    const got = await ingestAlone(join(orukExamples, file));
    expect({ ...got, format: undefined }).toEqual({ services, organizations, terms, locationsRejected, format: undefined, reasons });
  });

  it("the tabular data package (datapackage.json with one CSV per table)", async () => {
    const got = await ingestAlone(packageFolder("openreferral-uk"));
    expect(got).toEqual({ services: 1, organizations: 1, terms: 0, locationsRejected: 1, format: "tabular data package (folder)", reasons: [LOCATION_GONE, LAT_100, ORPHAN_ATTRIBUTE] });
  });
});

describe("every example together (ORUK and HSDS 3, JSON and tabular)", () => {
  const files = () => [
    ...readdirSync(orukExamples).filter((f) => f.endsWith(".json")).map((f) => join(orukExamples, f)),
    ...readdirSync(hsdsExamples).filter((f) => f.endsWith(".json") && f !== "base.json").map((f) => join(hsdsExamples, f)),
    packageFolder("openreferral-uk"),
    packageFolder("hsds3"),
  ];

  beforeAll(async () => {
    await runServices(built.dbPath, files(), built.place);
  });

  it("keeps one service and one organisation, and says where the copies were", async () => {
    expect(await query(built.dbPath, `SELECT service_id, name, status, active, remote, has_venue, area_reach, sessions_per_week FROM service`)).toEqual([
      { service_id: "ac148810-d857-441c-9679-408f346de14b", name: "Community Counselling", status: "active", active: true, remote: true, has_venue: false, area_reach: false, sessions_per_week: 2 },
    ]);
    expect(await query(built.dbPath, `SELECT organization_id, name FROM service_organization`)).toEqual([
      { organization_id: "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", name: "Example Organization Inc." },
    ]);
    const superseded = await query<{ n: number }>(built.dbPath, `SELECT count(*)::INTEGER AS n FROM services_rejects WHERE reason LIKE 'service ac148810-% is also in %; that copy is used'`);
    const [{ copies }] = await query<{ copies: number }>(built.dbPath, `SELECT sum(read)::INTEGER AS copies FROM services_file_count WHERE record_type = 'service'`);
    // ORUK: 5 JSON files carry the service; HSDS 3: the same 5 and tabular.json; and the two data packages
    expect(copies).toBe(13);
    expect(superseded[0].n).toBe(copies - 1);
  });

  it("counts per file add up: read = accepted + rejected, for every file and kind of record", async () => {
    const rows = await query<{ read: number; accepted: number; rejected: number; superseded: number }>(built.dbPath, `SELECT read, accepted, rejected, superseded FROM services_file_count`);
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) {
      expect(r.read).toBe(r.accepted + r.rejected);
      expect(r.superseded).toBeLessThanOrEqual(r.accepted);
    }
    const [totals] = await query<{ files: number; rejected: number; errors: number }>(
      built.dbPath,
      `SELECT (SELECT count(DISTINCT file) FROM services_file_count)::INTEGER AS files, (SELECT sum(rejected) FROM services_file_count)::INTEGER AS rejected,
              (SELECT count(*) FROM services_rejects WHERE severity = 'error')::INTEGER AS errors`,
    );
    expect(totals.files).toBe(20);
    expect(totals.rejected).toBe(totals.errors);
  });

  it("rejects the latitude-100 location wherever it appears and every link to it", async () => {
    const rows = await query<{ record_type: string; reason: string; n: number }>(
      built.dbPath,
      `SELECT record_type, reason, count(*)::INTEGER AS n FROM services_rejects WHERE severity = 'error' GROUP BY ALL ORDER BY record_type`,
    );
    expect(rows).toEqual([
      { record_type: "attribute", reason: ORPHAN_ATTRIBUTE, n: 3 },
      // ORUK: 4 JSON files; HSDS 3: 4, tabular.json and location.json; the two packages
      { record_type: "location", reason: LAT_100, n: 12 },
      { record_type: "service_at_location", reason: LOCATION_GONE, n: 11 },
    ]);
  });

  it("reports the example taxonomy term as unknown to the crosswalk, and the MyCity service area as not in the place", async () => {
    const warnings = (await query<{ reason: string }>(built.dbPath, `SELECT DISTINCT reason FROM services_rejects WHERE severity = 'warning' ORDER BY reason`)).map((r) => r.reason);
    expect(warnings).toContain('unknown taxonomy term "name" (taxonomy "taxonomy"): not in the crosswalk, so it gives service ac148810-d857-441c-9679-408f346de14b no need category');
    expect(warnings.some((w) => w.startsWith("service area not matched") && w.includes("MyCity"))).toBe(true);
    expect(warnings).toContain("no placed location and no service area in the place: it reaches no one here");
    expect(await query(built.dbPath, `SELECT count(*)::INTEGER AS n FROM service_reach`)).toEqual([{ n: 0 }]);
  });
});
