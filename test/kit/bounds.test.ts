// Bounded readers and confinement: an XLSX spanning XFD1048576, a zip bomb, JSON 10,000 deep, a row over the line bound, data-package paths leaving the package, and symbolic links — each refused with a clear message before memory is spent.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync, crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InputError } from "../../pipelines/errors.ts";
import { readGrantFile } from "../../pipelines/grants/read.ts";
import { checkRegularFile } from "../../pipelines/inputs/registry.ts";
import { limits } from "../../pipelines/kit/bounds.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { readRawCsv } from "../../pipelines/referrals/records.ts";
import { readDirectoryFile } from "../../pipelines/services/read.ts";
import { prepareServicesInput } from "../../pipelines/services/prepare.ts";
import { tempDir } from "../support/pipeline.ts";

/** A zip with each member deflated (method 8). */
function zip(files: Record<string, Buffer | string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const raw = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const data = deflateRawSync(raw);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(raw), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(raw), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const size = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const workbook = (sheet: string | Buffer) =>
  zip({
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook><sheets><sheet name="grants" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/worksheets/sheet1.xml": sheet,
  });

describe("bounded readers", () => {
  it("refuses a tiny XLSX with one cell at XFD1048576 quickly, saying why", async () => {
    const path = join(tempDir(), "far-cell.xlsx");
    const bytes = workbook('<?xml version="1.0"?><worksheet><dimension ref="XFD1048576"/><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>');
    writeFileSync(path, bytes);
    expect(bytes.length).toBeLessThan(2048);
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
      const path = join(tempDir(), "bomb.xlsx");
      writeFileSync(path, workbook(Buffer.alloc(64 * 1024 * 1024, 0x20)));
      const error = await readGrantFile(path, "bomb.xlsx").catch((e) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(/unpacks to more than 4 MB/);
    } finally {
      limits.xlsxUncompressed = saved;
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
