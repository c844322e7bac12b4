// The kit's reader and writer: encodings (BOM, UTF-16 with and without BOM, Windows-1252), delimiter sniffing, the record-length bound, and formula-safe CSV cells.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bulkCsv, parseCsv, readDelimited, readHeader, sniffDelimiter } from "../../pipelines/kit/delimited.ts";
import { csvCell, csvText } from "../../src/lib/csv.ts";
import { tempDir } from "../support/pipeline.ts";
import { readFileSync } from "node:fs";

const text = "id;name;amount\r\n1;Café £5;1,50\r\n2;\"a;b\";2\r\n";

const utf16le = (s: string, bom: boolean) => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(s, "utf16le")]);
const utf16be = (s: string) => {
  const le = Buffer.from(s, "utf16le");
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

describe("reading delimited files", () => {
  it.each([
    ["UTF-8", Buffer.from(text, "utf8"), "utf-8"],
    ["UTF-8 with BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]), "utf-8"],
    ["UTF-16 LE with BOM", utf16le(text, true), "utf-16le"],
    ["UTF-16 LE without BOM", utf16le(text, false), "utf-16le"],
    ["UTF-16 BE with BOM", utf16be(text), "utf-16be"],
    ["Windows-1252", Buffer.from(text.replace("é", "\u00e9").replace("£", "\u00a3"), "latin1"), "windows-1252"],
  ])("%s, semicolon-delimited: same records", (_, bytes, encoding) => {
    const read = readDelimited(bytes, "f.csv");
    expect(read.encoding).toBe(encoding);
    expect(read.delimiter).toBe(";");
    expect(read.records.map((r) => r.fields)).toEqual([["id", "name", "amount"], ["1", "Café £5", "1,50"], ["2", "a;b", "2"]]);
  });

  it("sniffs comma, semicolon, tab and bar, and falls back to comma", () => {
    expect(sniffDelimiter("a,b,c\n1,2,3\n")).toBe(",");
    expect(sniffDelimiter("a;b;c\n1;2,5;3\n")).toBe(";");
    expect(sniffDelimiter("a\tb\n1\t2\n")).toBe("\t");
    expect(sniffDelimiter("a|b\n1|2\n")).toBe("|");
    expect(sniffDelimiter("single\nvalue\n")).toBe(",");
  });

  it("refuses a record longer than the bound, naming its line, instead of dropping it", () => {
    expect(() => parseCsv(`a,b\n1,2\n3,"${"x".repeat(200)}"\n`, ",", 100)).toThrow(/record starting on line 3 is longer than 100 characters/);
  });

  it.each([
    ["a workbook saved as .csv", [0x50, 0x4b, 0x03, 0x04], /^book\.csv: is a zip file \(an Excel \.xlsx workbook is one\): save the sheet as CSV, not a delimited text file \(CSV\)$/],
    ["an old .xls", [0xd0, 0xcf, 0x11, 0xe0], /^book\.csv: is an old Excel \.xls workbook/],
    ["a PNG renamed .csv", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], /^book\.csv: is a PNG image, not a delimited text file \(CSV\)$/],
    ["a PDF", [0x25, 0x50, 0x44, 0x46, 0x2d], /^book\.csv: is a PDF document/],
  ])("names %s instead of reading its bytes as a header", (_, magic, message) => {
    const bytes = Buffer.concat([Buffer.from(magic as number[]), Buffer.from("rest,of,the,file\n")]);
    const path = join(tempDir(), "book.csv");
    writeFileSync(path, bytes);
    expect(() => readHeader(path, "book.csv")).toThrow(message as RegExp);
    expect(() => readDelimited(bytes, "book.csv")).toThrow(message as RegExp);
  });

  it("gives DuckDB a UTF-8 copy of a UTF-16 file, with its delimiter", () => {
    const dir = tempDir();
    const path = join(dir, "in.csv");
    writeFileSync(path, utf16le(text, true));
    expect(readHeader(path).header).toEqual(["id", "name", "amount"]);
    const bulk = bulkCsv(path);
    try {
      expect(bulk.delimiter).toBe(";");
      expect(readFileSync(bulk.path, "utf8")).toBe(text);
    } finally {
      bulk.cleanup();
    }
  });
});

describe("formula-safe CSV (OWASP CSV injection guidance)", () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["+1", "'+1"],
    ["-2+3", "'-2+3"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1", "\"'\r=1\""],
    ["plain", "plain"],
  ])("%j is written as %j", (value, written) => expect(csvCell(value)).toBe(written));

  it("leaves numbers the program wrote alone, and quotes delimiters and quotes", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell("-5", true)).toBe("-5");
    // A plain number written as text (the demo writes coordinates so) is read as a number by a spreadsheet, never run.
    expect(csvCell("-0.02713")).toBe("-0.02713");
    expect(csvCell("-1e5")).toBe("-1e5");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("a;b")).toBe('"a;b"');
    expect(csvText(["x"], [["=1"]], { bom: true })).toBe("\ufeffx\r\n'=1\r\n");
  });
});
