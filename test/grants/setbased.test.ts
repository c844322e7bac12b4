// CSV ledgers checked set-based in DuckDB (checks.ts) give the same tables as the row-by-row path (read.ts + validate.ts): hostile files generated here, every table compared.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { readBulkCsv } from "../../pipelines/grants/bulk.ts";
import { createCheckMacros } from "../../pipelines/grants/checks.ts";
import { storedGrants } from "../../pipelines/grants/rebuild.ts";
import { dump, ingest, rejectsOf, tempDir } from "./helpers.ts";

const header = [
  "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Amount Applied For", "Award Date", "Planned Dates:Start Date", "Planned Dates:End Date",
  "Planned Dates:Duration (months)", "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Postal Code", "Recipient Org:Charity Number",
  "Recipient Org:Location:0:Geographic Code", "Recipient Org:Location:1:Geographic Code", "Recipient Ind:Identifier", "Recipient Ind:Name",
  "Beneficiary Location:0:Name", "Beneficiary Location:0:Geographic Code", "Beneficiary Location:0:Geographic Code Type", "Beneficiary Location:0:Country Code",
  "Beneficiary Location:0:Latitude", "Beneficiary Location:1:Geographic Code", "Beneficiary Location:2:Geographic Code", "Funding Org:0:Identifier", "Funding Org:0:Name",
  "Funding Org:1:Identifier", "Funding Org:1:Name", "Grant Programme:0:Code", "Grant Programme:0:Title", "Grant Programme:0:URL", "Grant Programme:1:Code",
  "Grant Programme:1:URL", "From An Open Call?", "Classifications:0:Code", "Classifications:0:Title", "Classifications:1:Title", "Related Activity", "To Individuals Details:Grant Purpose",
  "To Individuals Details:Primary Grant Reason", "Last Modified", "Data Source", "For Regrant Type", "Location Scope", "Notes", "Funding Org:0:Identifier", "",
];

type Row = Record<string, string>;
const base = (id: string): Row => ({
  Identifier: id, Title: `T ${id}`, Description: "d", Currency: "GBP", "Amount Awarded": "1000", "Award Date": "2024-03-17", "Recipient Org:Identifier": `org-${id}`,
  "Recipient Org:Name": `Org ${id}`, "Beneficiary Location:0:Geographic Code": "E01003543", "Funding Org:0:Identifier": "360G-f", "Funding Org:0:Name": "Funder", "Grant Programme:0:Code": "TEST-R1",
});

/** A row for every rule: amounts, dates, currencies, parties, lists with holes, code lists, repeats, a blank row, a long value. */
function hostileRows(): Row[] {
  const rows: Row[] = [
    { ...base("360G-h-1"), "Amount Awarded": "£1,234.56", "Award Date": "17/03/2024", "Planned Dates:Start Date": "2024-04", "Planned Dates:End Date": "2024-13-01", "Planned Dates:Duration (months)": "12" },
    { ...base("360G-h-2"), "Amount Awarded": "GBP 1.005", "Amount Applied For": "-5", "Planned Dates:Start Date": "2024-04-01T10:00", "Planned Dates:Duration (months)": "-3", "Last Modified": "2024-01-01T00:00:00Z" },
    { ...base("360G-h-3"), "Amount Awarded": "-50" },
    { ...base("360G-h-4"), "Amount Awarded": "12000000000" },
    { ...base("360G-h-5"), "Amount Awarded": "99999999999999999" },
    {},
    { ...base("360G-h-6"), "Amount Awarded": "18k", Currency: "gbp" },
    { ...base("360G-h-7"), Currency: "USD" },
    { ...base("360G-h-8"), Currency: "GPB" },
    { ...base("360G-h-9"), Currency: "" },
    { ...base("h-10"), "Award Date": "1985-01-01" },
    { ...base("360G-h-11"), "Award Date": "2099-02-30" },
    { ...base("360G-h-12"), "Award Date": "2026-06-01" },
    { ...base("360G-h-13"), "Award Date": "31/02/2024" },
    { ...base("360G-h-14"), "Award Date": "2024-03-17T12:00:00+01:00", "Beneficiary Location:0:Geographic Code": "E01001754" },
    { ...base("360G-h-15"), "Award Date": "March 2024" },
    { ...base("360G-h-16"), "Award Date": "" },
    { ...base("360G-h-17"), Title: "", Description: "  " },
    { ...base("360G-h-18"), "Recipient Org:Identifier": "", "Recipient Org:Postal Code": "E1 1AA" },
    { ...base("360G-h-19"), "Recipient Org:Name": "", "Recipient Org:Location:1:Geographic Code": "E09000025" },
    { ...base("360G-h-20"), "Recipient Org:Identifier": "", "Recipient Org:Name": "", "Recipient Ind:Identifier": "ind-1" },
    { ...base("360G-h-21"), "Recipient Ind:Identifier": "ind-2", "Recipient Ind:Name": "Someone" },
    { ...base("360G-h-22"), "Recipient Org:Identifier": "", "Recipient Org:Name": "", "Recipient Org:Charity Number": "123" },
    { ...base("360G-h-23"), "Funding Org:0:Identifier": "", "Funding Org:0:Name": "" },
    { ...base("360G-h-24"), "Funding Org:0:Identifier": "", "Funding Org:1:Identifier": "f2", "Funding Org:1:Name": "F2" },
    { ...base("360G-h-25"), "Beneficiary Location:0:Geographic Code": "", "Beneficiary Location:2:Geographic Code": "E02000714", "Beneficiary Location:0:Country Code": "UK", "Beneficiary Location:0:Latitude": "95" },
    { ...base("360G-h-26"), "Beneficiary Location:0:Country Code": "gb", "Beneficiary Location:0:Name": "Here", "Beneficiary Location:1:Geographic Code": "E05009377", "Beneficiary Location:0:Latitude": "51.50" },
    { ...base("360G-h-27"), "Beneficiary Location:0:Country Code": "ZZ", "Beneficiary Location:0:Geographic Code": "", "Beneficiary Location:0:Latitude": "x" },
    { ...base("360G-h-28"), "Grant Programme:0:URL": "not a url", "Grant Programme:1:Code": "P2", "From An Open Call?": "y", "Classifications:0:Code": "C1", "Classifications:1:Title": "Loneliness" },
    { ...base("360G-h-29"), "From An Open Call?": "maybe", "Related Activity": "a; ;b", "To Individuals Details:Grant Purpose": "GTIP010;GTIP999", "To Individuals Details:Primary Grant Reason": "GTIR010" },
    { ...base("360G-h-30"), "Last Modified": "2024-01-01", "Data Source": "https://example.org/x", "For Regrant Type": "FRG999", "Location Scope": "GLS010", Notes: "a note" },
    { ...base("360G-h-31"), Notes: "x".repeat(250), Description: "y".repeat(300) },
    { ...base(" 360G-h-32 "), "Amount Awarded": " 2,000 " },
    { ...base("360G-h-33"), "Amount Awarded": "" },
    { ...base(""), Title: "no id" },
    { ...base("360G-h-34"), "Planned Dates:Start Date": "12/13/2024", "Planned Dates:End Date": "2024-02-30" },
    { ...base("360G-h-35"), "Last Modified": "2024-06-01T00:00:00Z", "Funding Org:0:Identifier": "", "Funding Org:0:Name": "Only name" },
    { ...base("360G-h-36"), "Amount Awarded": "0.1", "Beneficiary Location:0:Latitude": "-0", Title: 'Quote " and, comma\nand a line break' },
    // A column checked once per distinct text (a URL) whose label moves with the items before it: the same bad URL after a hole and not.
    { ...base("360G-h-37"), "Grant Programme:0:Code": "", "Grant Programme:1:Code": "P2", "Grant Programme:1:URL": "still not a url" },
    { ...base("360G-h-38"), "Grant Programme:1:Code": "P2", "Grant Programme:1:URL": "still not a url" },
    // UK dates with the month by name or other separators; a word that is no month; a day that does not exist.
    { ...base("360G-h-39"), "Award Date": "12 Mar 2024", "Planned Dates:Start Date": "1 april 2024", "Planned Dates:End Date": "31-Sept-2024" },
    { ...base("360G-h-40"), "Award Date": "12-MARCH-2024", "Planned Dates:End Date": "12 Foo 2024" },
    { ...base("360G-h-41"), "Award Date": "30 Feb 2024" },
    { ...base("360G-h-42"), "Award Date": "12.03.2024 10:30" },
    { ...base("360G-h-43"), "Award Date": "12 Mar 24" },
    { Identifier: "360G-h-1", "Beneficiary Location:1:Geographic Code": "E01001753" },
    { ...base("360G-h-2"), "Amount Awarded": "7" },
    { ...base("360G-h-26") },
    { ...base("360G-h-3"), "Amount Awarded": "50" },
    { ...base("360G-h-3"), "Amount Awarded": "60" },
    { Identifier: "360G-h-7", Title: "merge into rejected" },
  ];
  return rows;
}

const cell = (v: string, d: string) => (/[",\n\r]/.test(v) || v.includes(d) ? `"${v.replaceAll('"', '""')}"` : v);
function ledger(rows: Row[], d = ",", stray = -1): string {
  const lines = [header, ...rows.map((r, i) => header.map((h, j) => (j === header.length - 1 ? (i === stray ? "stray" : "") : j === header.length - 2 ? "" : (r[h] ?? ""))))];
  return `${lines.map((l) => l.map((c) => cell(c, d)).join(d)).join("\r\n")}\r\n`;
}

const tables = ["grants", "grants_rejects", "grant_files", "grant_funding_orgs", "grant_beneficiary_locations", "grant_lsoa", "grant_funder_type", "input_issues", "input_changes"];
const today = "2026-12-01";

/** Whether the file takes the set-based path (else the comparison would prove nothing). */
async function setBased(file: string): Promise<boolean> {
  const db = await openDb();
  await createCheckMacros(db);
  const read = await readBulkCsv(db, file, file);
  db.close();
  return read !== null;
}

async function both(files: string[]) {
  for (const f of files) if (f.endsWith(".csv")) expect(await setBased(f), f).toBe(true);
  const a = await ingest(files, { intake: { today, setBased: true } });
  const b = await ingest(files, { intake: { today, setBased: false } });
  for (const t of tables) expect(await dump(a.db, t), t).toBe(await dump(b.db, t));
  // Each grant's JSON and extra values, rebuilt from the file set-based and row by row.
  expect(await storedGrants(a.db, "all", { setBased: true })).toEqual(await storedGrants(b.db, "all", { setBased: false }));
  // Row order of the grants table too.
  const order = `SELECT grant_id FROM grants`;
  expect(await a.db.all(order)).toEqual(await b.db.all(order));
  return a;
}

describe("CSV ledgers checked set-based", () => {
  it("give the same tables as row by row on a hostile ledger (every rule, repeats, a blank row, a value in an untitled column)", async () => {
    const dir = tempDir();
    const file = join(dir, "hostile.csv");
    writeFileSync(file, ledger(hostileRows(), ",", 3));
    const r = await both([file]);
    const rejects = await rejectsOf(r.db);
    const at = (row: number) => rejects.filter((x) => x.row === row).map((x) => `${x.severity}: ${x.column}: ${x.reason}`);
    expect(at(2)).toEqual([
      "warning: Amount Awarded: converted: currency sign removed; thousands separators removed",
      "warning: Award Date: converted: written day/month/year; read as 2024-03-17",
      "warning: Planned Dates:End Date: must be YYYY-MM-DD, YYYY-MM, YYYY or a date-time; value ignored",
    ]);
    expect(at(4)).toEqual(["error: Amount Awarded: Amount Awarded must not be negative"]);
    expect(rejects.some((x) => x.reason.startsWith("duplicate Identifier: row 3 of this file has the same Identifier with different"))).toBe(true);
    expect(rejects.some((x) => x.reason === "LSOA 2011 code: converted to LSOA 2021 E01035642 through the ONS best-fit lookup")).toBe(true);
  });

  it("give the same tables for semicolons, tabs, UTF-16, Windows-1252 and a byte-order mark", async () => {
    const dir = tempDir();
    const rows = hostileRows().slice(0, 12);
    const semicolon = join(dir, "semicolon.csv");
    writeFileSync(semicolon, ledger(rows, ";"));
    const tabs = join(dir, "tabs.csv");
    writeFileSync(tabs, ledger(rows, "\t"));
    const utf16 = join(dir, "utf16.csv");
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ledger(rows), "utf16le")]));
    const cp1252 = join(dir, "cp1252.csv");
    writeFileSync(cp1252, Buffer.from(ledger([{ ...base("360G-cp-1"), Title: "Café £", "Amount Awarded": "£1,000" }]), "latin1"));
    const bom = join(dir, "bom.csv");
    writeFileSync(bom, `\ufeff${ledger(rows.slice(0, 3))}`);
    for (const f of [semicolon, tabs, utf16, cp1252, bom]) await both([f]);
    const r = await both([cp1252]);
    expect((await r.db.all<{ title: string }>(`SELECT title FROM grants`))[0].title).toBe("Café £");
  });

  it("give the same corrections across files (Last Modified, later ingest; CSV and JSON)", async () => {
    const dir = tempDir();
    const first = join(dir, "first.csv");
    writeFileSync(first, ledger(hostileRows()));
    const later = join(dir, "later.csv");
    writeFileSync(later, ledger([
      { ...base("360G-h-2"), "Amount Awarded": "2000", "Last Modified": "2024-02-01T00:00:00Z" },
      { ...base("360G-h-35"), "Amount Awarded": "5", "Last Modified": "2024-01-01T00:00:00Z" },
      { ...base("360G-h-26"), "Amount Awarded": "3000" },
      { ...base("360G-h-12") },
    ]));
    const json = join(dir, "later.json");
    const grant = (id: string, amount: number, extra: Record<string, unknown> = {}) => ({
      id, title: `T ${id}`, description: "d", currency: "GBP", amountAwarded: amount, awardDate: "2024-03-17",
      recipientOrganization: [{ id: `org-${id}`, name: `Org ${id}` }], fundingOrganization: [{ id: "360G-f", name: "Funder" }], ...extra,
    });
    writeFileSync(json, JSON.stringify({ grants: [grant("360G-h-2", 2500, { dateModified: "2024-03-01T00:00:00Z" }), grant("360G-h-30", 1000)] }));
    const r = await both([first, later, json]);
    expect(await r.db.all(`SELECT count(*)::INTEGER AS n FROM input_changes`)).not.toEqual([{ n: 0 }]);
    await both([json, later, first]);
  });
});
