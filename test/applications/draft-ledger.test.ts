// The draft ledger of chosen awards reads back through the grants reader and 360Giving validation unchanged: amounts to the penny, recipients, areas, round.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGrantFile } from "../../pipelines/grants/read.ts";
import { validateGrant } from "../../pipelines/grants/validate.ts";
import { csvText } from "../../src/lib/csv.ts";
import { draftLedger, geoCodeType, recipientOrgId, type DraftAward } from "../../src/lib/draft-ledger.ts";

const dir = mkdtempSync(join(tmpdir(), "awards-ledger-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const awards: DraftAward[] = [
  { id: "A-001", title: "Friday lunch club", amountPence: 450000, orgName: "Northfield Community Kitchen", charityNumber: "1123456", areas: ["E01000027", "E02000002"], durationMonths: 12, themes: ["food", "loneliness"] },
  { id: "A-011", title: 'Ünïcode café, "quoted"', description: "Crafts", amountPence: 99999, orgName: 'Café "Ümlaut" Ltd', companyNumber: "1234567", areas: ["E09000002"] },
  { id: "A-012", title: "Walk and talk", amountPence: 120000, orgName: "Walkers of St. Mary's", areas: ["E05014053"] },
];
const options = { round: "2026 round 2", funder: { id: "GB-CHC-1000000", name: "Community Chest (demo accountable body)" }, awardDate: "2026-03-02" };

describe("draftLedger", () => {
  it("identifies recipients as the 360Giving guidance asks", () => {
    expect(awards.map(recipientOrgId)).toEqual(["GB-CHC-1123456", "GB-COH-01234567", "360G-CHESTATLAS-ORG-WALKERS-OF-ST-MARY-S"]);
    expect(recipientOrgId({ orgName: "x", charityNumber: "SC012345" })).toBe("GB-SC-SC012345");
    expect(recipientOrgId({ orgName: "x", charityNumber: "NIC100012" })).toBe("GB-NIC-100012");
    expect(["E01000027", "E02000002", "E05014053", "E09000002", "E06000026", "W01000001"].map(geoCodeType)).toEqual(["LSOA", "MSOA", "WD", "LONB", "UA", null]);
  });

  it("reads back through chest's grants reader and 360Giving validation with no errors", async () => {
    const { header, rows } = draftLedger(awards, options);
    const path = join(dir, "draft.csv");
    writeFileSync(path, csvText(header, rows));
    const read = await readGrantFile(path, "draft.csv");
    expect(read.issues.filter((i) => i.severity === "error")).toEqual([]);
    const results = read.records.map((r) => validateGrant(r.raw));
    expect(results.map((r) => (r.ok ? r.issues.filter((i) => i.severity === "error") : r.issues))).toEqual([[], [], []]);
    const grants = results.map((r) => (r.ok ? r.accepted : null));
    expect(grants.map((g) => g!.amountPence)).toEqual([450000, 99999, 120000]);
    expect(grants.map((g) => g!.grant.id)).toEqual(["360G-CHESTATLAS-DRAFT-A-001", "360G-CHESTATLAS-DRAFT-A-011", "360G-CHESTATLAS-DRAFT-A-012"]);
    const g0 = grants[0]!.grant as Record<string, any>;
    expect(g0.beneficiaryLocation.map((l: { geoCode: string; geoCodeType: string }) => [l.geoCode, l.geoCodeType])).toEqual([["E01000027", "LSOA"], ["E02000002", "MSOA"]]);
    expect(g0.grantProgramme[0].title).toBe("2026 round 2");
    expect(g0.classifications.map((c: { code: string; title: string }) => [c.code, c.title])).toEqual([["food", "Food"], ["loneliness", "Loneliness and isolation"]]);
    expect((grants[1]!.grant as Record<string, any>).classifications ?? []).toEqual([]);
    expect((grants[1]!.grant as Record<string, any>).title).toBe('Ünïcode café, "quoted"');
  });

  it("refuses an award date that is not YYYY-MM-DD", () => {
    expect(() => draftLedger(awards, { ...options, awardDate: "02/03/2026" })).toThrow(/YYYY-MM-DD/);
  });
});
