// Bounded readers and confinement: an XLSX spanning XFD1048576, a zip bomb, JSON 10,000 deep, a row over the line bound, data-package paths leaving the package, and symbolic links — each refused with a clear message before memory is spent.
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../pipelines/errors.ts";
import { readGrantFile } from "../../pipelines/grants/read.ts";
import { checkRegularFile } from "../../pipelines/inputs/registry.ts";
import { limits, readBounded } from "../../pipelines/kit/bounds.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { readRawCsv } from "../../pipelines/referrals/records.ts";
import { readDirectoryFile } from "../../pipelines/services/read.ts";
import { prepareServicesInput } from "../../pipelines/services/prepare.ts";
import { tempDir } from "../support/pipeline.ts";
import { writeZip } from "../services/helpers.ts";

/** An XLSX (deflated zip) with one sheet, written to a temporary file. */
const workbook = (name: string, sheet: string | Buffer) =>
  writeZip(join(tempDir(), name), {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook><sheets><sheet name="grants" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/worksheets/sheet1.xml": sheet,
  }, { deflate: true });

describe("bounded readers", () => {
  it("says to split a delimited file over the size bound, and to give anything else as CSV", () => {
    const path = join(tempDir(), "big.csv");
    writeFileSync(path, "x".repeat(2048));
    expect(() => readBounded(path, "big.csv", 1024)).toThrow(/more than the .* this reader takes whole: split it into smaller files$/);
    expect(() => readBounded(path, "big.json", 1024)).toThrow(/give it as CSV, or split it$/);
  });

  it("refuses a tiny XLSX with one cell at XFD1048576 quickly, saying why", async () => {
    const path = workbook("far-cell.xlsx", '<?xml version="1.0"?><worksheet><dimension ref="XFD1048576"/><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>');
    expect(statSync(path).size).toBeLessThan(2048);
    const started = Date.now();
    const error = await readGrantFile(path, "far-cell.xlsx").catch((e) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/sheet1\.xml spans 1,048,576 rows × 16,384 columns .* more than 5,000,000\): delete the stray cells/);
  });

  it("stops a zip bomb at the uncompressed bound, without unpacking the rest", async () => {
    const saved = limits.xlsxUncompressed;
    limits.xlsxUncompressed = 4 * 1024 * 1024;
    try {
      const path = workbook("bomb.xlsx", Buffer.alloc(64 * 1024 * 1024, 0x20));
      const error = await readGrantFile(path, "bomb.xlsx").catch((e) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(/unpacks to more than 4 MB/);
    } finally {
      limits.xlsxUncompressed = saved;
    }
  });

  it("stops a services zip bomb at the zip bound, before any member is parsed", () => {
    const saved = limits.zipUncompressed;
    limits.zipUncompressed = 4 * 1024 * 1024;
    try {
      const path = writeZip(join(tempDir(), "bomb-directory.zip"), {
        "pkg/datapackage.json": JSON.stringify({ resources: [{ name: "services", path: "services.csv" }] }),
        "pkg/services.csv": Buffer.alloc(64 * 1024 * 1024, 0x20),
      }, { deflate: true });
      expect(statSync(path).size).toBeLessThan(256 * 1024);
      const refusal = (file: string) => {
        try {
          readDirectoryFile(file, "bomb-directory.zip");
        } catch (e) {
          return e as Error;
        }
        return null;
      };
      expect(refusal(path)).toBeInstanceOf(InputError);
      expect(refusal(path)?.message).toMatch(/^bomb-directory\.zip: the zip unpacks to more than 4 MB \(part pkg\/services\.csv alone says 64 MB\)/);
      // A bomb that lies about its size in the directory is stopped while it inflates.
      const zip = readFileSync(path);
      const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      zip.writeUInt32LE(1000, central + 24);
      writeFileSync(path, zip);
      expect(refusal(path)?.message).toMatch(/^bomb-directory\.zip: the zip unpacks to more than 4 MB \(a zip bomb/);
      // Within the bound the same package reads.
      limits.zipUncompressed = saved;
      const fine = writeZip(join(tempDir(), "directory.zip"), {
        "pkg/datapackage.json": JSON.stringify({ resources: [{ name: "services", path: "services.csv" }] }),
        "pkg/services.csv": "id,name,status\nS1,Lunch club,active\n",
      }, { deflate: true });
      expect(readDirectoryFile(fine, "directory.zip").tables.service).toHaveLength(1);
    } finally {
      limits.zipUncompressed = saved;
    }
  });

  it("refuses JSON nested 10,000 deep with a clear message, not a stack overflow", async () => {
    const path = join(tempDir(), "deep.json");
    writeFileSync(path, `{"grants": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    const error = await readGrantFile(path, "deep.json").catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/deep\.json: JSON is nested more than 64 levels deep/);
    const services = join(tempDir(), "deep-services.json");
    writeFileSync(services, `[${"[".repeat(10_000)}${"]".repeat(10_000)}]`);
    expect(() => readDirectoryFile(services)).toThrow(/nested more than 64 levels/);
  });

  it("refuses a referral file whose last row is longer than the line bound, instead of losing the row", async () => {
    const path = join(tempDir(), "long-last-row.csv");
    writeFileSync(path, `a,b\n1,2\n3,"${"x".repeat(33 * 1024 * 1024)}"\n`);
    const db = await openDb();
    try {
      const error = await readRawCsv({ db, path, label: "long-last-row.csv", layout: { names: ["a", "b"] } }).catch((e) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(/long-last-row\.csv: line 3 is longer than 4,000,000 bytes/);
    } finally {
      db.close();
    }
  });
});

describe("confinement", () => {
  const pkg = (resourcePath: string) => {
    const dir = join(tempDir(), "pkg");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "datapackage.json"), JSON.stringify({ name: "p", resources: [{ name: "services", path: resourcePath }] }));
    return dir;
  };

  it.each(["../../../../etc/passwd", "/etc/passwd", "https://example.org/services.csv", "sub/../../outside.csv"])("a data package resource %s is refused, and nothing is read from it", (path) => {
    const dir = pkg(path);
    const read = () => prepareServicesInput(dir);
    expect(read).toThrow(InputError);
    expect(read).toThrow(/outside the data package|web address/);
    expect(() => read()).not.toThrow(/root:/);
  });

  it("a resource that is a symbolic link leaving the package is refused without quoting it", () => {
    const dir = pkg("services.csv");
    symlinkSync("/etc/passwd", join(dir, "services.csv"));
    expect(() => prepareServicesInput(dir)).toThrow(/services\.csv is a link pointing outside the data package/);
    expect(() => prepareServicesInput(dir)).not.toThrow(/root:/);
  });

  it("a symbolic link or a device given as an input is refused before a byte is read", () => {
    const dir = tempDir();
    symlinkSync("/etc/passwd", join(dir, "ledger.csv"));
    expect(() => checkRegularFile(join(dir, "ledger.csv"))).toThrow(/is a symbolic link/);
    expect(() => checkRegularFile(join(dir, "ledger.csv"))).not.toThrow(/root:/);
    expect(() => checkRegularFile("/dev/zero")).toThrow(/not a regular file/);
    expect(() => checkRegularFile(dir)).toThrow(/is a folder/);
  });
});
