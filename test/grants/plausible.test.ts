// Amounts beyond any plausible grant are rejected with the reason (1e15 used to be stored as £0); award dates before 1990 or in the future are kept with 360Giving's warnings.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { awardDateWarning, implausibleAmount, validateGrant } from "../../pipelines/grants/validate.ts";
import { ingest, rejectsOf, tempDir } from "./helpers.ts";

const grant = (over: Record<string, unknown>) => ({
  id: "360G-test-1",
  title: "A grant",
  description: "For testing",
  currency: "GBP",
  amountAwarded: 1500,
  awardDate: "2024-03-17",
  recipientOrganization: [{ id: "360G-test-org-1", name: "Fictional Group" }],
  fundingOrganization: [{ id: "360G-test", name: "Test Funder" }],
  ...over,
});

describe("plausible amounts", () => {
  it.each([1e15, 1e16, 9.9e20, 10_000_000_000])("%s is rejected with the reason", (amountAwarded) => {
    const r = validateGrant(grant({ amountAwarded }));
    expect(r.ok).toBe(false);
    expect(r.issues.find((i) => i.severity === "error")?.reason).toMatch(/is not plausible for a grant \(£10,000,000,000 or more\)/);
  });
  it("keeps large but possible grants to the penny", () => {
    const r = validateGrant(grant({ amountAwarded: 250_000_000.01 }));
    expect(r.ok && r.accepted.amountPence).toBe(25_000_000_001);
    expect(implausibleAmount(9_999_999_999.99)).toBeNull();
  });
});

describe("award date warnings (360Giving FarPastDates, FarFutureDates, PostDatedAwardDates)", () => {
  it("warns before 1990, in the future and far in the future; says nothing for ordinary dates", () => {
    expect(awardDateWarning("1900-01-01", "2025-06-30")).toMatch(/before 1990.*FarPastDates/);
    expect(awardDateWarning("1989-12-31", "2025-06-30")).toMatch(/before 1990/);
    expect(awardDateWarning("9999-12-31", "2025-06-30")).toMatch(/more than 5 years in the future.*FarFutureDates/);
    expect(awardDateWarning("2025-07-01", "2025-06-30")).toMatch(/in the future.*PostDatedAwardDates/);
    for (const d of ["1990-01-01", "2016-04-01", "2025-06-30"]) expect(awardDateWarning(d, "2025-06-30")).toBeNull();
  });
  it("keeps such grants, with the warning on awardDate", () => {
    const r = validateGrant(grant({ awardDate: "1900-01-01" }));
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([expect.objectContaining({ severity: "warning", path: ["awardDate"], reason: expect.stringMatching(/before 1990/) })]);
  });
});

describe("a generated ledger with an implausible amount and odd dates", () => {
  it("rejects the amount row with its reason, warns on the dates, stores the rest; the next ingest still works", async () => {
    const header = "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,Beneficiary Location:0:Geographic Code,Funding Org:0:Identifier,Funding Org:0:Name";
    const line = (id: string, amount: string, date: string) => `${id},Grant,Test,GBP,${amount},${date},360G-org-${id},Fictional Group,E01000001,360G-testchest,Test Chest`;
    const file = join(tempDir(), "ledger.csv");
    writeFileSync(file, [header, line("360G-a", "1000000000000000", "2024-03-17"), line("360G-b", "1200", "1900-01-01"), line("360G-c", "1300", "9999-12-31"), line("360G-d", "1400", "2024-03-17")].join("\n") + "\n");
    const run = await ingest([file]);
    const rejects = await rejectsOf(run.db);
    expect(rejects.filter((r) => r.severity === "error").map((r) => [r.grant_id ?? r.row, r.column, r.reason])).toEqual([
      [expect.anything(), expect.stringMatching(/Amount Awarded/), expect.stringMatching(/too large to be a grant \(£10,000,000,000 or more\)/)],
    ]);
    expect(rejects.filter((r) => r.severity === "warning").map((r) => r.reason)).toEqual([expect.stringMatching(/before 1990/), expect.stringMatching(/more than 5 years in the future/)]);
    const stored = await run.db.all<{ grant_id: string; pence: number }>(`SELECT grant_id, amount_pence::DOUBLE AS pence FROM grants ORDER BY 1`);
    expect(stored).toEqual([{ grant_id: "360G-b", pence: 120_000 }, { grant_id: "360G-c", pence: 130_000 }, { grant_id: "360G-d", pence: 140_000 }]);
    const again = await ingest([file], { db: run.db });
    expect(again.db).toBe(run.db);
    expect((await run.db.all(`SELECT grant_id FROM grants`)).length).toBe(3);
    run.db.close();
  });
});
