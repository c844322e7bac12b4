// The applications kind end to end on a small database: hostile files get row-level rejects in the kit's report, scores and votes are checked against the applications loaded, and the assessment reads need_area and the round's decision record (score worked by hand).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { assessmentStage, linkDecision } from "../../pipelines/applications/assessment-stage.ts";
import { ingestApplications } from "../../pipelines/applications/stage.ts";
import { createDecisionTables } from "../../pipelines/decisions/tables.ts";
import { InputError } from "../../pipelines/errors.ts";
import { asInputFiles } from "../../pipelines/kit/kind.ts";
import { memoryLogger, silentLogger } from "../../pipelines/log.ts";
import type { Place } from "../../pipelines/place/schema.ts";
import { tempDir } from "../support/pipeline.ts";

const dir = tempDir("chest-applications-");
const place = { id: "test-place", name: "Test place", needSynonyms: {} } as unknown as Place;
const ctx = { place, reportsDir: join(dir, "rejects"), log: silentLogger };
const ROUND = "Round 9";
let db: Db;

const file = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.join("\r\n") + "\r\n");
  return path;
};

beforeAll(async () => {
  db = await openDb();
  await db.run(`CREATE TABLE lsoa AS SELECT * FROM (VALUES
    ('E01000001', 'A 1', 'E02000001', 'M 1', 'M 1', 'E05000001', 'Ward 1', 'E09000001', 'Borough A', NULL, 1000, -0.10, 51.50),
    ('E01000002', 'A 2', 'E02000001', 'M 1', 'M 1', 'E05000001', 'Ward 1', 'E09000001', 'Borough A', NULL, 3000, -0.11, 51.51),
    ('E01000003', 'B 1', 'E02000002', 'M 2', 'M 2', 'E05000002', 'Ward 2', 'E09000002', 'Borough B', NULL, 2000, 0.10, 51.55),
    ('E01000004', 'B 2', 'E02000002', 'M 2', 'M 2', 'E05000002', 'Ward 2', 'E09000002', 'Borough B', NULL, 2000, 0.11, 51.56)
  ) t(lsoa21cd, lsoa21nm, msoa21cd, msoa21nm, msoa_name, ward_code, ward_name, lad_code, lad_name, partnership, population, centroid_lon, centroid_lat)`);
  await db.run(`CREATE TABLE need_area AS SELECT * FROM (VALUES
    ('lad', 'E09000001', 'loneliness', 80.0, 20.0, 60.0), ('lad', 'E09000001', 'all', 70.0, 30.0, 40.0),
    ('lad', 'E09000002', 'loneliness', 40.0, 0.0, 40.0), ('lad', 'E09000002', 'all', 30.0, 50.0, -20.0)
  ) t(layer, code, theme, need_score, provision_score, gap)`);
  await createDecisionTables(db);
  await db.run(`INSERT INTO decision (decision_id, title, workshop_date, exported_at, pot, layer) VALUES ('d-9', 'Round 9: agreed split', '2026-01-01', '2026-01-01T00:00:00Z', 10000, 'lad')`);
  await db.run(`INSERT INTO decision_allocation (decision_id, area_code, area_name, amount, themes_json) VALUES
    ('d-9', 'E09000001', 'Borough A', 6000, '{"loneliness":6000}'), ('d-9', 'E09000002', 'Borough B', 4000, '{"loneliness":4000}')`);
});
afterAll(() => db?.close());

const HEADER = "Identifier,Title,Description,Amount Applied For,Recipient Org:Name,Recipient Org:Charity Number,Recipient Org:Income Band,Themes,Beneficiary Location:Geographic Code,Grant Programme:Title";

describe("chest ingest applications", () => {
  it("rejects hostile rows with file, row, column and reason; checks scores and votes against the applications loaded", async () => {
    const apps = file("apps.csv", [
      HEADER,
      "A-1,Lunch club,Weekly lunch,\"£2,000\",Kitchen,1123456,micro,loneliness,E09000001,Round 9",
      "A-2,Walks,Call jo@example.org,1000,Walkers,,small,loneliness,E05000002,Round 9",
      "A-3,Choir,Singing,18k,Choir,,small,loneliness,E01000003,Round 9",
      "A-4,Mystery,Somewhere,500,Group,,small,loneliness,E01999999,Round 9",
      "A-1,Lunch club again,Second,1000,Kitchen,,micro,loneliness,E09000001,Round 9",
      "A-5,Craft,Making,800,Makers,12,giant,knitting,E05000002,Round 9",
      "A-6,Talks,Talking,1200,Talkers,,small,loneliness,E05000002,Round 9",
    ]);
    const scores = file("panel.csv", ["member,application,criterion,score", "P1,A-1,reach,4", "P1,A-3,reach,3", "P2,A-1,reach,9"]);
    const votes = file("votes.csv", ["voter,application,approval", "A-6,A-1,yes", "A-1,A-6,1", "A-6,A-6,1", "A-1,A-4,1"]);
    const result = await ingestApplications(db, asInputFiles("applications", [apps, scores, votes]), ctx);
    expect(await db.all(`SELECT application_id, amount_pence::INTEGER AS p, income_band FROM application ORDER BY 1`)).toEqual([
      { application_id: "A-1", p: 200000, income_band: "micro" },
      { application_id: "A-6", p: 120000, income_band: "small" },
    ]);
    const issues = await db.all<{ file: string; row: string; column: string; value: string; reason: string }>(
      `SELECT file, "row", "column", value, reason FROM input_issues WHERE kind = 'applications' AND severity = 'error' ORDER BY n`);
    const at = (f: string, row: number) => issues.filter((i) => i.file === f && i.row === String(row)).map((i) => [i.column, i.value, i.reason]);
    expect(at("apps.csv", 3)).toEqual([["Description", "(withheld)", expect.stringMatching(/email/)]]);
    expect(at("apps.csv", 4)).toEqual([["Amount Applied For", "18k", expect.stringMatching(/^amount /)]]);
    expect(at("apps.csv", 5)).toEqual([["Beneficiary Location:Geographic Code", "E01999999", "not an area of this place"]]);
    expect(at("apps.csv", 6)).toEqual([["Identifier", "A-1", "duplicate Identifier: line 2 already uses it"]]);
    expect(at("apps.csv", 7).map((x) => x[0])).toEqual(["Recipient Org:Charity Number", "Recipient Org:Income Band", "Themes"]);
    expect(at("panel.csv", 3)).toEqual([["application", "A-3", "not an application in this round"]]);
    expect(at("panel.csv", 4)).toEqual([["score", "9", "not a score from 1 to 5"]]);
    expect(at("votes.csv", 4)).toEqual([["voter", "A-6", "an applicant cannot vote for its own application"]]);
    expect(at("votes.csv", 5)).toEqual([["application", "A-4", "not an application in this round"]]);
    expect(await db.all(`SELECT voter, application_id FROM pb_vote ORDER BY 1`)).toEqual([{ voter: "A-1", application_id: "A-6" }, { voter: "A-6", application_id: "A-1" }]);
    expect(result.files.map((f) => [f.file, f.rowsRead, f.accepted, f.rejected])).toEqual([["apps.csv", 7, 2, 5], ["panel.csv", 3, 1, 2], ["votes.csv", 4, 2, 2]]);
    const report = readFileSync(join(ctx.reportsDir, "applications-rejects.csv"), "utf8");
    expect(report).toMatch(/^\uFEFF?file,row,column,value,reason,severity/);
    expect(report).not.toMatch(/jo@example/);
  });

  it("refuses a file with a contact column whole, naming the file", async () => {
    const bad = file("contacts.csv", [`${HEADER},Contact Name`, "A-9,x,y,10,z,,micro,food,E09000001,Round 9,Jo"]);
    await expect(ingestApplications(db, asInputFiles("applications", [bad]), ctx)).rejects.toThrow(InputError);
    await expect(ingestApplications(db, asInputFiles("applications", [bad]), ctx)).rejects.toThrow(/contact person/);
  });

  it("assesses from need_area and the decision record whose title names the round (worked by hand)", async () => {
    const apps = file("apps2.csv", [
      HEADER,
      "A-1,Lunch club,Weekly lunch,2000,Kitchen,1123456,micro,loneliness,E09000001,Round 9",
      "B-1,Both boroughs,Both,1000,Group,,medium,loneliness,E01000002; E01000003,Round 9",
    ]);
    await ingestApplications(db, asInputFiles("applications", [apps]), ctx);
    await assessmentStage(place, silentLogger).run(db);
    const rows = await db.all<Record<string, number | string>>(`SELECT application_id, decision_id, layer, score, need, gap, unspent, new_provision, small_organisation FROM application_assessment ORDER BY 1`);
    // Borough A for loneliness: need 80, gap (60 + 100) / 2 = 80, unspent 100, provision 20 > 0 → new provision 0, micro → 100.
    // Score = (80×30 + 80×30 + 100×15 + 0×15 + 100×10) / 100 = 73.
    expect(rows[0]).toMatchObject({ application_id: "A-1", decision_id: "d-9", layer: "lad", need: 80, gap: 80, unspent: 100, new_provision: 0, small_organisation: 100 });
    expect(rows[0].score).toBeCloseTo(73, 10);
    // B-1: half in each borough (one LSOA each): need (80 + 40) / 2 = 60; gap (80 + 70) / 2 = 75; Borough B has provision 0 → new provision 50; medium → 25.
    // Score = (60×30 + 75×30 + 100×15 + 50×15 + 25×10) / 100 = 65.5.
    expect(rows[1]).toMatchObject({ application_id: "B-1", need: 60, gap: 75, unspent: 100, new_provision: 50, small_organisation: 25 });
    expect(rows[1].score).toBeCloseTo(65.5, 10);
    const reasons = (await db.all<{ reasons: string }>(`SELECT reasons FROM application_assessment WHERE application_id = 'B-1'`))[0].reasons.split("\n");
    expect(reasons[0]).toBe("Need 60 of 100 (higher = more need) where it would work: Borough A for loneliness and isolation 80; Borough B for loneliness and isolation 40.");
    expect(await db.all(`SELECT round, decision_id, linked_by FROM application_round`)).toEqual([{ round: ROUND, decision_id: "d-9", linked_by: "title names the round" }]);
  });

  it("assesses against a record split by custom neighbourhoods, and at the default layer once they are gone", async () => {
    await db.run(`CREATE TABLE neighbourhood_lsoa AS SELECT * FROM (VALUES
      ('E01000001', 'N-1', 'North'), ('E01000002', 'N-1', 'North'), ('E01000003', 'N-1', 'North'), ('E01000004', 'N-2', 'South')
    ) t(lsoa21cd, neighbourhood_code, neighbourhood_name)`);
    await db.run(`INSERT INTO need_area VALUES ('neighbourhood', 'N-1', 'loneliness', 50.0, 10.0, 20.0), ('neighbourhood', 'N-2', 'loneliness', 90.0, 0.0, 80.0)`);
    await db.run(`INSERT INTO decision (decision_id, title, workshop_date, exported_at, pot, layer) VALUES ('d-10', 'Round 9: by neighbourhood', '2026-02-01', '2026-02-01T00:00:00Z', 10000, 'neighbourhood')`);
    await db.run(`INSERT INTO decision_allocation (decision_id, area_code, area_name, amount, themes_json) VALUES ('d-10', 'N-1', 'North', 5000, NULL), ('d-10', 'N-2', 'South', 5000, NULL)`);
    await assessmentStage(place, silentLogger).run(db);
    const rows = await db.all<Record<string, number | string>>(`SELECT application_id, decision_id, layer, need, gap FROM application_assessment ORDER BY 1`);
    // Borough A (A-1) and B-1's two LSOAs all lie in North: need 50, gap (20 + 100) / 2 = 60.
    expect(rows).toEqual([
      { application_id: "A-1", decision_id: "d-10", layer: "neighbourhood", need: 50, gap: 60 },
      { application_id: "B-1", decision_id: "d-10", layer: "neighbourhood", need: 50, gap: 60 },
    ]);
    const reasons = (await db.all<{ reasons: string }>(`SELECT reasons FROM application_assessment WHERE application_id = 'B-1'`))[0].reasons;
    expect(reasons).toMatch(/North for loneliness and isolation 50/);
    expect(await db.all(`SELECT DISTINCT layer, code FROM application_unit ORDER BY code`)).toEqual([{ layer: "neighbourhood", code: "N-1" }]);

    await db.run(`DROP TABLE neighbourhood_lsoa`);
    await assessmentStage(place, silentLogger).run(db);
    expect(await db.all(`SELECT DISTINCT layer FROM application_assessment`)).toEqual([{ layer: "ward" }]);
  });

  it("rejects a CSV row with more or fewer fields than the header instead of reading its cells out of place", async () => {
    const apps = file("ragged-apps.csv", [
      HEADER,
      "R-1,Lunch club,Weekly lunch,2000,Kitchen,1123456,micro,loneliness,E09000001,Round 9",
      // An unquoted comma in the description: every later cell would move one column to the right.
      "R-2,Walks,Walks, talks,1000,Walkers,,small,loneliness,E05000002,Round 9",
      "R-3,Choir,Singing,800,Choir,,small,loneliness,E01000003",
    ]);
    const scores = file("ragged-panel.csv", ["member,application,criterion,score", "P1,R-1,reach,4", "P2,R-1,reach,3,5"]);
    const result = await ingestApplications(db, asInputFiles("applications", [apps, scores]), ctx);
    expect(await db.all(`SELECT application_id FROM application ORDER BY 1`)).toEqual([{ application_id: "R-1" }]);
    expect(await db.all(`SELECT member FROM panel_score`)).toEqual([{ member: "P1" }]);
    const issues = await db.all<{ file: string; row: string; column: string; reason: string }>(
      `SELECT file, "row", "column", reason FROM input_issues WHERE kind = 'applications' AND severity = 'error' ORDER BY n`);
    expect(issues.map((i) => [i.file, i.row, i.column, i.reason.replace(/:.*/, "")])).toEqual([
      ["ragged-apps.csv", "3", "", "has 11 fields where the header has 10"],
      ["ragged-apps.csv", "4", "", "has 9 fields where the header has 10"],
      ["ragged-panel.csv", "3", "", "has 5 fields where the header has 4"],
    ]);
    expect(result.files.map((f) => [f.file, f.rowsRead, f.accepted, f.rejected])).toEqual([["ragged-apps.csv", 3, 1, 2], ["ragged-panel.csv", 2, 1, 1]]);
  });

  it("reads the applications sheet of a workbook that has an instructions sheet in front, naming the sheets not read", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Instructions").addRow(["Fill in one row per application on the next sheet"]);
    const sheet = wb.addWorksheet("Applications");
    sheet.addRow(HEADER.split(","));
    sheet.addRow(["X-1", "Lunch club", "Weekly lunch", 2000, "Kitchen", "1123456", "micro", "loneliness", "E09000001", "Round 9"]);
    const path = join(dir, "with-notes.xlsx");
    writeFileSync(path, Buffer.from(await wb.xlsx.writeBuffer()));
    await ingestApplications(db, asInputFiles("applications", [path]), ctx);
    expect(await db.all(`SELECT application_id FROM application`)).toEqual([{ application_id: "X-1" }]);
    expect(await db.all(`SELECT reason FROM input_issues WHERE kind = 'applications'`)).toEqual([
      { reason: 'read the sheet "Applications"; the other sheets ("Instructions") were not read' },
    ]);
  });

  it("warns when a round's applications are assessed against a record whose title does not name the round", async () => {
    const apps = file("round-10.csv", [HEADER, "T-1,Lunch club,Weekly lunch,2000,Kitchen,1123456,micro,loneliness,E09000001,Round 10"]);
    await ingestApplications(db, asInputFiles("applications", [apps]), ctx);
    const log = memoryLogger();
    await assessmentStage(place, log).run(db);
    const [link] = await db.all<{ round: string; title: string; linked_by: string }>(
      `SELECT r.round, d.title, r.linked_by FROM application_round r JOIN decision d USING (decision_id)`);
    expect(link).toMatchObject({ round: "Round 10", linked_by: "newest record" });
    expect(log.lines).toContain(
      `warning: applications: no decision record's title names the round "Round 10": its applications are assessed against the newest record, "${link.title}"; ingest the round's own record (chest ingest decisions) if that is not the one agreed for it`,
    );
  });

  it("links a round to the newest record when no title names it", () => {
    const d = [{ decision_id: "new", title: "Spring split", pot: 1, layer: "lad" }, { decision_id: "old", title: "Autumn", pot: 1, layer: "lad" }];
    expect(linkDecision("Round 9", d)).toEqual({ decision: d[0], linkedBy: "newest record" });
    expect(linkDecision("Round 9", [])).toEqual({ decision: null, linkedBy: "none" });
  });
});
