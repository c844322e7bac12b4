// File-level checks on referral files: which format, which columns, identifier columns refused outright; NHS numbers and other identifiers in values.
import { describe, expect, it } from "vitest";
import { InputError } from "../../pipelines/errors.ts";
import { classifyHeader, IdentifierRefusal } from "../../pipelines/referrals/format.ts";
import { identifierInValue, isNhsNumber } from "../../pipelines/referrals/records.ts";
import { identifierColumn } from "../../pipelines/referrals/vocabulary.ts";

describe("referral file headers", () => {
  it("reads a record-level header whatever its case and spacing, and ignores other columns", () => {
    const layout = classifyHeader(["Referral ID", "Referral Date", "GP Practice Code", "LSOA", "Need", "Referral Outcome", "Link worker"], "f.csv");
    expect(layout.format).toBe("records");
    expect(layout.names).toEqual(["referral_id", "referral_date", "practice_code", "lsoa_code", "needs", "outcome", "extra_7"]);
    expect(layout.ignored).toEqual(["Link worker"]);
  });

  it("reads an aggregate header", () => {
    const layout = classifyHeader(["period", "area_code", "need", "referrals", "unmet"], "a.csv");
    expect(layout.format).toBe("aggregate");
  });

  it.each([
    [["NHS Number"], "NHS number"],
    [["nhs_no"], "NHS number"],
    [["NHSNumber"], "NHS number"],
    [["Name"], "name"],
    [["Patient name"], "name"],
    [["Surname"], "name"],
    [["First name"], "name"],
    [["Address line 1"], "address"],
    [["House number"], "address"],
    [["DOB"], "date of birth"],
    [["Date of birth"], "date of birth"],
    [["Email"], "contact details"],
    [["Mobile number"], "contact details"],
  ])("refuses a file with a %j column", (extra, what) => {
    const error = (() => {
      try {
        classifyHeader(["referral_id", "referral_date", "practice_code", "lsoa_code", "needs", "outcome", ...extra], "f.csv");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(IdentifierRefusal);
    expect((error as Error).message).toContain(`"${extra[0]}" (${what})`);
  });

  it.each(["practice_name", "pcn_name", "activity_name", "nhs_trust", "postcode", "source", "hotel"])("does not refuse %s", (h) => expect(identifierColumn(h)).toBeNull());

  it.each([
    [["referral_id", "needs", "outcome"], /lacks referral_date, practice_code or pcn_code, a location/],
    [["referral_id", "referral_date", "practice_code", "needs", "outcome", "longitude"], /has longitude without latitude/],
    [["period", "area_code", "referrals"], /aggregate referral file .* lacks need, unmet/],
    [["referral_id", "Referral ID"], /both give referral_id/],
    [["a", "b"], /not a referral file/],
  ])("explains a header it cannot use: %j", (headers, message) => {
    expect(() => classifyHeader(headers, "f.csv")).toThrow(InputError);
    expect(() => classifyHeader(headers, "f.csv")).toThrow(message);
  });
});

describe("identifiers in values", () => {
  it("checks NHS numbers with the modulus 11 check digit", () => {
    expect(isNhsNumber("9434765919")).toBe(true);
    expect(isNhsNumber("9434765918")).toBe(false);
    expect(isNhsNumber("4000079190")).toBe(true);
    expect(isNhsNumber("943476591")).toBe(false);
  });

  it.each([
    ["943 476 5919", /NHS number/],
    ["id 943-476-5919.", /NHS number/],
    ["jo@example.org", /email/],
    ["07700 900123", /phone/],
    ["Mr Smith", /name/],
    ["12 High Street", /street address/],
    ["E1 6AN", /postcode/],
  ])("%s", (value, what) => expect(identifierInValue(value)).toMatch(what));

  it.each(["9434765918", "51.5361491234", "2024-04-02", "E02000369", "U05451", "Housing", "120"])("%s is not an identifier", (value) =>
    expect(identifierInValue(value)).toBeNull(),
  );
});
