// One grant through validateGrant: what the standard forbids is rejected, what can be read is kept (with a warning when changed), and the result is clean 360Giving.
import { describe, expect, it } from "vitest";
import { grantSchema, validateGrant } from "../../pipelines/grants/validate.ts";

const base = () => ({
  id: "360G-test-1",
  title: "A grant",
  description: "For testing",
  currency: "GBP",
  amountAwarded: 1500,
  awardDate: "2024-03-17",
  recipientOrganization: [{ id: "360G-test-org-1", name: "Fictional Group" }],
  fundingOrganization: [{ id: "360G-test", name: "Test Funder" }],
});

const reasons = (raw: unknown) => validateGrant(raw).issues.map((i) => `${i.severity} ${i.path.join("/")}: ${i.reason}`);

describe("validateGrant", () => {
  it("accepts a minimal valid grant unchanged, with its amount in pence", () => {
    const r = validateGrant(base());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.accepted.grant).toEqual(base());
    expect(r.accepted.amountPence).toBe(150000);
    expect(r.issues).toEqual([]);
    expect(grantSchema.safeParse(r.accepted.grant).success).toBe(true);
  });

  it("keeps only the date of a date-time Award Date (the time is never significant)", () => {
    const r = validateGrant({ ...base(), awardDate: "2015-06-10T23:30:00+00:00" });
    expect(r.ok && r.accepted.grant.awardDate).toBe("2015-06-10");
  });

  it("reads Date cells and numbers from spreadsheets", () => {
    const r = validateGrant({ ...base(), awardDate: new Date("2015-11-17T00:00:00.000Z"), title: 99000, recipientOrganization: [{ id: "GB-CHC-1", name: "X", charityNumber: 1092948 }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.accepted.grant.awardDate).toBe("2015-11-17");
    expect(r.accepted.grant.title).toBe("99000");
    expect((r.accepted.grant.recipientOrganization![0] as Record<string, unknown>).charityNumber).toBe("1092948");
  });

  it("rejects a grant with both an organisation and an individual recipient, or with neither", () => {
    expect(reasons({ ...base(), recipientIndividual: { id: "i1", name: "Individual Recipient" } })).toEqual([
      "error recipientIndividual/id: a grant has either a recipient organisation or a recipient individual, not both",
    ]);
    const { recipientOrganization: _, ...none } = base();
    expect(reasons(none)).toEqual([
      "error recipientOrganization/0/id: no recipient: give Recipient Org:Identifier and Recipient Org:Name, or Recipient Ind:Identifier and Recipient Ind:Name",
    ]);
  });

  it("accepts a grant to an individual", () => {
    const { recipientOrganization: _, ...g } = base();
    const r = validateGrant({ ...g, recipientIndividual: { id: "IND-1", name: "Individual Recipient" }, toIndividualsDetails: { primaryGrantReason: "GTIR010", grantPurpose: "GTIP070;GTIP080" } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.accepted.grant.toIndividualsDetails).toEqual({ primaryGrantReason: "GTIR010", grantPurpose: ["GTIP070", "GTIP080"] });
  });

  it("keeps a grant with a missing Title, Description or organisation name, with warnings", () => {
    const r = validateGrant({ ...base(), title: "", description: undefined, fundingOrganization: [{ id: "360G-test" }] });
    expect(r.ok).toBe(true);
    expect(reasons({ ...base(), title: "", description: undefined, fundingOrganization: [{ id: "360G-test" }] })).toEqual([
      "warning title: Title is missing (required by the standard); kept with an empty title",
      "warning description: Description is missing (required by the standard); kept with an empty description",
      "warning fundingOrganization/0/name: the organisation's Name is missing (required by the standard)",
    ]);
  });

  it("drops optional values the standard forbids, with a warning each, and keeps the grant", () => {
    const r = validateGrant({
      ...base(),
      url: "www.example.org",
      fromOpenCall: "Y",
      plannedDates: [{ startDate: "2024-02", endDate: "next year", duration: "12 months" }],
      beneficiaryLocation: [{ countryCode: "UK", geoCode: "E01000001" }],
      regrantType: "FRG999",
      dateModified: "29/04/2015 12:10",
      amountDisbursed: -1,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.accepted.grant).toMatchObject({ fromOpenCall: "Yes", plannedDates: [{ startDate: "2024-02" }], beneficiaryLocation: [{ countryCode: "GB", geoCode: "E01000001" }] });
    expect(r.accepted.grant.url).toBeUndefined();
    expect(r.issues.map((i) => i.path.join("/")).sort()).toEqual(
      ["amountDisbursed", "beneficiaryLocation/0/countryCode", "dateModified", "fromOpenCall", "plannedDates/0/duration", "plannedDates/0/endDate", "regrantType", "url"].sort(),
    );
    expect(r.issues.every((i) => i.severity === "warning")).toBe(true);
  });

  it("keeps fields outside the standard as extras", () => {
    const r = validateGrant({ ...base(), IMPACT: "x", recipientOrganization: [{ id: "a", name: "b", internalRef: 7 }] });
    expect(r.ok && r.accepted.extras).toEqual({ IMPACT: "x", "recipientOrganization/0/internalRef": 7 });
  });

  it("refuses something that is not a grant object", () => {
    expect(validateGrant([1, 2]).ok).toBe(false);
    expect(validateGrant(null).ok).toBe(false);
  });

  it("warns when a grant Identifier lacks the 360G- prefix", () => {
    expect(reasons({ ...base(), id: "ABC-1" })).toEqual(["warning id: a grant Identifier should start with the publisher's 360G- prefix"]);
  });
});
