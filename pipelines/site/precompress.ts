// Brotli and gzip copies of every compressible file in the built site (x.js → x.js.br, x.js.gz), so the server sends compressed bytes without compressing per request.
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Extensions worth compressing (text, JSON, Arrow IPC, wasm); images and fonts are compressed already. */
export const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".geojson", ".arrow", ".csv", ".tsv", ".txt", ".svg", ".wasm", ".md", ".map"]);

/** Files smaller than this gain nothing worth a second request-path lookup (one TCP packet either way). */
const MIN_BYTES = 1024;

export interface Precompressed {
  files: number;
  bytes: number;
  brotliBytes: number;
}

async function compressOne(file: string): Promise<{ bytes: number; brotliBytes: number } | null> {
  if (!COMPRESSIBLE.has(path.extname(file).toLowerCase())) return null;
  if ((await stat(file)).size < MIN_BYTES) return null;
  const data = await readFile(file);
  const [br, gzipped] = await Promise.all([
    brotli(data, {
      params: {
        // quality 11 is slow on large files (about 1 MB/s) for a gain of a few per cent over 9
        [constants.BROTLI_PARAM_QUALITY]: data.length > 256_000 ? 9 : 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gz(data, { level: 9 }),
  ]);
  // A compressed copy that is not smaller is left out; the server then sends the original.
  if (br.length < data.length) await writeFile(`${file}.br`, br);
  if (gzipped.length < data.length) await writeFile(`${file}.gz`, gzipped);
  return { bytes: data.length, brotliBytes: Math.min(br.length, data.length) };
}

/** Write .br and .gz beside each compressible file, a few at a time. */
export async function precompress(files: readonly string[], concurrency = 4): Promise<Precompressed> {
  const totals: Precompressed = { files: 0, bytes: 0, brotliBytes: 0 };
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const done = await compressOne(file);
      if (!done) continue;
      totals.files += 1;
      totals.bytes += done.bytes;
      totals.brotliBytes += done.brotliBytes;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return totals;
}
