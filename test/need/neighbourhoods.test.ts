// Custom neighbourhoods from a CSV or GeoJSON polygons: LSOAs assigned, unknown codes rejected by row, LSOAs claimed twice or left out reported.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { buildNeighbourhoods } from "../../pipelines/neighbourhoods/stage.ts";

let db: Db;
const dir = mkdtempSync(join(tmpdir(), "chest-neighbourhoods-"));
const ctx = { place: {} as never, reportsDir: dir, log: silentLogger };
const write = (name: string, text: string) => {
  const path = join(dir, `0123456789ab--${name}`);
  writeFileSync(path, text);
  return path;
};
// Four LSOAs on a line at longitude 0.1, 0.2, 0.3, 0.4 (latitude 51.5).
beforeEach(async () => {
  db = await openDb();
  await db.run(`CREATE TABLE lsoa AS SELECT * FROM (VALUES ('E01000001', 1000, 0.1, 51.5), ('E01000002', 1500, 0.2, 51.5), ('E01000003', 2000, 0.3, 51.5), ('E01000004', 500, 0.4, 51.5)) t(lsoa21cd, population, centroid_lon, centroid_lat)`);
});
afterEach(() => db.close());

const all = <T>(sql: string) => db.all<T>(sql);

describe("chest ingest neighbourhoods", () => {
  it("reads an LSOA → neighbourhood CSV and reports bad rows, double claims and LSOAs left out", async () => {
    const csv = write("ints.csv", "lsoa21cd,neighbourhood,neighbourhood_name\nE01000001,INT1,North\nE01000002,INT1,North\nE01000002,INT2,South\nE01999999,INT2,South\nnot-a-code,INT2,South\n");
    await buildNeighbourhoods(db, [csv], ctx);
    expect(await all(`SELECT code, name, lsoas, population FROM neighbourhood ORDER BY code`)).toEqual([{ code: "INT1", name: "North", lsoas: 2, population: 2500 }]);
    expect(await all(`SELECT kind, lsoa21cd, "row", problem FROM neighbourhood_report ORDER BY kind, lsoa21cd`)).toEqual([
      { kind: "claimed twice", lsoa21cd: "E01000002", row: 3, problem: "claimed by 2 neighbourhoods; kept in INT1" },
      { kind: "left out", lsoa21cd: "E01000003", row: null, problem: "no neighbourhood claims this LSOA" },
      { kind: "left out", lsoa21cd: "E01000004", row: null, problem: "no neighbourhood claims this LSOA" },
      { kind: "rejected", lsoa21cd: "E01999999", row: 5, problem: "not one of the place's LSOAs" },
      { kind: "rejected", lsoa21cd: "NOT-A-CODE", row: 6, problem: "not an LSOA 2021 code" },
    ]);
  });

  it("places LSOAs by their population-weighted centroid in GeoJSON polygons; overlaps are claimed twice", async () => {
    const box = (code: string, name: string, west: number, east: number) => ({
      type: "Feature",
      properties: { code, name },
      geometry: { type: "Polygon", coordinates: [[[west, 51.4], [west, 51.6], [east, 51.6], [east, 51.4], [west, 51.4]]] },
    });
    const geo = write("pcn-footprints.geojson", JSON.stringify({ type: "FeatureCollection", features: [box("A", "West PCN", 0.05, 0.25), box("B", "East PCN", 0.15, 0.35)] }));
    await buildNeighbourhoods(db, [geo], ctx);
    expect(await all(`SELECT lsoa21cd, neighbourhood_code FROM neighbourhood_lsoa ORDER BY lsoa21cd`)).toEqual([
      { lsoa21cd: "E01000001", neighbourhood_code: "A" },
      { lsoa21cd: "E01000002", neighbourhood_code: "A" },
      { lsoa21cd: "E01000003", neighbourhood_code: "B" },
    ]);
    expect(await all(`SELECT kind, lsoa21cd FROM neighbourhood_report ORDER BY kind, lsoa21cd`)).toEqual([
      { kind: "claimed twice", lsoa21cd: "E01000002" },
      { kind: "left out", lsoa21cd: "E01000004" },
    ]);
  });

  it("reads semicolon-delimited, UTF-16 and Windows-1252 CSVs alike, reporting through the kit (input_issues, neighbourhoods-rejects.csv)", async () => {
    const text = "LSOA 2021 code;Neighbourhood;Neighbourhood name\r\nE01000001;INT1;Bromley-by-Bow & Café Quarter\r\nE01000002;INT2;South\r\nnot-a-code;INT2;South\r\nE01000003;;South\r\n";
    const variants: Record<string, Buffer> = {
      "semicolons.csv": Buffer.from(text, "utf8"),
      "utf16.csv": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
      "utf16-tabs.csv": Buffer.from(text.replaceAll(";", "\t"), "utf16le"),
      "windows-1252.csv": Buffer.from(text, "latin1"),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      const path = join(dir, `0123456789ab--${name}`);
      writeFileSync(path, bytes);
      const result = await buildNeighbourhoods(db, [path], ctx);
      expect(await all(`SELECT code, name, lsoas FROM neighbourhood ORDER BY code`), name).toEqual([
        { code: "INT1", name: "Bromley-by-Bow & Café Quarter", lsoas: 1 },
        { code: "INT2", name: "South", lsoas: 1 },
      ]);
      expect(await all(`SELECT file, "row", "column", value, reason, severity FROM input_issues WHERE kind = 'neighbourhoods' ORDER BY n`), name).toEqual([
        { file: name, row: "4", column: "LSOA 2021 code", value: "NOT-A-CODE", reason: "not an LSOA 2021 code", severity: "error" },
        { file: name, row: "5", column: "Neighbourhood", value: "E01000003", reason: "no neighbourhood given", severity: "error" },
        { file: null, row: null, column: null, value: "E01000003", reason: "no neighbourhood claims this LSOA", severity: "warning" },
        { file: null, row: null, column: null, value: "E01000004", reason: "no neighbourhood claims this LSOA", severity: "warning" },
      ]);
      expect(result).toMatchObject({ kind: "neighbourhoods", rowsRead: 4, accepted: 2, rejected: 2, files: [{ file: name, rowsRead: 4, accepted: 2, rejected: 2 }] });
      expect(result.notices).toEqual([expect.objectContaining({ key: "left-out", count: 2, message: "2 of 4 LSOAs of the place (2,500 residents) are in no neighbourhood" })]);
      const report = readFileSync(join(dir, "neighbourhoods-rejects.csv"), "utf8").split("\r\n");
      expect(report[0]).toBe("\ufefffile,row,column,value,reason,severity,neighbourhood_code");
      expect(report[1]).toBe(`${name},4,LSOA 2021 code,NOT-A-CODE,not an LSOA 2021 code,error,INT2`);
    }
  });

  it("rejects a row with more or fewer fields than the header, with that reason, instead of reading its cells out of place", async () => {
    // Row 3 has an unquoted comma in the name (one field too many), row 4 lost its neighbourhood (one short).
    const csv = write("ragged.csv", "lsoa21cd,neighbourhood,neighbourhood_name\nE01000001,INT1,North\nE01000002,INT2,South, East\nE01000003\nE01000004,INT1,North\n");
    await buildNeighbourhoods(db, [csv], ctx);
    expect(await all(`SELECT lsoa21cd, neighbourhood_code FROM neighbourhood_lsoa ORDER BY lsoa21cd`)).toEqual([
      { lsoa21cd: "E01000001", neighbourhood_code: "INT1" },
      { lsoa21cd: "E01000004", neighbourhood_code: "INT1" },
    ]);
    const rejected = await all<{ row: number; problem: string }>(`SELECT "row", problem FROM neighbourhood_report WHERE kind = 'rejected' ORDER BY "row"`);
    expect(rejected.map((r) => r.row)).toEqual([3, 4]);
    expect(rejected[0].problem).toMatch(/^has 4 fields where the header has 3/);
    expect(rejected[1].problem).toMatch(/^has 1 fields where the header has 3/);
    // A stray quote that takes the next lines into its row: the reason says so, naming the line to check.
    const quote = write("quote.csv", 'lsoa21cd,neighbourhood,neighbourhood_name\nE01000001,INT1,"North\nE01000002,INT1,North\nE01000003,INT2,"South",x\nE01000004,INT1,East\n');
    await buildNeighbourhoods(db, [quote], ctx);
    expect(await all(`SELECT "row", problem FROM neighbourhood_report WHERE kind = 'rejected'`)).toEqual([
      { row: 2, problem: "has 4 fields where the header has 3: a value with the delimiter in it that is not in quotes, or a damaged row; it runs over several lines from line 2: check the quotes there (the rows on those lines are inside it, not read)" },
    ]);
  });

  it("says why a code is not the place's: a changed 2011 code (naming its 2021 code), an LSOA of another place, an unknown code", async () => {
    await db.run(`CREATE TABLE code_known AS SELECT * FROM (VALUES ('E01004646', 'LSOA21', 'E09000033'), ('E01000010', 'LSOA11', 'E09000002')) t(code, kind, lad_code)`);
    await db.run(`CREATE TABLE code_lsoa11_changed AS SELECT * FROM (VALUES ('E01000010', 'E01034474')) t(lsoa11cd, lsoa21cd)`);
    await db.run(`CREATE TABLE code_lsoa_name AS SELECT * FROM (VALUES ('Westminster 018C', 'E01004646')) t(name, code)`);
    const csv = write("codes.csv", "lsoa21cd,neighbourhood\nE01000001,INT1\nE01000010,INT1\nE01004646,INT1\nE01999999,INT1\n");
    await buildNeighbourhoods(db, [csv], ctx);
    expect(await all(`SELECT "row", lsoa21cd, problem FROM neighbourhood_report WHERE kind = 'rejected' ORDER BY "row"`)).toEqual([
      { row: 3, lsoa21cd: "E01000010", problem: "an LSOA 2011 code that changed in 2021: give the 2021 code (E01034474) instead" },
      { row: 4, lsoa21cd: "E01004646", problem: "LSOA E01004646 (Westminster 018C) is outside the place" },
      { row: 5, lsoa21cd: "E01999999", problem: "not one of the place's LSOAs" },
    ]);
  });

  it("refuses a CSV giving a column twice, or two LSOA code columns, rather than guess which is meant", async () => {
    const twice = write("twice.csv", "lsoa21cd,neighbourhood_code,neighbourhood_code\nE01000001,INT1,INT2\n");
    await expect(buildNeighbourhoods(db, [twice], ctx)).rejects.toThrow(/twice\.csv.*neighbourhood_code twice/);
    const two = write("two-lsoa.csv", "lsoa11cd_unused,lsoa21cd,lsoa,neighbourhood\nx,E01000001,E01000002,INT1\n");
    await expect(buildNeighbourhoods(db, [two], ctx)).rejects.toThrow(/two-lsoa\.csv.*2 LSOA code columns \(lsoa21cd, lsoa\)/);
  });

  it("reports a polygon that holds no LSOA of the place, and refuses GeoJSON with no features, projected coordinates or a feature without a code, naming the file", async () => {
    const box = (code: string | null, west: number, east: number, south = 51.4, north = 51.6) => ({
      type: "Feature",
      properties: code === null ? { name: "no code" } : { code },
      geometry: { type: "Polygon", coordinates: [[[west, south], [west, north], [east, north], [east, south], [west, south]]] },
    });
    const geo = (name: string, features: unknown[]) => write(name, JSON.stringify({ type: "FeatureCollection", features }));
    const outside = geo("outside.geojson", [box("A", 0.05, 0.45), box("MCR", -2.3, -2.2, 53.45, 53.5)]);
    await buildNeighbourhoods(db, [outside], ctx);
    expect(await all(`SELECT file, neighbourhood_code, kind, problem FROM neighbourhood_report WHERE kind <> 'left out'`)).toEqual([
      { file: "outside.geojson", neighbourhood_code: "MCR", kind: "claims nothing", problem: "polygon 2 holds no LSOA of the place (by population-weighted centroid): it is outside the place, or too small" },
    ]);
    await expect(buildNeighbourhoods(db, [geo("empty.geojson", [])], ctx)).rejects.toThrow(/empty\.geojson.*has no features/);
    const bng = { ...box("A", 0, 0), geometry: { type: "Polygon", coordinates: [[[529000, 180000], [531000, 180000], [531000, 182000], [529000, 180000]]] } };
    await expect(buildNeighbourhoods(db, [geo("bng.geojson", [bng])], ctx)).rejects.toThrow(/bng\.geojson.*\[529000, 180000\].*WGS84/);
    await expect(buildNeighbourhoods(db, [geo("nocode.geojson", [box("A", 0.05, 0.25), box(null, 0.25, 0.45)])], ctx)).rejects.toThrow(/nocode\.geojson.*feature 2 has no "code" property/);
  });

  it("rejects a code or name too long to be one (a damaged cell), claiming nothing with it", async () => {
    const csv = write("long.csv", `lsoa21cd,neighbourhood,neighbourhood_name\nE01000001,INT1,North\nE01000002,${"C".repeat(65)},South\nE01000003,INT2,${"N".repeat(10_000)}\n`);
    await buildNeighbourhoods(db, [csv], ctx);
    expect(await all(`SELECT code, name FROM neighbourhood`)).toEqual([{ code: "INT1", name: "North" }]);
    expect(await all(`SELECT "row", problem FROM neighbourhood_report WHERE kind = 'rejected' ORDER BY "row"`)).toEqual([
      { row: 3, problem: "neighbourhood code longer than 64 characters" },
      { row: 4, problem: "neighbourhood name longer than 200 characters" },
    ]);
  });

  it("refuses a CSV without the columns it needs, naming the file", async () => {
    const csv = write("bad.csv", "a,b\n1,2\n");
    await expect(buildNeighbourhoods(db, [csv], ctx)).rejects.toThrow(/bad\.csv.*needs an LSOA code column/);
  });
});
