// Serving the built dashboard (dist/) on 127.0.0.1 with sirv: precompressed brotli/gzip, ETags, and long caching for content-hashed files only.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { extname, join } from "node:path";
import sirv from "sirv";
import { MissingSourceError } from "../errors.ts";

/** Types sirv's table (mrmime) lacks or gives without a charset. */
const TYPES: Record<string, string> = {
  ".arrow": "application/vnd.apache.arrow.file",
  ".parquet": "application/vnd.apache.parquet",
  ".geojson": "application/geo+json",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};

/** A year: the longest max-age caches honour (RFC 9111 suggests no more). */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Pages and unhashed files: cache, but ask the server (a 304 if the ETag still matches) before each use. */
export const REVALIDATE = "no-cache";

/**
 * True for files whose name carries a hash of their content, so a changed file always gets a new URL:
 * Framework writes /_observablehq/client.ecbc0eec.js, /_npm/d3@7.9.2/3823780a.js, /_file/data/lsoa.24d5bf88.arrow, /_import/lib/format.cb422c70.js.
 */
export function isContentHashed(urlPath: string): boolean {
  if (!/^\/_(?:observablehq|npm|file|import)\//.test(urlPath)) return false;
  return /(?:^|[./])[0-9a-f]{8}\.[A-Za-z0-9]+$/.test(urlPath.split("?")[0]!);
}

/** The Cache-Control header for a URL path. */
export function cacheControl(urlPath: string): string {
  return isContentHashed(urlPath) ? IMMUTABLE : REVALIDATE;
}

function setHeaders(res: ServerResponse, pathname: string): void {
  res.setHeader("Cache-Control", cacheControl(pathname));
  res.setHeader("X-Content-Type-Options", "nosniff");
  const type = TYPES[extname(pathname).toLowerCase()];
  if (type) res.setHeader("Content-Type", type);
}

/**
 * A request handler for a built site. `dev: true` makes sirv look files up on each request instead of listing the
 * folder once at start, so a server keeps working when `chest site` swaps a new dist/ into place.
 */
export function siteHandler(root: string) {
  const serve = sirv(root, { dev: true, etag: true, brotli: true, gzip: true, extensions: ["html"], setHeaders });
  const notFound = join(root, "404.html");
  return (req: Parameters<ReturnType<typeof sirv>>[0], res: ServerResponse) =>
    serve(req, res, () => {
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.setHeader("Cache-Control", REVALIDATE);
      res.end(existsSync(notFound) ? readFileSync(notFound) : "Not found");
    });
}

export async function serveStatic(root: string, port = 0, host = "127.0.0.1"): Promise<{ server: ReturnType<typeof createServer>; url: string; close: () => Promise<void> }> {
  if (!existsSync(join(root, "index.html"))) throw new MissingSourceError(`${root}/index.html not found: build the dashboard first (chest site)`);
  const handle = siteHandler(root);
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(port, host, ok));
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    server,
    url: `http://${host}:${actual}/`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
