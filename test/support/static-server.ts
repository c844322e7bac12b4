// A small static file server on 127.0.0.1 for browser tests of a built site: correct MIME types, clean URLs, and a record of every request.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export const MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".geojson": "application/geo+json; charset=utf-8",
  ".topojson": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".tsv": "text/tab-separated-values; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".wasm": "application/wasm",
  ".parquet": "application/vnd.apache.parquet",
  ".arrow": "application/vnd.apache.arrow.file",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".zip": "application/zip",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export interface ServedRequest {
  method: string;
  path: string;
  status: number;
}

export interface StaticServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:41234/ */
  url: string;
  port: number;
  /** Every request served so far, in order. */
  requests: ServedRequest[];
  /** Requests answered 404 (a missing asset is usually a bug). */
  notFound(): string[];
  close(): Promise<void>;
}

export function mimeType(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

/**
 * The file a URL path names under root, Framework style: /x → x, x.html or x/index.html; / → index.html.
 * Undefined when missing or when the path would escape root.
 */
export async function resolveFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split(/[?#]/)[0]!);
  } catch {
    return undefined;
  }
  const base = path.resolve(root);
  const candidate = path.resolve(base, `.${path.posix.normalize(`/${decoded}`)}`);
  if (candidate !== base && !candidate.startsWith(base + path.sep)) return undefined;
  for (const file of [candidate, `${candidate}.html`, path.join(candidate, "index.html")]) {
    if (await isFile(file)) return file;
  }
  return undefined;
}

async function send(root: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return 405;
  }
  const file = await resolveFile(root, req.url ?? "/");
  if (!file) {
    const notFoundPage = await resolveFile(root, "/404.html");
    res.writeHead(404, { "content-type": notFoundPage ? MIME_TYPES[".html"]! : MIME_TYPES[".txt"]! });
    if (req.method === "HEAD" || !notFoundPage) res.end(req.method === "HEAD" ? undefined : "Not found");
    else createReadStream(notFoundPage).pipe(res);
    return 404;
  }
  const { size } = await stat(file);
  res.writeHead(200, { "content-type": mimeType(file), "content-length": size, "cache-control": "no-store" });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
  return 200;
}

/** Serve a directory (e.g. a built dist/) on 127.0.0.1 and a free port until close(). */
export async function startStaticServer(root: string, options: { port?: number } = {}): Promise<StaticServer> {
  const requests: ServedRequest[] = [];
  const server = createServer((req, res) => {
    send(root, req, res).then(
      (status) => requests.push({ method: req.method ?? "GET", path: req.url ?? "/", status }),
      (error: unknown) => {
        requests.push({ method: req.method ?? "GET", path: req.url ?? "/", status: 500 });
        if (!res.headersSent) res.writeHead(500, { "content-type": MIME_TYPES[".txt"]! });
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    notFound: () => requests.filter((r) => r.status === 404).map((r) => r.path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
