// Serving the built dashboard (a static folder) on 127.0.0.1, with the MIME types Framework's output needs.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { MissingSourceError } from "../errors.ts";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".geojson": "application/geo+json",
  ".parquet": "application/vnd.apache.parquet",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** Map a URL path to a file under root: "/" → index.html, "/need-map" → need-map.html; never outside root. */
export function resolveRequest(root: string, urlPath: string): string | null {
  const path = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  const base = resolve(root);
  const candidate = normalize(join(base, path));
  if (candidate !== base && !candidate.startsWith(base + sep)) return null;
  const options = [candidate, `${candidate}.html`, join(candidate, "index.html")];
  return options.find((p) => existsSync(p) && statSync(p).isFile()) ?? null;
}

export async function serveStatic(root: string, port = 0, host = "127.0.0.1"): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  if (!existsSync(join(root, "index.html"))) throw new MissingSourceError(`${root}/index.html not found: build the dashboard first (chest site)`);
  const server = createServer((req, res) => {
    const file = resolveRequest(root, req.url ?? "/");
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found");
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(port, host, ok));
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return { server, url: `http://${host}:${actual}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}
