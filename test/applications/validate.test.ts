// Hostile application files get row-level rejects (identifiers withheld, unknown areas, bad amounts, duplicates, unplaceable venues); headers naming people's details are refused whole.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../pipelines/kit/delimited.ts";
import { applicationIdentifierInValue } from "../../pipelines/applications/identifiers.ts";
import { APPLICATION_COLUMNS, templateHeader } from "../../pipelines/applications/template.ts";
import { HeaderProblem, readHeader, validateApplications, WITHHELD, type PlaceContext } from "../../pipelines/applications/validate.ts";

const place: PlaceContext = {
  knownArea: (code) => ["E01000027", "E01000028", "E02000002", "E09000002"].includes(code),
  postcodeLsoa: (pc) => (pc === "RM107XS" ? "E01000027" : null),
  // A box around east London stands in for the place's LSOAs.
  pointLsoa: (lon, lat) => (lon > 0 && lon < 0.2 && lat > 51.5 && lat < 51.6 ? "E01000028" : null),
};

function readFixture() {
  const [header, ...rows] = parseCsv(readFileSync(new URL("../fixtures/applications/hostile.csv", import.meta.url), "utf8"));
  return validateApplications(header.fields, rows, place);
}

describe("validateApplications on test/fixtures/applications/hostile.csv", () => {
  const result = readFixture();
  const at = (line: number) => result.rejects.filter((r) => r.line === line).map((r) => [r.column, r.value, r.reason]);

  it("accepts the good rows, quotes, commas, accents and aliases intact", () => {
    expect(result.accepted.map((a) => [a.line, a.id])).toEqual([
      [2, "A-001"],
      [11, "A-008"],
      [14, "A-011"],
    ]);
    const [lunch, coords, cafe] = result.accepted;
    expect(lunch).toMatchObject({ description: 'Weekly lunch, then games; "all welcome"', amountPence: 450000, incomeBand: "small", themes: ["loneliness", "food"], charityNumber: "1123456" });
    expect(lunch.areas).toEqual([{ code: "E01000027", type: "lsoa", from: "code" }]);
    expect(coords.areas).toEqual([{ code: "E01000028", type: "lsoa", from: "coordinates" }]);
    expect(cafe).toMatchObject({ title: 'Ünïcode café, "quoted"', orgName: 'Café "Ümlaut" Ltd', amountPence: 99999, companyNumber: "01234567", incomeBand: "medium", themes: ["arts_creativity", "digital_inclusion"], sessions: null });
    expect(cafe.areas).toEqual([{ code: "E09000002", type: "borough", from: "code" }]);
    expect(result.layout.ignored).toEqual(["Recipient Org:Street Address"]);
    expect(result.rows).toBe(12); // the blank line is not a row
  });

  it("refuses rows holding people's emails, phone numbers or names, withholding the value", () => {
    expect(at(3)).toEqual([["Description", WITHHELD, "holds an email address: the row is refused and nothing from it is stored"]]);
    expect(at(4)).toEqual([["Recipient Org:Name", WITHHELD, "holds a phone number: the row is refused and nothing from it is stored"]]);
    expect(at(5)).toEqual([["Description", WITHHELD, "looks like a person's name (a title such as Mr or Dr and a name): the row is refused and nothing from it is stored"]]);
    expect(result.identifierRows).toBe(3);
    const text = JSON.stringify(result.rejects);
    for (const secret of ["jane.smith", "07700", "Jane Smith"]) expect(text).not.toContain(secret);
  });

  it("reports every problem of a bad row: amount, theme, unknown and malformed area codes, counts", () => {
    expect(at(6)).toEqual([
      ["Amount Requested", "18k", "amount is not a number (write digits only, e.g. 1200.50)"],
      ["Themes", "knitting", "not a need category (see the needs list; separate several with ';')"],
      ["Beneficiary Location:Geographic Code", "E01999999", "not an area of this place"],
      ["Beneficiary Location:Geographic Code", "X123", "not an LSOA (E01…), MSOA (E02…), ward (E05…) or borough (E06–E09…) code"],
      ["Expected Participants", "ten", "not a whole number from 0 to 1,000,000"],
    ]);
  });

  it("rejects a later row reusing an Identifier, naming the first line", () => {
    expect(at(7)).toEqual([["Identifier", "A-001", "duplicate Identifier: line 2 already uses it"]]);
  });

  it("rejects negative and zero amounts, ambiguous income bands, no place to serve, missing required cells", () => {
    expect(at(8)).toEqual([
      ["Amount Requested", "-50", "amount must be more than £0"],
      ["Income Band", "under £100k", expect.stringMatching(/^not an income band/)],
      ["Beneficiary Location:Geographic Code", "", "says nowhere it will serve: give area codes, venue postcodes or venue coordinates"],
      ["Planned Dates:Duration (months)", "0", "not a number of months from above 0 to 60"],
    ]);
    expect(at(13).map((r) => r[0])).toEqual(["Title", "Grant Programme:Title", "Amount Requested"]);
  });

  it("places venues by postcode and coordinates, and rejects those it cannot place", () => {
    expect(at(10)).toEqual([
      ["Venue Postcodes", "rm9 6xx", "not found in the postcode directory"],
      ["Venue Postcodes", "BADCODE", "not a postcode (e.g. RM10 7XS)"],
    ]);
    expect(at(12)).toEqual([["Venue Latitude", "53.48, -2.24", "the venue is outside this place"]]);
    // Without a directory, a postcode cannot be placed and the row says how to fix it.
    const [header, ...rows] = parseCsv(readFileSync(new URL("../fixtures/applications/hostile.csv", import.meta.url), "utf8"));
    const noDirectory = validateApplications(header.fields, rows, { ...place, postcodeLsoa: undefined });
    expect(noDirectory.rejects.find((r) => r.line === 10)?.reason).toMatch(/no postcode directory was given: ingest with --postcodes FILE/);
  });
});

describe("readHeader", () => {
  it("refuses a file with a contact person's name, email or phone column, naming each", () => {
    for (const title of ["Contact Name", "Lead contact", "Email", "Contact Email", "Phone", "Telephone number", "Applicant name"]) {
      expect(() => readHeader([...templateHeader(), title]), title).toThrow(HeaderProblem);
    }
    expect(() => readHeader([...templateHeader(), "Contact Name", "Email"])).toThrow(/column "Contact Name" \(a contact person\), column "Email" \(contact details\)/);
  });

  it("allows organisation address columns (not a person's), and reads the template's own header", () => {
    const layout = readHeader([...templateHeader(), "Recipient Org:Street Address"]);
    expect(Object.keys(layout.columns)).toEqual(APPLICATION_COLUMNS.map((c) => c.key));
  });

  it("names missing required columns and a column given twice under two titles", () => {
    expect(() => readHeader(["Identifier", "Title"])).toThrow(/missing columns "Amount Applied For", "Recipient Org:Name", "Themes", "Grant Programme:Title"/);
    expect(() => readHeader([...templateHeader(), "Amount Requested"])).toThrow(/"Amount Applied For" and "Amount Requested" both mean Amount Applied For/);
    expect(() => readHeader(templateHeader().filter((t) => t !== "Venue Longitude"))).toThrow(/go together/);
  });
});

describe("applicationIdentifierInValue", () => {
  it("catches UK phone numbers in their usual spellings but not charity, company or area codes", () => {
    for (const v of ["07700 900123", "+44 7700 900123", "020 7946 0000", "0161-496-0000", "+44 (0)20 7946 0000", "call 01632960000 today"]) expect(applicationIdentifierInValue(v), v).toBe("holds a phone number");
    for (const v of ["1123456", "01234567", "E01000027", "51.5412345678", "-0.1234567891", "£12,000", "2026 round 2"]) expect(applicationIdentifierInValue(v), v).toBeNull();
  });

  it("catches titled names and NHS numbers, not ordinary words", () => {
    expect(applicationIdentifierInValue("led by Dr Patel")).toMatch(/person's name/);
    expect(applicationIdentifierInValue("ref 943 476 5919")).toBe("looks like an NHS number");
    expect(applicationIdentifierInValue("we never miss a week")).toBeNull();
    expect(applicationIdentifierInValue("write to jo [at] example dot org")).toMatch(/email address written to avoid filters/);
    // Venue addresses and postcodes are not people's: the shared street and postcode checks are not applied here.
    expect(applicationIdentifierInValue("St Mary's Hall, 12 High Street, RM10 7XS")).toBeNull();
  });
});

describe("the template documentation", () => {
  it("lists every column of the declaration with its aliases (pipelines/applications/README.md)", () => {
    const readme = readFileSync(new URL("../../pipelines/applications/README.md", import.meta.url), "utf8");
    for (const c of APPLICATION_COLUMNS) expect(readme, c.title).toContain(`| ${c.title} | ${c.required ? "yes" : ""} | ${c.standard ? "360Giving" : "Chest Atlas"} | ${c.aliases.join(", ")} |`);
  });
});
