// Before a services file is registered: check it can be read, and turn a data package that is more than one file (a folder, or a datapackage.json beside its CSVs) into one self-contained datapackage.json.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../errors.ts";
import { parseTable as parseCsv } from "../kit/delimited.ts";
import { confinedFile, readBounded } from "../kit/bounds.ts";
import { preparedFolder } from "../kit/prepared.ts";
import { decodeText } from "../kit/text.ts";
import { readDirectoryFile } from "./read.ts";

/** True when `file` is a folder, or a datapackage.json whose resources point at files beside it. */
export function isMultiFilePackage(file: string): boolean {
  if (!existsSync(file)) return false;
  if (statSync(file).isDirectory()) return true;
  if (!/\.json$/i.test(file)) return false;
  try {
    const value = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, "")) as { resources?: { path?: unknown; data?: unknown }[] };
    return Array.isArray(value.resources) && value.resources.some((r) => r && !Array.isArray(r.data) && r.path !== undefined);
  } catch {
    return false;
  }
}

/**
 * The file to register for `file`: the file itself once it reads cleanly, or for a multi-file data package a
 * datapackage.json with every table it uses inline (Frictionless inline `data`), written to a temporary folder and
 * named after the package. Throws InputError when the input cannot be read, so nothing is registered.
 */
export function prepareServicesInput(file: string): string {
  if (!existsSync(file)) throw new InputError(file, "file not found");
  const read = readDirectoryFile(file, basename(file));
  if (!isMultiFilePackage(file)) return file;
  const dir = statSync(file).isDirectory() ? resolve(file) : dirname(resolve(file));
  const descriptorPath = join(dir, "datapackage.json");
  const descriptor = existsSync(descriptorPath)
    ? (JSON.parse(decodeText(readFileSync(descriptorPath)).text) as { name?: string; resources?: Record<string, unknown>[] })
    : { resources: [] };
  const resources: Record<string, unknown>[] = [];
  if (descriptor.resources?.length) {
    for (const r of descriptor.resources) {
      const paths = (Array.isArray(r.path) ? r.path : [r.path]).filter((p): p is string => typeof p === "string");
      if (Array.isArray(r.data) || !paths.length) {
        resources.push(r);
        continue;
      }
      const present = paths.map((p) => confinedFile(dir, p, basename(file))).filter((p): p is string => p !== null);
      if (!present.length) continue; // tables Chest Atlas does not read may be absent
      const rows = present.flatMap((p) => parseCsv(decodeText(readBounded(p, basename(file))).text).rows);
      resources.push({ name: r.name, path_was: paths.length === 1 ? paths[0] : paths, profile: "tabular-data-resource", data: rows });
    }
  } else {
    // a folder of CSV tables with no descriptor: the tables read by their names
    for (const [entity, rows] of Object.entries(read.tables)) if (rows.length) resources.push({ name: entity, data: rows.map((r) => r.data) });
  }
  const name = (descriptor.name ?? basename(dir)).replace(/[^A-Za-z0-9._-]+/g, "-");
  const out = join(preparedFolder(), `${name}.datapackage.json`);
  writeFileSync(out, JSON.stringify({ ...descriptor, name, packed_from: basename(dir), resources }, null, 1) + "\n");
  readDirectoryFile(out, basename(out));
  return out;
}
