// `chest fetch`: bring every source the place needs into data/raw (download or mirror), verify it, record provenance.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ChestError, InputError, MissingSourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { matchLayout } from "../csv/header.ts";
import { readHeader } from "../kit/delimited.ts";
import { sources, type CsvSource, type GeoSource, type Source } from "../sources.ts";
import { placeCodes, type PlaceCodes } from "./place-codes.ts";
import { extractZipMember } from "./zip.ts";
import { queryFeatureServer, type HttpGet } from "./arcgis.ts";

export interface ProvenanceRecord {
  source: string;
  title: string;
  publisher: string;
  licence: string;
  origin: "mirror" | "download";
  from: string;
  file: string;
  bytes: number;
  sha256: string;
  sha256Official: string | null;
  verified: string;
  note: string | null;
  fetchedAt: string;
}

export interface FetchOptions {
  place: Place & { file?: string };
  rawDir: string;
  /** Folder holding stand-in copies of the official downloads; when absent, download from the official URLs. */
  mirror?: string;
  log: Logger;
  /** Injected for tests; defaults to global fetch. */
  httpGet?: HttpGet;
  now?: () => Date;
}

export const provenanceFile = "provenance.json";

const defaultGet: HttpGet = async (url) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  return Buffer.from(await response.arrayBuffer());
};

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Write bytes beside the target and rename into place, so no half-written file is ever left under its real name. */
function writeAtomic(path: string, bytes: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.part-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

async function obtainCsv(source: CsvSource, options: FetchOptions): Promise<{ bytes: Buffer; origin: ProvenanceRecord["origin"]; from: string }> {
  if (options.mirror) {
    const from = resolve(options.mirror, source.mirrorPath);
    if (!existsSync(from))
      throw new MissingSourceError(`mirror ${options.mirror} has no ${source.mirrorPath} (needed for ${source.id}: ${source.title})`);
    return { bytes: readFileSync(from), origin: "mirror", from };
  }
  if (!source.url)
    throw new MissingSourceError(
      `${source.id} (${source.title}) has no direct download: get it from ${source.landingPage} and point --mirror (or CHEST_MIRROR) at a folder holding it as ${source.mirrorPath}`,
    );
  const get = options.httpGet ?? defaultGet;
  let bytes: Buffer;
  try {
    bytes = await get(source.url);
  } catch (e) {
    throw new MissingSourceError(`could not download ${source.id} from ${source.url}: ${(e as Error).message}`);
  }
  if (source.zipMember) {
    try {
      bytes = extractZipMember(bytes, source.zipMember);
    } catch (e) {
      throw new InputError(source.url, (e as Error).message);
    }
  }
  return { bytes, origin: "download", from: source.url };
}

async function fetchCsv(source: CsvSource, options: FetchOptions): Promise<ProvenanceRecord> {
  const { bytes, origin, from } = await obtainCsv(source, options);
  const label = origin === "mirror" ? from : `${source.id} (${from})`;
  if (bytes.length === 0) throw new InputError(label, "the file is empty");
  const digest = sha256(bytes);
  const official = source.sha256 ?? null;
  const isOfficialBytes = origin === "download" || source.mirrorIsByteCopy;
  if (official && isOfficialBytes && digest !== official)
    throw new InputError(label, `sha256 ${digest} does not match the official ${official}: the file is damaged or has been re-issued`);
  const target = join(options.rawDir, source.file);
  const tmp = `${target}.part-${process.pid}`;
  mkdirSync(options.rawDir, { recursive: true });
  writeFileSync(tmp, bytes);
  try {
    const header = source.headerless ? null : readHeader(tmp, label).header;
    const matched = header ? matchLayout(header, source.layouts, label) : null;
    renameSync(tmp, target);
    const verified = [official && isOfficialBytes ? "sha256" : null, matched ? `layout: ${matched.layout.name}` : null].filter(Boolean).join("; ");
    return record(source, options, { origin, from, bytes: bytes.length, sha256: digest, verified });
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function record(
  source: Source,
  options: FetchOptions,
  r: Pick<ProvenanceRecord, "origin" | "from" | "bytes" | "sha256" | "verified">,
): ProvenanceRecord {
  return {
    source: source.id,
    title: source.title,
    publisher: source.publisher,
    licence: source.licence,
    ...r,
    file: source.file,
    sha256Official: source.sha256 ?? null,
    note: r.origin === "mirror" && !source.mirrorIsByteCopy ? (source.mirrorNote ?? "Not a byte copy of the official file.") : null,
    fetchedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
}

interface FeatureCollectionLike {
  type: "FeatureCollection";
  features: { type: "Feature"; properties: Record<string, unknown>; geometry: unknown }[];
}

function codesFor(source: GeoSource, codes: PlaceCodes): string[] {
  if (source.filter.by === "lad") return codes.lad;
  switch (source.codeProperty) {
    case "LSOA21CD":
      return codes.lsoa21;
    case "LSOA11CD":
      return codes.lsoa11;
    case "MSOA21CD":
      return codes.msoa21;
    case "WD25CD":
    case "WD24CD":
      return codes.ward;
    default:
      throw new ChestError(`no code list for ${source.codeProperty}`);
  }
}

function parseCollection(text: string, label: string): FeatureCollectionLike {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(label, `not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
  const fc = json as FeatureCollectionLike;
  if (fc?.type !== "FeatureCollection" || !Array.isArray(fc.features)) throw new InputError(label, "not a GeoJSON FeatureCollection");
  return fc;
}

/** Mirror files that may hold the layer: its main file, then the further ones (a `*` folder expanded), those that exist. */
export function mirrorFilesFor(source: GeoSource, mirror: string): string[] {
  const files: string[] = [];
  for (const pattern of [source.mirrorPath, ...source.mirrorAlso]) {
    const star = pattern.indexOf("*");
    if (star < 0) {
      if (existsSync(resolve(mirror, pattern))) files.push(resolve(mirror, pattern));
      continue;
    }
    const parent = resolve(mirror, pattern.slice(0, star));
    const rest = pattern.slice(star + 1).replace(/^\//, "");
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)))
      if (entry.isDirectory() && existsSync(join(parent, entry.name, rest))) files.push(join(parent, entry.name, rest));
  }
  return files;
}

/** The place's features from every mirror file that holds some of them (first file wins when two hold the same code). */
function fromMirror(source: GeoSource, property: string, wanted: Set<string>, mirror: string): { fc: FeatureCollectionLike; from: string[] } {
  const files = mirrorFilesFor(source, mirror);
  if (!files.length) throw new MissingSourceError(`mirror ${mirror} has no ${source.mirrorPath} (needed for ${source.id}: ${source.title})`);
  const byCode = new Map<string, FeatureCollectionLike["features"][number][]>();
  const used: string[] = [];
  for (const file of files) {
    const all = parseCollection(readFileSync(file, "utf8"), file);
    const taken = new Set<string>();
    let n = 0;
    for (const f of all.features) {
      const code = String(f.properties?.[property]);
      if (!wanted.has(code) || (byCode.has(code) && !taken.has(code))) continue;
      taken.add(code);
      byCode.set(code, [...(byCode.get(code) ?? []), f]);
      n++;
    }
    if (n) used.push(file);
  }
  return { fc: { type: "FeatureCollection", features: [...byCode.values()].flat() }, from: used.length ? used : files };
}

/** "E01015024, E01015028, … and 60 more" */
function listCodes(codes: string[], max = 12): string {
  return codes.length <= max ? codes.join(", ") : `${codes.slice(0, max).join(", ")}, … and ${codes.length - max} more`;
}

interface GeoFetched {
  source: GeoSource;
  text: string;
  record: ProvenanceRecord;
  /** Codes of the place the layer lacks, when the layer may be partial. */
  absent: string[];
}

/** The place's features of one layer, checked for coverage; nothing is written here (see fetchSources). */
async function fetchGeo(source: GeoSource, codes: PlaceCodes, options: FetchOptions): Promise<GeoFetched> {
  const wanted = new Set(codesFor(source, codes));
  const property = source.filter.by === "lad" ? source.filter.property : source.codeProperty;
  let fc: FeatureCollectionLike;
  let origin: ProvenanceRecord["origin"];
  let from: string;
  if (options.mirror) {
    origin = "mirror";
    const got = fromMirror(source, property, wanted, options.mirror);
    fc = got.fc;
    from = got.from.join(" + ");
  } else {
    origin = "download";
    from = source.featureServer;
    fc = (await queryFeatureServer(source.featureServer, property, [...wanted], options.httpGet ?? defaultGet, options.log)) as FeatureCollectionLike;
  }
  const label = origin === "mirror" ? from : `${source.id} (${from})`;
  for (const [i, f] of fc.features.entries()) {
    const missing = source.requiredProperties.filter((p) => f.properties?.[p] === undefined);
    if (missing.length) throw new InputError(label, `feature ${i + 1} lacks ${missing.join(", ")}`);
  }
  const found = new Set(fc.features.map((f) => String(f.properties[property])));
  const absent = [...wanted].filter((c) => !found.has(c)).sort();
  const unit = source.filter.by === "lad" ? "local authorities" : source.unit;
  const shortfall = `${absent.length} of ${options.place.name}'s ${wanted.size} ${unit}: ${listCodes(absent)}`;
  if (absent.length && !source.partialOk)
    throw new MissingSourceError(
      `${origin === "mirror" ? `the mirror has no ${source.layerLabel} boundaries` : `the ONS query returned no ${source.layerLabel} boundaries`} for ${shortfall} (${label})`,
    );
  if (absent.length) options.log.warn(`${source.id}: no ${source.layerLabel} boundaries for ${shortfall}; this layer may be partial: ${source.partialOk}`);
  fc.features.sort((a, b) => String(a.properties[source.codeProperty]).localeCompare(String(b.properties[source.codeProperty])));
  const text = JSON.stringify(fc);
  const verified = absent.length ? `${fc.features.length} of ${wanted.size} ${unit} for the place (partial: ${absent.length} missing)` : `${fc.features.length} features for the place`;
  return { source, text, absent, record: record(source, options, { origin, from, bytes: Buffer.byteLength(text), sha256: sha256(Buffer.from(text)), verified }) };
}

/**
 * Fetch every declared source; returns the provenance records and writes them to data/raw/provenance.json.
 * Everything is gathered in a staging folder first and moved into data/raw only when every source is there and covers
 * the place, so a refused fetch leaves data/raw as it was.
 */
export async function fetchSources(options: FetchOptions): Promise<ProvenanceRecord[]> {
  const rawDir = resolve(options.rawDir);
  const staging = join(rawDir, `.fetch-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const records = await fetchInto({ ...options, rawDir: staging });
    for (const name of readdirSync(staging)) renameSync(join(staging, name), join(rawDir, name));
    options.log.info(`fetch: done, ${records.length} files in ${options.rawDir}`);
    return records;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function fetchInto(options: FetchOptions): Promise<ProvenanceRecord[]> {
  const { log } = options;
  const records: ProvenanceRecord[] = [];
  const csvs = sources.filter((s): s is CsvSource => s.kind === "csv");
  const geos = sources.filter((s): s is GeoSource => s.kind === "geojson");
  log.info(`fetch: ${sources.length} sources for ${options.place.name} ${options.mirror ? `from mirror ${options.mirror}` : "from the official sites"}`);
  for (const [i, source] of csvs.entries()) {
    const r = await fetchCsv(source, options);
    log.progress(`[${i + 1}/${sources.length}] ${source.id}: ${(r.bytes / 1e6).toFixed(1)} MB, ${r.verified}`);
    records.push(r);
  }
  const codes = await placeCodes(options.place, options.rawDir);
  log.progress(`place has ${codes.lsoa21.length} LSOAs, ${codes.msoa21.length} MSOAs, ${codes.ward.length} wards, ${codes.lad.length} local authorities`);
  const fetched: GeoFetched[] = [];
  for (const [i, source] of geos.entries()) {
    const r = await fetchGeo(source, codes, options);
    log.progress(`[${csvs.length + i + 1}/${sources.length}] ${source.id}: ${(r.record.bytes / 1e6).toFixed(1)} MB, ${r.record.verified}`);
    fetched.push(r);
  }
  for (const r of fetched) {
    writeAtomic(join(options.rawDir, r.source.file), r.text);
    records.push(r.record);
  }
  writeAtomic(join(options.rawDir, provenanceFile), JSON.stringify({ place: options.place.id, records }, null, 2));
  return records;
}
