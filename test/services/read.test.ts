// Reading service directories in every shape they are published in (API JSON, older ORUK feeds, data packages as folder, beside-CSV, zip or inline), and refusing whole files that cannot be read with one clear message.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../pipelines/errors.ts";
import { parseCsv as parseRecords, parseTable as parseCsv } from "../../pipelines/kit/delimited.ts";
const parseCsvRecords = (text: string) => parseRecords(text.replace(/^\uFEFF/, "")).map((r) => r.fields);
import { removePrepared } from "../../pipelines/kit/prepared.ts";
import { isMultiFilePackage, prepareServicesInput } from "../../pipelines/services/prepare.ts";
import { readDirectoryFile, recordKind } from "../../pipelines/services/read.ts";
import type { ReadDirectory } from "../../pipelines/services/model.ts";
import { tempDir } from "../support/pipeline.ts";
import { hsdsExamples, orukExamples, packageFolder, standards, writeZip } from "./helpers.ts";

const sizes = (r: ReadDirectory) => Object.fromEntries(Object.entries(r.tables).filter(([, rows]) => rows.length).map(([k, rows]) => [k, rows.length]));
const write = (name: string, content: string) => {
  const path = join(tempDir("chest-read-"), name);
  writeFileSync(path, content);
  return path;
};

/** One example service, in full: organisation, one location, one schedule, one area, one funding, one term. */
const fullRecord = { organization: 1, organization_identifier: 1, service: 1, location: 1, service_at_location: 1, address: 1, taxonomy_term: 1, attribute: 1, funding: 1, schedule: 1, service_area: 1 };

describe("Open Referral UK example JSON", () => {
  it.each([
    ["service_full.json", "single record", fullRecord],
    ["service_list.json", "paged API response", { organization: 1, service: 1 }],
    ["organization_full.json", "single record", fullRecord],
    ["organization_list.json", "paged API response", { organization: 1 }],
    ["service_at_location_full.json", "single record", fullRecord],
    ["service_at_location_list.json", "paged API response", { organization: 1, service: 1, location: 1, service_at_location: 1 }],
    ["taxonomy_term_list.json", "paged API response", { taxonomy_term: 1 }],
    ["taxonomy_term.json", "single record", { taxonomy_term: 1 }],
    ["taxonomy.json", "single record", {}],
  ])("%s reads as %s", (file, format, expected) => {
    const read = readDirectoryFile(join(orukExamples, file));
    expect(read.format).toBe(format);
    expect(sizes(read)).toEqual(expected);
  });

  it("warns that a paged response holds only one page", () => {
    const read = readDirectoryFile(join(orukExamples, "service_list.json"));
    expect(read.issues).toHaveLength(1);
    expect(read.issues[0]).toMatchObject({ severity: "warning", entity: "file", reason: expect.stringMatching(/page 1 of 10 .* holds 1 of 10 records/) });
  });

  it("records where each row came from and nests children under their service", () => {
    const read = readDirectoryFile(join(orukExamples, "organization_full.json"));
    expect(read.tables.service[0].at).toBe("$.services[0]");
    expect(read.tables.location[0].at).toBe("$.services[0].service_at_locations[0].location");
    expect(read.tables.schedule[0].parent).toEqual({ service_id: "ac148810-d857-441c-9679-408f346de14b" });
    expect(read.tables.service[0].parent).toEqual({ organization_id: "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610" });
  });
});

describe("HSDS 3 examples", () => {
  it("reads tabular.json (one array per CSV table)", () => {
    const read = readDirectoryFile(join(hsdsExamples, "tabular.json"));
    expect(read.format).toBe("tabular JSON (one array per CSV table)");
    expect(sizes(read)).toEqual(fullRecord);
    expect(read.tables.service[0].at).toBe("services.csv row 1");
  });

  it("reads a location record as a location, not a service", () => {
    expect(sizes(readDirectoryFile(join(hsdsExamples, "location.json")))).toEqual({ location: 1, address: 1 });
  });
});

describe("tabular data packages", () => {
  it.each(["openreferral-uk", "hsds3"] as const)("%s: folder, datapackage.json beside its CSVs, and zip read the same tables", (standard) => {
    const folder = packageFolder(standard);
    const zip = writeZip(join(tempDir(), `${standard}.zip`), Object.fromEntries(readdirSync(folder).map((n) => [`pkg/${n}`, readFileSync(join(folder, n))])));
    const reads = [readDirectoryFile(folder), readDirectoryFile(join(folder, "datapackage.json")), readDirectoryFile(zip)];
    expect(reads.map((r) => r.format)).toEqual(["tabular data package (folder)", "tabular data package", "tabular data package (zip)"]);
    for (const r of reads) expect(sizes(r)).toEqual(fullRecord);
    expect(reads[0].tables.attribute[0].data).toMatchObject({ link_id: "f28dd44b-0c4d-479f-8e90-4c52219a8b3c" });
  });

  it("uses the package's own table files (ORUK: address.csv and schedule.csv, not addresses.csv or schedules.csv)", () => {
    const read = readDirectoryFile(packageFolder("openreferral-uk"));
    expect(read.tables.schedule[0].at).toBe("schedule.csv row 2");
    expect(read.tables.address[0].at).toBe("address.csv row 2");
  });

  it("packs a folder into one self-contained datapackage.json for the registry, which reads the same", () => {
    const folder = packageFolder("openreferral-uk");
    expect(isMultiFilePackage(folder)).toBe(true);
    expect(isMultiFilePackage(join(folder, "datapackage.json"))).toBe(true);
    expect(isMultiFilePackage(join(orukExamples, "service_full.json"))).toBe(false);
    const packed = prepareServicesInput(folder);
    expect(basename(packed)).toBe("human_services_data.datapackage.json");
    expect(isMultiFilePackage(packed)).toBe(false);
    const read = readDirectoryFile(packed);
    expect(read.format).toBe("tabular data package (inline data)");
    expect(sizes(read)).toEqual(fullRecord);
    expect(prepareServicesInput(join(orukExamples, "service_full.json"))).toBe(join(orukExamples, "service_full.json"));
  });

  it("numbers CSV rows as a spreadsheet does (the column titles are row 1), in the folder and in the packed copy that is stored", () => {
    const folder = packageFolder("openreferral-uk");
    const locations = join(folder, "locations.csv");
    const [header, first] = readFileSync(locations, "utf8").split(/\r?\n/);
    writeFileSync(locations, [header, first, first.replace(/^[^,]+/, "loc-second"), ""].join("\r\n"));
    for (const read of [readDirectoryFile(folder), readDirectoryFile(prepareServicesInput(folder))]) {
      expect(read.tables.location.map((l) => [l.data.id, l.at])).toEqual([
        ["3a19ff88-4620-4d17-9830-ac1d859eb5d5", "locations.csv row 2"],
        ["loc-second", "locations.csv row 3"],
      ]);
    }
  });

  it("packs into a temporary folder of its own, which the ingest removes once the file is stored (and nothing else)", () => {
    const packed = prepareServicesInput(packageFolder("openreferral-uk"));
    expect(existsSync(packed)).toBe(true);
    removePrepared(packed);
    expect(existsSync(dirname(packed))).toBe(false);
    const given = join(orukExamples, "service_full.json");
    removePrepared(given);
    expect(existsSync(given)).toBe(true);
  });

  it("refuses a datapackage.json without its CSVs, saying how to give them", () => {
    const lone = write("datapackage.json", readFileSync(join(standards, "openreferral-uk", "datapackage.json"), "utf8"));
    expect(() => readDirectoryFile(lone)).toThrow(/datapackage\.json without its CSV tables .*give the folder/);
  });

  it("refuses resource paths that leave the package or are web addresses", () => {
    const escape = write("datapackage.json", JSON.stringify({ resources: [{ name: "service", path: "../../etc/services.csv" }] }));
    expect(() => readDirectoryFile(escape)).toThrow(/points outside the data package/);
    const remote = write("datapackage.json", JSON.stringify({ resources: [{ name: "service", path: "https://example.org/services.csv" }] }));
    expect(() => readDirectoryFile(remote)).toThrow(/web address/);
  });
});

describe("older Open Referral UK feeds", () => {
  it("reads service_taxonomys, regular_schedules, fundings and physical_addresses", () => {
    const path = write(
      "legacy.json",
      JSON.stringify([
        {
          id: "s1",
          name: "Lunch club",
          status: "active",
          service_taxonomys: [{ id: "st1", taxonomy: { id: "tx1", name: "Lunch club", vocabulary: "esdServiceTypes" } }],
          regular_schedules: [{ id: "rs1", weekday: "Tuesday" }],
          fundings: [{ id: "f1", source: "Council" }],
          service_at_locations: [{ id: "sal1", location: { id: "l1", latitude: 51.5, longitude: 0.1, physical_addresses: [{ id: "a1", postal_code: "E1 1AA" }] } }],
        },
      ]),
    );
    const read = readDirectoryFile(path);
    expect(read.format).toBe("JSON array of records");
    expect(sizes(read)).toEqual({ service: 1, taxonomy_term: 1, attribute: 1, schedule: 1, funding: 1, location: 1, service_at_location: 1, address: 1 });
    expect(read.tables.taxonomy_term[0].data).toMatchObject({ taxonomy: "esdServiceTypes" });
    expect(read.tables.attribute[0].data).toMatchObject({ taxonomy_term_id: "tx1" });
  });

  it("tells records apart by their fields", () => {
    expect(recordKind({ id: "x", name: "n", status: "active" })).toBe("service");
    expect(recordKind({ id: "x", name: "n" })).toBe("service");
    expect(recordKind({ id: "x", name: "n", website: "http://x" })).toBe("organization");
    expect(recordKind({ id: "x", service: { id: "s" }, location: { id: "l" } })).toBe("service_at_location");
    expect(recordKind({ id: "x", name: "n", latitude: 51, longitude: 0 })).toBe("location");
    expect(recordKind({ id: "x", name: "n", taxonomy: "t", term_uri: "u" })).toBe("taxonomy_term");
  });
});

describe("text encodings", () => {
  const directory = JSON.stringify({ contents: [{ id: "svc-1", name: "Café £ club", status: "active" }] });
  it.each([
    ["UTF-16 LE with a byte-order mark", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(directory, "utf16le")]), false],
    ["UTF-16 LE without one", Buffer.from(directory, "utf16le"), false],
    ["Windows-1252 (é and £ single bytes)", Buffer.from(directory, "latin1"), true],
    ["UTF-8 with a byte-order mark", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(directory, "utf8")]), false],
  ])("reads a JSON directory in %s, names and all", (_, bytes, windows1252) => {
    const path = join(tempDir("chest-read-"), "directory.json");
    writeFileSync(path, bytes);
    const read = readDirectoryFile(path);
    expect(read.tables.service.map((s) => s.data.name)).toEqual(["Café £ club"]);
    // Only the fallback to Windows-1252 is worth a word: the user should check the £ signs.
    expect(read.issues.filter((i) => i.at === "(file)").map((i) => [i.severity, i.reason])).toEqual(
      windows1252 ? [["warning", "the file is not valid UTF-8; it was read as Windows-1252 (the encoding Excel uses for CSV on Windows)"]] : [],
    );
  });

  it("reads a data package's CSV tables saved as Windows-1252, in the folder and in the packed copy that is stored", () => {
    const folder = packageFolder("openreferral-uk");
    const services = join(folder, "services.csv");
    writeFileSync(services, Buffer.from(readFileSync(services, "utf8").replace("Community Counselling", "Café £ counselling"), "latin1"));
    for (const read of [readDirectoryFile(folder), readDirectoryFile(prepareServicesInput(folder))]) expect(read.tables.service.map((s) => s.data.name)).toEqual(["Café £ counselling"]);
  });
});

describe("whole files that cannot be read", () => {
  it.each([
    ["empty.json", "", /the file is empty/],
    ["broken.json", '{"id": ', /is not valid JSON/],
    ["scalar.json", "42", /neither a JSON object nor an array/],
    ["services.csv", "id,name\ns1,Lunch club\n", /single CSV, which is not an Open Referral directory/],
    ["image.json", "\x89PNG\r\n\x1a\n\u0000\u0000\u0000\rIHDR", /^image\.json: is not a JSON or CSV text file \(it holds binary data: an image, a workbook or another format\?\)$/],
  ])("%s fails with one message naming the file", (name, content, reason) => {
    const error = (() => {
      try {
        readDirectoryFile(write(name, content));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`^${name.replace(".", "\\.")}: `));
    expect((error as Error).message).toMatch(reason);
  });

  it("refuses a folder with no tables, and a missing file", () => {
    expect(() => readDirectoryFile(tempDir())).toThrow(/no datapackage\.json and no Open Referral CSV tables/);
    expect(() => readDirectoryFile(join(tempDir(), "nope.json"))).toThrow(/file not found/);
    expect(() => prepareServicesInput(join(tempDir(), "nope.json"))).toThrow(InputError);
  });
});

describe("crosswalk files", () => {
  it("reads a JSON crosswalk and a need,taxonomy,term CSV", () => {
    const json = readDirectoryFile(write("crosswalk.json", JSON.stringify({ crosswalk: [{ need: "food", taxonomy: "esdServiceTypes", terms: ["Food bank", "Pantry"] }] })));
    expect(json.crosswalk).toEqual([{ need: "food", taxonomy: "esdServiceTypes", terms: ["Food bank", "Pantry"] }]);
    const csv = readDirectoryFile(write("crosswalk.csv", "need,taxonomy,term\nloneliness,,Bingo\nfood,local,Soup run\n"));
    expect(csv.crosswalk).toEqual([
      { need: "loneliness", taxonomy: undefined, terms: ["Bingo"] },
      { need: "food", taxonomy: "local", terms: ["Soup run"] },
    ]);
  });

  it("refuses a rule without terms", () => {
    expect(() => readDirectoryFile(write("crosswalk.json", JSON.stringify({ crosswalk: [{ need: "food", terms: [] }] })))).toThrow(/lists no terms/);
  });
});

describe("CSV parsing", () => {
  it("handles quotes, doubled quotes, commas and line breaks inside quotes, CRLF and a BOM", () => {
    const text = '\uFEFFid,name,note\r\n1,"Smith, ""Jo""","two\nlines"\r\n2,plain,\r\n';
    expect(parseCsvRecords(text)).toEqual([["id", "name", "note"], ["1", 'Smith, "Jo"', "two\nlines"], ["2", "plain", ""]]);
    expect(parseCsv(text).rows).toEqual([{ id: "1", name: 'Smith, "Jo"', note: "two\nlines" }, { id: "2", name: "plain" }]);
  });

  it("reports an unterminated quote and a repeated column", () => {
    expect(() => parseCsvRecords('a,b\n1,"oops\n')).toThrow(/opened on line 2 is never closed/);
    expect(() => parseCsv("a,a\n1,2\n")).toThrow(/column "a" appears twice/);
  });

  it("reads the ORUK phones.csv tripled quotes as the standard writes them", () => {
    const rows = parseCsv(readFileSync(join(orukExamples, "csv", "phones.csv"), "utf8")).rows;
    expect(rows[0].number).toBe('"+44 1234 234567"');
  });
});
