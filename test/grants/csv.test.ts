// The RFC 4180 reader and writer, and text decoding: quotes, embedded newlines, CRLF, BOM, Windows-1252.
import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv, toCsv } from "../../pipelines/kit/delimited.ts";
import { decodeText } from "../../pipelines/kit/text.ts";

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe("parseCsv", () => {
  it("reads plain, quoted and empty fields with LF or CRLF", () => {
    expect(fields("a,b,c\n1,,3\r\n")).toEqual([["a", "b", "c"], ["1", "", "3"]]);
    expect(fields('"x","y"')).toEqual([["x", "y"]]);
    expect(fields("a,\n,b")).toEqual([["a", ""], ["", "b"]]);
  });

  it("keeps commas, doubled quotes and newlines inside quotes, and numbers rows as a spreadsheet does", () => {
    const records = parseCsv('h1,h2\r\n"a, b","say ""hi""\r\nnext line"\r\n\r\nlast,row\n');
    expect(records.map((r) => r.fields)).toEqual([["h1", "h2"], ["a, b", 'say "hi"\r\nnext line'], ["last", "row"]]);
    expect(records.map((r) => r.row)).toEqual([1, 2, 4]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it("keeps a stray quote inside an unquoted field as a character", () => {
    expect(fields('5" screen,b')).toEqual([['5" screen', "b"]]);
  });

  it("refuses a quoted field that never closes, naming the line", () => {
    expect(() => parseCsv('a\n"open\nstill')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\n"open\nstill')).toThrow(/line 2/);
  });

  it("writes what it reads (round trip)", () => {
    const rows = [["plain", "with, comma", 'with "quote"', "with\nnewline", " padded ", ""]];
    const text = toCsv(["a", "b", "c", "d", "e", "f"], rows);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(fields(text)).toEqual([["a", "b", "c", "d", "e", "f"], rows[0]]);
  });
});

describe("decodeText", () => {
  it("drops a UTF-8 byte-order mark", () => {
    const d = decodeText(Buffer.from("\uFEFFIdentifier,£", "utf8"));
    expect(d).toEqual({ text: "Identifier,£", encoding: "utf-8", bom: true });
  });

  it("reads bytes that are not UTF-8 as Windows-1252 (0xA3 is £, 0x80 is €)", () => {
    const d = decodeText(Buffer.from([0x41, 0xa3, 0x31, 0x80]));
    expect(d.encoding).toBe("windows-1252");
    expect(d.text).toBe("A£1€");
  });

  it("reads UTF-16 with a byte-order mark", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Id,£", "utf16le")]);
    expect(decodeText(le).text).toBe("Id,£");
  });
});
