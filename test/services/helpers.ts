// Helpers for the services tests: run the services stage on a database, read tables back in a stable order, copy a mirror data package to a temp folder, and write a small zip.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { openDb } from "../../pipelines/db/connection.ts";
import { memoryLogger, type Logger } from "../../pipelines/log.ts";
import type { Place } from "../../pipelines/place/schema.ts";
import { buildServices } from "../../pipelines/services/stage.ts";
import { mirrorDir, tempDir } from "../support/pipeline.ts";

export const standards = join(mirrorDir, "standards");
export const orukExamples = join(standards, "openreferral-uk", "examples");
export const hsdsExamples = join(standards, "hsds3", "examples");

/** Run the services stage over `files` on the database at dbPath; returns the log lines and the reports folder. */
export async function runServices(dbPath: string, files: string[], place: Place, options: { rawDir?: string; log?: Logger } = {}) {
  const reportsDir = join(tempDir("chest-reports-"), "rejects");
  const log = options.log ?? memoryLogger();
  const db = await openDb(dbPath);
  try {
    await buildServices(db, files, { place, reportsDir, log, rawDir: options.rawDir });
  } finally {
    db.close();
  }
  return { reportsDir, log };
}

/** Rows of a query, read-only. */
export async function query<T = Record<string, unknown>>(dbPath: string, sql: string): Promise<T[]> {
  const db = await openDb(dbPath, { readOnly: true });
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}

/** A data package folder: a datapackage.json and the CSV tables it names, copied from the mirror into a temp folder. */
export function packageFolder(standard: "openreferral-uk" | "hsds3"): string {
  const dir = join(tempDir("chest-package-"), standard === "hsds3" ? "hsds3-example" : "oruk-example");
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(standards, standard, "datapackage.json"), join(dir, "datapackage.json"));
  const csvDir = join(standards, standard, "examples", "csv");
  for (const name of readdirSync(csvDir)) copyFileSync(join(csvDir, name), join(dir, name));
  return dir;
}

/** Write a zip archive of name → content: stored (no compression), or deflated with `deflate`. */
export function writeZip(path: string, files: Record<string, string | Buffer>, options: { deflate?: boolean } = {}): string {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const raw = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const data = options.deflate ? deflateRawSync(raw) : raw;
    const method = options.deflate ? 8 : 0;
    const nameBytes = Buffer.from(name);
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...locals, ...centrals, end]));
  return path;
}
