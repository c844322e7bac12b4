// Hostile grant files on a twelve-LSOA database: encodings, amounts, dates, duplicates, currencies, geography codes, missing or extra columns, empty files; every reject says where and why.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../pipelines/errors.ts";
import { storedGrants } from "../../pipelines/grants/rebuild.ts";
import { ingestGrants } from "../../pipelines/grants/stage.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { parseCsv } from "../../pipelines/kit/delimited.ts";
import { decodeText } from "../../pipelines/kit/text.ts";
import { dump, fixture, ingest, miniDb, miniPlace, mirrorRawDir, rejectsOf, tempDir } from "./helpers.ts";

const grantsOf = async (db: Awaited<ReturnType<typeof miniDb>>) =>
  db.all<{ grant_id: string; title: string; description: string; amount_pence: number; award_date: string; location_method: string; in_place_pence: number }>(
    `SELECT grant_id, title, description, amount_pence::DOUBLE AS amount_pence, strftime(award_date, '%Y-%m-%d') AS award_date, location_method, in_place_pence::DOUBLE AS in_place_pence FROM grants ORDER BY source_file, source_row`,
  );

describe("encodings", () => {
  it("reads UTF-8 with a BOM, £ amounts with commas and day/month/year dates, with warnings that say what was converted", async () => {
    const r = await ingest([fixture("bom-utf8.csv")]);
    const grants = await grantsOf(r.db);
    expect(grants.map((g) => [g.grant_id, g.amount_pence, g.award_date])).toEqual([
      ["360G-bom-1", 120050, "2024-03-17"],
      ["360G-bom-2", 30000, "2024-03-17"],
    ]);
    expect(grants[0].description).toBe("Warm space — £ for heating");
    const rejects = await rejectsOf(r.db);
    expect(rejects).toEqual([
      expect.objectContaining({ file: "bom-utf8.csv", row: 2, column: "Amount Awarded", value: "£1,200.50", severity: "warning", reason: "converted: currency sign removed; thousands separators removed" }),
      expect.objectContaining({ file: "bom-utf8.csv", row: 2, column: "Award Date", value: "17/03/2024", severity: "warning", reason: "converted: written day/month/year; read as 2024-03-17" }),
    ]);
  });

  it("reads a Windows-1252 file (the byte 0xA3 is £) and says so", async () => {
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(fixture("windows-1252.csv")))).toThrow();
    const r = await ingest([fixture("windows-1252.csv")]);
    const [g] = await grantsOf(r.db);
    expect(g.title).toBe("Café club £ for lunches");
    expect(g.description).toBe("Costs £1,200.50 in total");
    expect(g.amount_pence).toBe(120050);
    const [first] = await rejectsOf(r.db);
    expect(first).toMatchObject({ row: null, severity: "warning", reason: expect.stringContaining("read as Windows-1252") });
    const [file] = await r.db.all<{ encoding: string }>(`SELECT encoding FROM grant_files`);
    expect(file.encoding).toBe("windows-1252");
  });

  it("keeps quoted commas, quotes and line breaks", async () => {
    const r = await ingest([fixture("quoting.csv")]);
    const [g] = await grantsOf(r.db);
    expect(g.title).toBe("Title, with comma");
    expect(g.description).toBe('Line one\r\nline "two"\nline three');
    expect(g.amount_pence).toBe(100000);
    const [org] = await r.db.all<{ recipient_name: string }>(`SELECT recipient_name FROM grants`);
    expect(org.recipient_name).toBe('Group "Q"');
  });
});

describe("amounts and dates", () => {
  it("accepts what can be read, rejects the rest with file, row, column, value and reason", async () => {
    const r = await ingest([fixture("amounts-dates.csv")]);
    const grants = await grantsOf(r.db);
    expect(grants.map((g) => [g.grant_id, g.amount_pence, g.award_date])).toEqual([
      ["360G-amt-1", 120050, "2024-03-17"],
      ["360G-amt-2", 120050, "2024-03-17"],
      ["360G-amt-6", 1001, "2024-03-17"],
      ["360G-date-1", 100000, "2024-02-01"],
      ["360G-date-2", 100000, "2024-03-17"],
    ]);
    const errors = (await rejectsOf(r.db, "severity = 'error'")).map((x) => [x.row, x.column, x.value, x.reason]);
    expect(errors).toEqual([
      [4, "Amount Awarded", "18k", "is not a number (write digits only, e.g. 1200.50)"],
      [5, "Amount Awarded", "-50", "Amount Awarded must not be negative"],
      [6, "Amount Awarded", "£-20", "Amount Awarded must not be negative"],
      [8, "Amount Awarded", null, "Amount Awarded is required"],
      [11, "Award Date", "31/02/2024", "is not a real date (read as day/month/year)"],
      [12, "Award Date", "2024-13-01", "must be a date such as 2025-03-12, 12/03/2025 or 12 Mar 2025 (or a full date-time)"],
      [13, "Award Date", "43194", "must be a date such as 2025-03-12, 12/03/2025 or 12 Mar 2025 (or a full date-time)"],
      [14, "Award Date", null, "Award Date is required"],
    ]);
    expect(r.files[0]).toMatchObject({ file: "amounts-dates.csv", rowsRead: 13, accepted: 5, rejected: 8, acceptedPence: 120050 * 2 + 1001 + 200000 });
    expect((await rejectsOf(r.db, "row = 7"))[0]).toMatchObject({ severity: "warning", reason: "converted: rounded to the nearest penny", value: "10.005" });
  });
});

describe("UK dates with the month by name", () => {
  it("reads 12 Mar 2024, 12 March 2024, 12-Mar-2024 and 12.03.2024 as day-month-year with a note; rejects a month that is no month and a day that does not exist", async () => {
    const header = readFileSync(fixture("amounts-dates.csv"), "utf8").split(/\r?\n/)[0];
    const row = (id: string, date: string) => `${id},Grant ${id},Test grant,GBP,100,${date},org-${id},Group ${id},,E01003543,LSOA,360G-testchest,Test Chest (fixture),TEST-R1,Test round 1`;
    const dates = ["12 Mar 2024", "12 March 2024", "12-Mar-2024", "12.03.2024", "1 sept 2024", "12 Foo 2024", "31 Apr 2024", "12 Mar 24"];
    const path = join(tempDir(), "uk-dates.csv");
    writeFileSync(path, [header, ...dates.map((d, i) => row(`360G-ukd-${i + 1}`, d))].join("\r\n") + "\r\n");
    const r = await ingest([path]);
    expect((await grantsOf(r.db)).map((g) => [g.grant_id, g.award_date])).toEqual([
      ["360G-ukd-1", "2024-03-12"],
      ["360G-ukd-2", "2024-03-12"],
      ["360G-ukd-3", "2024-03-12"],
      ["360G-ukd-4", "2024-03-12"],
      ["360G-ukd-5", "2024-09-01"],
    ]);
    expect((await rejectsOf(r.db, "row = 2"))[0]).toMatchObject({ severity: "warning", value: "12 Mar 2024", reason: "converted: written day/month/year; read as 2024-03-12" });
    expect((await rejectsOf(r.db, "severity = 'error'")).map((x) => [x.value, x.reason])).toEqual([
      ["12 Foo 2024", "is not a real date (read as day/month/year)"],
      ["31 Apr 2024", "is not a real date (read as day/month/year)"],
      ["12 Mar 24", "must be a date such as 2025-03-12, 12/03/2025 or 12 Mar 2025 (or a full date-time)"],
    ]);
  });
});

describe("XLSX workbooks", () => {
  it("pass over blank rows above the column titles, as CSV files do, numbering rows as the sheet does", async () => {
    const header = readFileSync(fixture("amounts-dates.csv"), "utf8").split(/\r?\n/)[0].split(",");
    const values: Record<string, string | number> = { Identifier: "360G-xl-1", Title: "Workbook grant", Description: "d", Currency: "GBP", "Amount Awarded": 1200.5, "Award Date": "12 Mar 2024" };
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Grants");
    sheet.addRow([]);
    sheet.addRow([]);
    sheet.addRow(header);
    sheet.addRow(header.map((h) => values[h] ?? { "Recipient Org:Identifier": "org-1", "Recipient Org:Name": "Org", "Beneficiary Location:0:Geographic Code": "E01003543", "Funding Org:0:Identifier": "360G-f", "Funding Org:0:Name": "Funder" }[h] ?? ""));
    const path = join(tempDir(), "blank-rows-above.xlsx");
    await workbook.xlsx.writeFile(path);
    const r = await ingest([path]);
    expect(r.files[0]).toMatchObject({ rowsRead: 1, accepted: 1, rejected: 0 });
    expect(await r.db.all(`SELECT grant_id, amount_pence::INTEGER AS p, strftime(award_date, '%Y-%m-%d') AS d, source_row FROM grants`)).toEqual([{ grant_id: "360G-xl-1", p: 120050, d: "2024-03-12", source_row: 4 }]);
  });
});

describe("rows cut short", () => {
  it("says once, for the file, which rows have fewer values than the header, as the cause of their errors", async () => {
    const lines = readFileSync(fixture("amounts-dates.csv"), "utf8").split(/\r?\n/).slice(0, 3);
    const path = join(tempDir(), "cut-short.csv");
    writeFileSync(path, [...lines, "360G-cut-1,Grant cut short,Test grant,GBP,100", ""].join("\r\n"));
    const r = await ingest([path]);
    expect(r.files[0]).toMatchObject({ rowsRead: 3, accepted: 2, rejected: 1 });
    expect((await rejectsOf(r.db, "row IS NULL")).map((x) => [x.severity, x.reason])).toEqual([
      ["warning", "1 row(s) have fewer values than the header's 15 columns (row 4): a line cut short, or a line break inside a value that is not in quotes? The missing values are read as empty"],
    ]);
    expect((await rejectsOf(r.db, "row = 4 AND severity = 'error'")).map((x) => x.column)).toContain("Award Date");
  });
});

describe("currencies", () => {
  it("accepts GBP (any case), rejects other and invalid currencies", async () => {
    const r = await ingest([fixture("currency.csv")]);
    expect((await grantsOf(r.db)).map((g) => g.grant_id)).toEqual(["360G-cur-2"]);
    const errors = (await rejectsOf(r.db, "severity = 'error'")).map((x) => [x.grant_id, x.value, x.reason]);
    expect(errors).toEqual([
      ["360G-cur-1", "USD", "amounts in USD are not accepted: Chest Atlas works in pounds sterling (GBP) and does not convert currencies"],
      ["360G-cur-3", "GPB", "is not an ISO 4217 currency code (did you mean GBP?)"],
      ["360G-cur-4", null, "Currency is required"],
      ["360G-cur-5", "EUR", "amounts in EUR are not accepted: Chest Atlas works in pounds sterling (GBP) and does not convert currencies"],
    ]);
    expect((await rejectsOf(r.db, "grant_id = '360G-cur-2'"))[0].reason).toBe("converted: currency codes are upper case; read as GBP");
  });
});

describe("duplicate identifiers", () => {
  it("rejects a repeat that contradicts or adds nothing, merges a repeat that only adds values", async () => {
    const r = await ingest([fixture("duplicates.csv")]);
    expect((await grantsOf(r.db)).map((g) => g.grant_id)).toEqual(["360G-dup-1", "360G-dup-2", "360G-dup-3"]);
    expect((await grantsOf(r.db))[0].amount_pence).toBe(100000);
    const rejects = (await rejectsOf(r.db)).map((x) => [x.row, x.severity, x.reason]);
    expect(rejects).toEqual([
      [3, "error", 'duplicate Identifier: row 2 of this file has the same Identifier with different "Amount Awarded"'],
      [5, "error", "duplicate Identifier: row 4 of this file has the same Identifier and this row adds nothing to it"],
      [7, "warning", "merged into row 6 (the standard's multiple-rows method: this row adds values for the same grant)"],
    ]);
    const locations = await r.db.all<{ seq: number; code: string }>(`SELECT seq, code FROM grant_beneficiary_locations WHERE grant_id = '360G-dup-3' ORDER BY seq`);
    expect(locations).toEqual([
      { seq: 0, code: "E01003543" },
      { seq: 1, code: "E01003544" },
    ]);
    expect(r.files[0]).toMatchObject({ rowsRead: 6, accepted: 3, rejected: 2, merged: 1 });
  });

  it("keeps the valid copy when the first copy of a repeated Identifier is itself rejected (CSV and JSON)", async () => {
    const dir = tempDir();
    const header = "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,Funding Org:0:Identifier,Funding Org:0:Name";
    const row = (id: string, amount: string) => `${id},Grant ${id},Test grant,GBP,${amount},2024-03-17,360G-org-${id},Group ${id},360G-testchest,Test Chest`;
    const csv = join(dir, "first-bad.csv");
    writeFileSync(csv, [header, row("360G-fb-1", "-50"), row("360G-fb-1", "1500"), row("360G-fb-1", "1600"), row("360G-fb-2", "100"), ""].join("\n"));
    const grant = (amount: number) => ({ id: "360G-fb-3", title: "T", description: "D", currency: "GBP", amountAwarded: amount, awardDate: "2024-03-17",
      recipientOrganization: [{ id: "360G-org", name: "Group" }], fundingOrganization: [{ id: "360G-testchest", name: "Test Chest" }] });
    const json = join(dir, "first-bad.json");
    writeFileSync(json, JSON.stringify({ grants: [grant(-1), grant(700)] }));
    const r = await ingest([csv, json]);
    expect((await grantsOf(r.db)).map((g) => [g.grant_id, g.amount_pence])).toEqual([
      ["360G-fb-1", 150000],
      ["360G-fb-2", 10000],
      ["360G-fb-3", 70000],
    ]);
    expect((await rejectsOf(r.db)).map((x) => [x.file, x.row, x.severity, x.reason])).toEqual([
      ["first-bad.csv", 2, "error", "Amount Awarded must not be negative"],
      ["first-bad.csv", 3, "warning", "the same Identifier as row 2 of this file, which was rejected; this copy is kept"],
      ["first-bad.csv", 4, "error", "duplicate Identifier: row 3 of this file has the same Identifier"],
      ["first-bad.json", 1, "error", "Amount Awarded must not be negative"],
      ["first-bad.json", 2, "warning", "the same Identifier as grant 1 of this file, which was rejected; this copy is kept"],
    ]);
    expect(r.files.map((f) => [f.file, f.accepted, f.rejected])).toEqual([
      ["first-bad.csv", 2, 2],
      ["first-bad.json", 1, 1],
    ]);
  });

  it("takes an Identifier in a later file as a correction (no Last Modified: the later ingest wins), naming both files", async () => {
    const r = await ingest([fixture("duplicates.csv"), fixture("duplicates-later.csv")]);
    const [set] = await rejectsOf(r.db, "file = 'duplicates.csv' AND reason LIKE 'corrected:%'");
    expect(set).toMatchObject({ row: 2, column: "Identifier", value: "360G-dup-1", grant_id: "360G-dup-1", severity: "warning" });
    expect(set.reason).toBe("corrected: a newer version of this grant is in duplicates-later.csv, row 2 (later ingest); this version is set aside");
    expect(r.files.map((f) => [f.file, f.accepted, f.rejected, f.superseded])).toEqual([
      ["duplicates.csv", 2, 2, 1],
      ["duplicates-later.csv", 2, 0, 0],
    ]);
    expect(r.result.changes.records).toBe(1);
  });
});

describe("geography codes", () => {
  it("places every kind of code, converts a 2011 LSOA, and notes codes it cannot use", async () => {
    const r = await ingest([fixture("geography.csv")]);
    const methods = Object.fromEntries((await grantsOf(r.db)).map((g) => [g.grant_id, [g.location_method, g.in_place_pence]]));
    expect(methods).toEqual({
      "360G-geo-lsoa": ["beneficiary_lsoa", 100001],
      "360G-geo-lsoa11": ["beneficiary_lsoa11", 100001],
      "360G-geo-msoa": ["beneficiary_msoa", 100001],
      "360G-geo-ward": ["beneficiary_ward", 100001],
      "360G-geo-lad": ["beneficiary_district", 100001],
      "360G-geo-icb": ["beneficiary_icb", 100001],
      "360G-geo-region": ["wide_area", 0],
      "360G-geo-scotland": ["outside_place", 0],
      "360G-geo-leeds": ["outside_place", 0],
      "360G-geo-unknown": ["not_located", 0],
      "360G-geo-junk": ["not_located", 0],
      "360G-geo-name": ["beneficiary_lsoa", 100001],
      "360G-geo-oldward": ["not_located", 0],
      "360G-geo-two": ["beneficiary_lsoa", 5001],
    });
    // The 2011 code E01001754 (Hackney 025C) is recorded with its 2021 best fit E01035642 (Hackney 025G).
    const [converted] = await r.db.all(`SELECT geo_code, code_kind, resolution, lsoa21_codes FROM grant_beneficiary_locations WHERE grant_id = '360G-geo-lsoa11'`);
    expect(converted).toEqual({ geo_code: "E01001754", code_kind: "LSOA11", resolution: "in place", lsoa21_codes: "E01035642" });
    expect(await r.db.all(`SELECT lsoa21cd, amount_pence::INTEGER AS p FROM grant_lsoa WHERE grant_id = '360G-geo-lsoa11'`)).toEqual([{ lsoa21cd: "E01035642", p: 100001 }]);
    // Two locations, one in and one outside the place: an equal share each, the odd penny to the first.
    const [two] = await r.db.all(`SELECT in_place_pence::INTEGER AS i, outside_pence::INTEGER AS o FROM grants WHERE grant_id = '360G-geo-two'`);
    expect(two).toEqual({ i: 5001, o: 5000 });
    const notes = (await rejectsOf(r.db)).map((x) => [x.grant_id, x.value, x.reason.split(":")[0]]);
    expect(notes).toEqual([
      ["360G-geo-lsoa11", "E01001754", "LSOA 2011 code"],
      ["360G-geo-unknown", "E01999999", "unknown geography code"],
      ["360G-geo-junk", "NOT-A-CODE", "not an ONS geography code (a letter and eight digits, such as E01000001); this beneficiary location is not used to place the money"],
      ["360G-geo-name", "Newham 001A", "an LSOA name was given where the code belongs; read as E01003543"],
      ["360G-geo-oldward", "E05000475", "unknown geography code"],
    ]);
    expect((await rejectsOf(r.db, "grant_id = '360G-geo-lsoa11'"))[0]).toMatchObject({
      row: 3,
      column: "Beneficiary Location:0:Geographic Code",
      reason: "LSOA 2011 code: converted to LSOA 2021 E01035642 through the ONS best-fit lookup",
    });
  });

  it("apportions an MSOA by population to the penny (largest remainder)", async () => {
    const r = await ingest([fixture("geography.csv")]);
    // Forest Gate North: 2333, 1811, 1788, 1779 residents; 100001 pence → 30255.73, 23486.17, 23188.34, 23070.76.
    const rows = await r.db.all(`SELECT lsoa21cd, amount_pence::INTEGER AS p FROM grant_lsoa WHERE grant_id = '360G-geo-msoa' ORDER BY lsoa21cd`);
    expect(rows).toEqual([
      { lsoa21cd: "E01003543", p: 30256 },
      { lsoa21cd: "E01003544", p: 23486 },
      { lsoa21cd: "E01003546", p: 23188 },
      { lsoa21cd: "E01003550", p: 23071 },
    ]);
  });

  it("without the lookups, 2011 codes and codes outside the place are only noted, and a warning says why", async () => {
    const r = await ingest([fixture("geography.csv")], { db: await miniDb({ codeLists: false }), rawDir: join(tempDir(), "no-raw") });
    expect(r.log.some((l) => l.includes("no LSOA 2011 → 2021 lookup"))).toBe(true);
    const [g] = await r.db.all(`SELECT location_method FROM grants WHERE grant_id = '360G-geo-lsoa11'`);
    expect(g).toEqual({ location_method: "not_located" });
  });
});

describe("recipients: postcode directory, district, head office, individuals", () => {
  it("places grants without beneficiary codes by the recipient's postcode, else its district, and records where recipients are based", async () => {
    const r = await ingest([fixture("recipients.csv")], { postcodes: fixture("postcodes-onspd-mini.csv") });
    const rows = await r.db.all(
      `SELECT grant_id, location_method, in_place_pence::INTEGER AS i, outside_pence::INTEGER AS o, recipient_lsoa21cd, recipient_lad_code, recipient_base_method, recipient_in_place
       FROM grants ORDER BY source_row`,
    );
    expect(rows).toEqual([
      { grant_id: "360G-rec-pc", location_method: "recipient_postcode", i: 100000, o: 0, recipient_lsoa21cd: "E01003543", recipient_lad_code: "E09000025", recipient_base_method: "postcode", recipient_in_place: true },
      { grant_id: "360G-rec-pc2", location_method: "recipient_postcode", i: 100003, o: 0, recipient_lsoa21cd: "E01035642", recipient_lad_code: "E09000012", recipient_base_method: "postcode", recipient_in_place: true },
      { grant_id: "360G-rec-out", location_method: "outside_place", i: 0, o: 50000, recipient_lsoa21cd: "E01011681", recipient_lad_code: "E08000035", recipient_base_method: "postcode", recipient_in_place: false },
      { grant_id: "360G-rec-lad", location_method: "recipient_district", i: 77777, o: 0, recipient_lsoa21cd: null, recipient_lad_code: "E09000025", recipient_base_method: "location code", recipient_in_place: true },
      { grant_id: "360G-rec-none", location_method: "not_located", i: 0, o: 0, recipient_lsoa21cd: null, recipient_lad_code: null, recipient_base_method: null, recipient_in_place: null },
      { grant_id: "360G-rec-ho", location_method: "beneficiary_lsoa", i: 200000, o: 0, recipient_lsoa21cd: "E01035642", recipient_lad_code: "E09000012", recipient_base_method: "postcode", recipient_in_place: true },
      { grant_id: "360G-rec-ind", location_method: "beneficiary_lsoa", i: 15000, o: 0, recipient_lsoa21cd: null, recipient_lad_code: null, recipient_base_method: null, recipient_in_place: null },
      { grant_id: "360G-rec-named", location_method: "beneficiary_lsoa", i: 40000, o: 0, recipient_lsoa21cd: null, recipient_lad_code: null, recipient_base_method: null, recipient_in_place: null },
    ]);
    const [missing] = await rejectsOf(r.db, "grant_id = '360G-rec-lad'");
    expect(missing).toMatchObject({ row: 5, column: "Recipient Org:Postal Code", value: "ZZ3 3ZZ", severity: "warning" });
    // Without a directory the postcode grants fall through to "not located" (they have no location code).
    const without = await ingest([fixture("recipients.csv")]);
    const m = await without.db.all(`SELECT location_method AS m FROM grants WHERE grant_id IN ('360G-rec-pc', '360G-rec-lad') ORDER BY grant_id`);
    expect(m).toEqual([{ m: "recipient_district" }, { m: "not_located" }]);
  });

  it("refuses a postcode directory without the columns it needs", async () => {
    const error = await ingest([fixture("recipients.csv")], { postcodes: fixture("bom-utf8.csv") }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/postcode directory needs a postcode column \(pcds\) and an LSOA column/);
  });
});

describe("whose money", () => {
  it("splits grants in a round pro rata to what is left of each contribution after grants that name their funder", async () => {
    const r = await ingest([fixture("recipients.csv")], { postcodes: fixture("postcodes-onspd-mini.csv") });
    const named = await r.db.all(`SELECT funder, funder_type, amount_pence::INTEGER AS p, basis FROM grant_funder_type WHERE grant_id = '360G-rec-named'`);
    expect(named).toEqual([{ funder: "Fixture Business Partner", funder_type: "business", p: 40000, basis: "named funder" }]);
    // Business put in £500.01 and £400 went to its named grant: £100.01 is left; NHS 5000, council 3000, trust 1500.
    // 100000 × (500000, 300000, 150000, 10001) / 960001 = 52083.28, 31249.97, 15624.98, 1041.77 → 52083, 31250, 15625, 1042.
    const split = await r.db.all(`SELECT funder, amount_pence::INTEGER AS p FROM grant_funder_type WHERE grant_id = '360G-rec-pc' ORDER BY p DESC`);
    expect(split).toEqual([
      { funder: "Fixture NHS", p: 52083 },
      { funder: "Fixture Council", p: 31250 },
      { funder: "Fixture Trust", p: 15625 },
      { funder: "Fixture Business Partner", p: 1042 },
    ]);
    const outside = await r.db.all(`SELECT funder, funder_type, basis FROM grant_funder_type WHERE grant_id = '360G-rec-out'`);
    expect(outside).toEqual([{ funder: "Test Chest (fixture)", funder_type: "not declared", basis: "not declared" }]);
    const bad = await r.db.all(`SELECT count(*)::INTEGER AS n FROM grants g JOIN (SELECT grant_id, sum(amount_pence) s FROM grant_funder_type GROUP BY 1) f USING (grant_id) WHERE f.s <> g.amount_pence`);
    expect(bad).toEqual([{ n: 0 }]);
  });
});

describe("columns", () => {
  it("keeps a file with an extra column, noting it and keeping its values as extra data", async () => {
    const r = await ingest([fixture("extra-column.csv")]);
    const [g] = await storedGrants(r.db);
    expect(JSON.parse(g.extra_json!)).toEqual({ "Internal notes": "keep me" });
    const [note] = await rejectsOf(r.db);
    expect(note).toMatchObject({ row: 1, column: "Internal notes", severity: "warning", reason: expect.stringContaining('not 360Giving field ("Internal notes")') });
    expect(r.log.some((l) => l.startsWith("warning: grants: extra-column.csv: 1 column is not 360Giving field"))).toBe(true);
  });

  it("refuses a file that lacks a required column, in one message, before touching the database", async () => {
    const db = await miniDb();
    const good = await ingest([fixture("bom-utf8.csv")], { db });
    const before = await dump(db, "grants");
    const error = await ingestGrants(db, [fixture("bom-utf8.csv"), fixture("missing-column.csv")], {
      place: miniPlace(),
      log: silentLogger,
      reportsDir: good.reportsDir,
      rawDir: mirrorRawDir(),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('missing-column.csv: missing required column "Amount Awarded"');
    expect(await dump(db, "grants")).toBe(before);
  });

  it.each([
    ["empty.csv", "empty.csv: the file is empty"],
    ["unterminated.csv", "unterminated.csv: not readable as CSV: a quoted field opened on line 2 is never closed"],
    ["not-a-package.json", 'not-a-package.json: not a 360Giving JSON package: expected an object with a "grants" list, {"grants": [ … ]}'],
    ["broken.json", "broken.json: not valid JSON"],
  ])("refuses %s with one clear message", async (name, message) => {
    const error = await ingest([fixture(name)]).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message.startsWith(message)).toBe(true);
  });

  it("refuses an image renamed .csv or .xlsx as not a grants file, and keeps the good rows of a CSV with a stray NUL byte", async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from("IHDR"), Buffer.alloc(64, 7)]);
    for (const name of ["ledger.csv", "ledger.xlsx"]) {
      const path = join(tempDir(), name);
      writeFileSync(path, png);
      const error = await ingest([path]).catch((e) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(new RegExp(`^${name.replace(".", "\\.")}: is not a CSV, JSON or XLSX file \\(it holds binary data`));
    }
    const lines = readFileSync(fixture("amounts-dates.csv"), "utf8").split(/\r?\n/).slice(0, 3);
    const nul = join(tempDir(), "nul.csv");
    writeFileSync(nul, [lines[0], lines[1], lines[2].replace("Grant", "Grant\u0000")].join("\r\n") + "\r\n");
    expect((await ingest([nul])).files[0]).toMatchObject({ rowsRead: 2, accepted: 2 });
  });

  it("reads a header-only file as no grants", async () => {
    const r = await ingest([fixture("header-only.csv")]);
    expect(r.grants).toBe(0);
    expect(r.files[0]).toMatchObject({ rowsRead: 0, accepted: 0, rejected: 0 });
  });
});

describe("each grant's 360Giving JSON, rebuilt from its stored file", () => {
  it("comes from the right file when two files have the same name, with the extra values as read", async () => {
    const [one, two] = [tempDir(), tempDir()].map((d) => join(d, "ledger.csv"));
    const csv = readFileSync(fixture("extra-column.csv"), "utf8");
    writeFileSync(one, csv);
    writeFileSync(two, csv.replace("keep me", "kept again").replaceAll("360G-", "360G-two-"));
    const r = await ingest([one, two]);
    const rebuilt = await storedGrants(r.db);
    expect(rebuilt.map((g) => [JSON.parse(g.grant_json).id, JSON.parse(g.extra_json!)["Internal notes"]]).sort()).toEqual(
      (await r.db.all<{ id: string }>(`SELECT grant_id AS id FROM grants ORDER BY 1`)).map(({ id }) => [id, id.startsWith("360G-two-") ? "kept again" : "keep me"]),
    );
    expect(await r.db.all(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name LIKE 'grants\\_json%' ESCAPE '\\'`)).toEqual([{ n: 0 }]);
  });

  it("says which file is gone, or changed since it was ingested, or that the database is older than the rebuild", async () => {
    const dir = tempDir();
    const [csv, json] = [join(dir, "geography.csv"), join(dir, "package.json")];
    writeFileSync(csv, readFileSync(fixture("geography.csv")));
    writeFileSync(json, readFileSync(fixture("package.json")));
    const r = await ingest([csv, json]);
    expect((await storedGrants(r.db)).length).toBe(r.grants);
    writeFileSync(json, JSON.stringify({ grants: [] }));
    await expect(storedGrants(r.db)).rejects.toMatchObject({ name: "IntegrityError", message: expect.stringMatching(/^grants: package\.json: the stored copy \(.*package\.json\) no longer holds grant /) });
    writeFileSync(json, readFileSync(fixture("package.json")));
    // Moved (a run from another folder): found under an inputs folder given, as <folder>/grants/<name>.
    const elsewhere = tempDir();
    mkdirSync(join(elsewhere, "grants"));
    renameSync(csv, join(elsewhere, "grants", "geography.csv"));
    expect((await storedGrants(r.db, "all", { inputsDirs: [tempDir(), elsewhere] })).length).toBe(r.grants);
    await expect(storedGrants(r.db)).rejects.toMatchObject({
      name: "MissingSourceError",
      message: expect.stringMatching(/^grants: geography\.csv: its stored copy is not at .*geography\.csv, .*give --inputs the folder that keeps ingested files/),
    });
    // A database built before grants named their file.
    await r.db.run(`ALTER TABLE grants DROP COLUMN source_seq`);
    await expect(storedGrants(r.db)).rejects.toMatchObject({ name: "MissingSourceError", message: expect.stringContaining("run chest build") });
  });
});

describe("JSON packages", () => {
  it("reads several locations, programmes and classifications, and rejects a grant with every reason", async () => {
    const r = await ingest([fixture("package.json")]);
    const [g] = await r.db.all(`SELECT grant_id, amount_pence::INTEGER AS p, themes, planned_start, planned_months, round_id, location_method FROM grants`);
    expect(g).toEqual({ grant_id: "360G-json-1", p: 123456, themes: "Loneliness", planned_start: "2024-02", planned_months: 12, round_id: "r1", location_method: "beneficiary_mixed" });
    const methods = await r.db.all(`SELECT method, sum(amount_pence)::INTEGER AS p FROM grant_lsoa GROUP BY 1 ORDER BY 1`);
    expect(methods).toEqual([
      { method: "beneficiary_msoa", p: 61728 },
      { method: "beneficiary_ward", p: 61728 },
    ]);
    const errors = (await rejectsOf(r.db, "severity = 'error'")).map((x) => [x.row, x.column, x.reason]);
    expect(errors).toEqual([
      [2, "amountAwarded", "is not a number (write digits only, e.g. 1200.50)"],
      [2, "recipientIndividual/id", "a grant has either a recipient organisation or a recipient individual, not both"],
      [2, "fundingOrganization/0/id", "no funding organisation: give Funding Org:Identifier and Funding Org:Name"],
    ]);
  });
});

describe("the rejects report", () => {
  it("is a CSV under the reports folder with one line per issue", async () => {
    const r = await ingest([fixture("amounts-dates.csv"), fixture("currency.csv")]);
    expect(existsSync(r.rejectsReport)).toBe(true);
    expect(r.rejectsReport).toBe(join(r.reportsDir, "grants-rejects.csv"));
    const records = parseCsv(decodeText(readFileSync(r.rejectsReport)).text).map((x) => x.fields);
    expect(records[0]).toEqual(["file", "row", "column", "value", "reason", "severity", "sheet", "grant_id"]);
    const [{ n }] = await r.db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM grants_rejects`);
    expect(records.length - 1).toBe(n);
    expect(records[1]).toEqual(["amounts-dates.csv", "2", "Amount Awarded", "£1,200.50", records[1][4], "warning", "", records[1][7]]);
  });
});

describe("same inputs, same tables", () => {
  it("gives identical tables when run twice, the second time reading the lookups instead of the code lists a build stores", async () => {
    const files = ["geography.csv", "recipients.csv", "duplicates.csv", "package.json"].map(fixture);
    const a = await ingest(files, { postcodes: fixture("postcodes-onspd-mini.csv") });
    const b = await ingest(files, { db: await miniDb({ codeLists: false }), postcodes: fixture("postcodes-onspd-mini.csv") });
    for (const t of ["grants", "grant_lsoa", "grant_beneficiary_locations", "grant_funder_type", "grant_rounds", "grants_rejects", "grant_files", "grant_funding_orgs"])
      expect(await dump(b.db, t), t).toBe(await dump(a.db, t));
    expect(readFileSync(b.rejectsReport, "utf8")).toBe(readFileSync(a.rejectsReport, "utf8").replaceAll(a.reportsDir, b.reportsDir));
    // The lists read for the run are gone after it.
    expect(await b.db.all(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'code\\_%' ESCAPE '\\'`)).toEqual([]);
  });

  it("documents every table and column it writes", async () => {
    const r = await ingest([fixture("bom-utf8.csv")]);
    const undocumented = await r.db.all(
      `SELECT table_name, column_name FROM duckdb_columns() WHERE (table_name LIKE 'grant%') AND (comment IS NULL OR comment = '')`,
    );
    expect(undocumented).toEqual([]);
    const leftovers = await r.db.all(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'grants_stg%' OR table_name LIKE 'g\\_%' ESCAPE '\\'`);
    expect(leftovers).toEqual([]);
  });
});
