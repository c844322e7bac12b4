// The kit's bounds on what a reader may spend: file size, XLSX dimensions, uncompressed size and cells (checked from the zip before any workbook is read), JSON depth, and files confined to a data package.
import { closeSync, fstatSync, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { inflateRawSync } from "node:zlib";
import { InputError } from "../errors.ts";
import { zipMemberCount, zipMembers } from "./zip.ts";

export const limits = {
  /** A file read whole into memory (JSON, XLSX, small CSV). Larger delimited files go through DuckDB (bulkCsv). */
  fileBytes: 512 * 1024 * 1024,
  /** Everything in an XLSX, uncompressed. */
  xlsxUncompressed: 256 * 1024 * 1024,
  /** Members of an XLSX zip. */
  xlsxMembers: 2000,
  /** Cells a sheet spans (rows × columns up to its last cell: the reader makes every one). */
  xlsxCells: 5_000_000,
  /** Everything in any other zip a kind takes whole (a services data package), uncompressed. */
  zipUncompressed: 512 * 1024 * 1024,
  /** Members of such a zip. */
  zipMembers: 10_000,
  /** Nesting of arrays and objects in JSON. */
  jsonDepth: 64,
};

const mb = (n: number) => `${Math.round(n / 1024 / 1024).toLocaleString("en-GB")} MB`;

/** Read a whole file that is a regular file and within the size bound, checked on the open descriptor (no race with a swapped path). */
export function readBounded(path: string, label: string, maxBytes = limits.fileBytes): Buffer {
  let fd: number;
  try {
    if (lstatSync(path).isSymbolicLink()) throw new InputError(label, "is a symbolic link: give the file itself");
    fd = openSync(path, "r");
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(label, "file not found or not readable");
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(label, "is not a regular file");
    if (st.size > maxBytes) {
      const delimited = /\.(csv|tsv|txt)$/i.test(label);
      throw new InputError(label, `is ${mb(st.size)}, more than the ${mb(maxBytes)} this reader takes whole: ${delimited ? "split it into smaller files" : "give it as CSV, or split it"}`);
    }
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Refuse JSON nested deeper than the bound before parsing it (a linear scan; nothing recurses). */
export function checkJsonDepth(text: string, label: string, maxDepth = limits.jsonDepth): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123 /* [ { */) {
      if (++depth > maxDepth) throw new InputError(label, `JSON is nested more than ${maxDepth} levels deep (at character ${i + 1}): not a grant or service document; refused before reading`);
    } else if (c === 93 || c === 125) depth--;
  }
}

/** Column letters to a number (A = 1, XFD = 16384). */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** One member of a zip, unpacked within the bound. */
export interface UnpackedMember {
  name: string;
  bytes: Buffer;
}

/** What a zip is called in messages and the bounds it must keep. */
interface ZipBounds {
  /** In "not a readable …": ".xlsx workbook", "zip", … */
  what: string;
  /** In "the … unpacks to": "workbook", "zip", … */
  short: string;
  maxBytes: number;
  maxMembers: number;
  /** What the file is unlikely to be that large for, e.g. "a grant ledger". */
  larger: string;
}

/**
 * Unpack a zip's members in directory order within a budget of uncompressed bytes shared by all of them: the member
 * count is checked first, each member is inflated with a hard output limit (a zip bomb stops at the bound, whatever
 * the directory declares), and the members after a refusal are never touched. Throws InputError with the figure.
 */
export function* unpackZip(zip: Buffer, label: string, bounds: ZipBounds): Generator<UnpackedMember> {
  const { what, short, maxBytes, maxMembers } = bounds;
  const count = zipMemberCount(zip);
  if (count === 0) throw new InputError(label, `not a readable ${what} (no zip directory)`);
  if (count > maxMembers) throw new InputError(label, `the ${short} has ${count} parts, more than ${maxMembers}: refused`);
  let budget = maxBytes;
  let members;
  try {
    members = [...zipMembers(zip)];
  } catch {
    throw new InputError(label, `not a readable ${what} (damaged zip directory)`);
  }
  for (const { name, method, declaredSize, data } of members) {
    if (declaredSize > budget) throw new InputError(label, `the ${short} unpacks to more than ${mb(maxBytes)} (part ${name} alone says ${mb(declaredSize)}): refused before reading`);
    let bytes: Buffer;
    if (method === 0) bytes = data;
    else if (method === 8) {
      try {
        bytes = inflateRawSync(data, { maxOutputLength: Math.max(1, budget) });
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError)
          throw new InputError(label, `the ${short} unpacks to more than ${mb(maxBytes)} (a zip bomb, or far larger than ${bounds.larger}): refused before reading`);
        throw new InputError(label, `not a readable ${what} (part ${name} is damaged)`);
      }
    } else throw new InputError(label, `not a readable ${what} (part ${name} uses compression method ${method})`);
    if (bytes.length > budget) throw new InputError(label, `the ${short} unpacks to more than ${mb(maxBytes)}: refused before reading`);
    budget -= bytes.length;
    yield { name, bytes };
  }
}

/**
 * Check an XLSX from its zip before a workbook reader sees it: number of members, the real uncompressed size (each
 * member inflated with a hard output limit, so a zip bomb stops at the bound), and each sheet's span (its dimension
 * and its last cell) in cells. Throws InputError with the figure and the limit.
 */
export function checkXlsx(zip: Buffer, label: string): void {
  const bounds = { what: ".xlsx workbook", short: "workbook", maxBytes: limits.xlsxUncompressed, maxMembers: limits.xlsxMembers, larger: "a grant ledger" };
  for (const { name, bytes } of unpackZip(zip, label, bounds)) {
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(name)) checkSheetSpan(bytes.toString("utf8"), name, label);
  }
}

/**
 * Every member of an ordinary zip (a services data package), unpacked within limits.zipUncompressed and
 * limits.zipMembers: name → bytes. Throws InputError naming the file and the bound.
 */
export function readZipBounded(zip: Buffer, label: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const bounds = { what: "zip", short: "zip", maxBytes: limits.zipUncompressed, maxMembers: limits.zipMembers, larger: "a service directory" };
  for (const { name, bytes } of unpackZip(zip, label, bounds)) out.set(name, bytes);
  return out;
}

function checkSheetSpan(xml: string, part: string, label: string): void {
  let maxCol = 0;
  let maxRow = 0;
  const note = (ref: string) => {
    const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(ref);
    if (!m) return;
    maxCol = Math.max(maxCol, columnNumber(m[1]));
    maxRow = Math.max(maxRow, Number(m[2]));
  };
  const dim = /<(?:\w+:)?dimension\b[^>]*\bref="([^"]+)"/.exec(xml);
  if (dim) for (const ref of dim[1].split(":")) note(ref);
  for (const m of xml.matchAll(/<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}\d{1,7})"/g)) note(m[1]);
  for (const m of xml.matchAll(/<(?:\w+:)?row\b[^>]*?\br="(\d{1,7})"/g)) maxRow = Math.max(maxRow, Number(m[1]));
  const cells = maxCol * maxRow;
  if (cells > limits.xlsxCells)
    throw new InputError(
      label,
      `sheet ${part.replace(/^xl\/worksheets\//, "")} spans ${maxRow.toLocaleString("en-GB")} rows × ${maxCol.toLocaleString("en-GB")} columns (${cells.toLocaleString("en-GB")} cells, more than ${limits.xlsxCells.toLocaleString("en-GB")}): delete the stray cells far from the data, or save the sheet as CSV`,
    );
}

/**
 * A file named by a data package, confined to it: no web address, no absolute path, no "..", and once resolved
 * (symbolic links followed) still inside the package folder and a regular file. Returns the path, or null when absent.
 */
export function confinedFile(dir: string, rel: string, label: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(rel)) throw new InputError(label, `resource ${rel} is a web address: download it and give the local files (nothing is fetched)`);
  const clean = normalize(rel);
  if (isAbsolute(rel) || clean === ".." || clean.startsWith(`..${sep}`) || clean.split(/[\\/]/).includes("..")) throw new InputError(label, `resource path ${rel} points outside the data package`);
  const path = join(dir, clean);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  if (st.isSymbolicLink()) {
    const real = realpathSync(path);
    const inside = relative(realpathSync(dir), real);
    if (inside.startsWith("..") || isAbsolute(inside)) throw new InputError(label, `resource ${rel} is a link pointing outside the data package: refused`);
    st = lstatSync(real);
  }
  if (!st.isFile()) throw new InputError(label, `resource ${rel} is not a regular file`);
  return path;
}
