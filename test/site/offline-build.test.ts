// Proves the site builds with zero network requests and that the built pages render offline in Chromium (Plot, d3, Inputs, htl, Parquet).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { addIcon, clearLoaderCache, externalCssResources, externalImports, externalResources, setLang, stripGoogleFonts } from "../../pipelines/site/build.ts";
import { cacheFileFor, parseNpmSpecifier } from "../../pipelines/site/npm-cache.ts";
import { isLoopbackUrl, launchBrowser, openPage } from "../support/browser.ts";
import { startStaticServer } from "../support/static-server.ts";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const fixtureRoot = "test/fixtures/site-mini";
const fixtureConfig = `${fixtureRoot}/observablehq.config.ts`;
const outputDir = path.join(repo, "test", "output");
const distDir = path.join(outputDir, "site-mini-dist"); // the fixture config's `output`
const networkLog = path.join(outputDir, "site-mini-network.log");

/** Three areas with hostile names (quote, apostrophe, ampersand); DOUBLE so Arrow gives numbers, not BigInts. */
async function writeFixtureParquet(file: string): Promise<void> {
  const db = await openDb();
  try {
    await db.run(`COPY (
      SELECT * FROM (VALUES
        ('E01000001', 'Shoreditch North', 'Hackney', 72.5::DOUBLE),
        ('E01000002', 'King''s Cross & St Pancras', 'Camden', 35.0::DOUBLE),
        ('E01000003', 'Dalston "Junction"', 'Hackney', 91.0::DOUBLE)
      ) AS t(code, name, borough, need)
      ORDER BY code
    ) TO ${literal(file)} (FORMAT parquet)`);
  } finally {
    db.close();
  }
}

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run buildSite in a fresh Node process with the network guard preloaded (it passes itself on to Framework's process). */
function buildInGuardedChild(): Promise<ChildRun> {
  const module = (p: string) => JSON.stringify(pathToFileURL(path.join(repo, p)).href);
  const script = `
    import { buildSite } from ${module("pipelines/site/build.ts")};
    import { consoleLogger } from ${module("pipelines/log.ts")};
    const site = await buildSite({ root: ${JSON.stringify(fixtureRoot)}, config: ${JSON.stringify(fixtureConfig)}, log: consoleLogger() });
    process.stdout.write(JSON.stringify(site) + "\\n");
  `;
  const guard = pathToFileURL(path.join(repo, "test", "support", "no-network.mjs")).href;
  const args = ["--import", guard, "--import", "tsx", "--input-type=module", "--eval", script];
  const env: NodeJS.ProcessEnv = { ...process.env, CHEST_NETWORK_LOG: networkLog };
  delete env.CHEST_NETWORK_ALLOW_LOOPBACK;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf-8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf-8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject).on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function installedVersion(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(repo, "node_modules", name, "package.json"), "utf-8")) as { version: string };
  return pkg.version;
}

/** The hashed module Framework wrote for a cached package, e.g. dist/_npm/d3@7.9.2/3823780a.js. */
async function npmModule(name: string): Promise<string | undefined> {
  const dir = path.join(distDir, "_npm", `${name}@${await installedVersion(name)}`);
  if (!existsSync(dir)) return undefined;
  const js = (await readdir(dir)).find((f) => /^[0-9a-f]{8}\.js$/.test(f));
  return js && path.join(dir, js);
}

describe("npm cache layout", () => {
  it("puts each import where Framework's own resolveNpmImport looks for it", async () => {
    // @ts-expect-error Framework ships no type declarations
    const { resolveNpmImport } = (await import("@observablehq/framework/dist/npm.js")) as {
      resolveNpmImport(root: string, specifier: string): Promise<string>;
    };
    const specifiers = ["d3@7.9.2", "@observablehq/plot@0.6.17", "parquet-wasm@0.7.1/esm/parquet_wasm_bg.wasm", "foo@1.0.0/sub", "foo@1.0.0/dist/x.js", "foo@1.0.0/a/+esm", "react-dom@18.0.0", "sql.js@1.0.0/dist/"];
    for (const specifier of specifiers) {
      const { name, range, path: subpath } = parseNpmSpecifier(specifier);
      // An exact version makes Framework answer without its version cache or the registry.
      expect(`/_npm/${name}@${range}/${cacheFileFor(name, subpath)}`, specifier).toBe(await resolveNpmImport(tmpdir(), specifier));
    }
  });

  it("clears data-loader outputs but keeps the _npm cache", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "chest-cache-"));
    try {
      const cache = path.join(root, ".observablehq", "cache");
      await mkdir(path.join(cache, "_npm", "d3@7.9.2"), { recursive: true });
      await mkdir(path.join(cache, "data"), { recursive: true });
      await writeFile(path.join(cache, "data", "areas.parquet"), "stale");
      await writeFile(path.join(cache, "_build.json"), "{}");
      await clearLoaderCache(root);
      expect(await readdir(cache)).toEqual(["_npm"]);
      expect(await readdir(path.join(cache, "_npm"))).toEqual(["d3@7.9.2"]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("html post-processing", () => {
  it("sets lang=en-GB on the html element, replacing any other", () => {
    expect(setLang("<!DOCTYPE html>\n<html>\n<head>")).toBe('<!DOCTYPE html>\n<html lang="en-GB">\n<head>');
    expect(setLang('<html lang="en" class="x">')).toBe('<html lang="en-GB" class="x">');
  });

  it("strips Google Fonts links", () => {
    const html = '<head>\n<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>\n<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Source+Serif+4">\n<link rel="stylesheet" href="./style.css">\n</head>';
    expect(stripGoogleFonts(html)).toBe('<head>\n<link rel="stylesheet" href="./style.css">\n</head>');
  });

  it("gives every page an inline icon (no request, so no /favicon.ico 404 in the console), once", () => {
    const page = addIcon("<html><head>\n<title>Overview</title>\n</head><body></body></html>");
    const [tag] = page.match(/<link rel="icon"[^>]*>/) ?? [];
    expect(tag).toMatch(/^<link rel="icon" type="image\/svg\+xml" href="data:image\/svg\+xml,%3Csvg/);
    expect(page.indexOf(tag!)).toBeLessThan(page.indexOf("</head>"));
    expect(addIcon(page)).toBe(page);
    expect(externalResources(page)).toEqual([]);
  });

  it("finds what a page would fetch from elsewhere, but not plain links", () => {
    const html = `<a href="https://www.nationalarchives.gov.uk/">OGL</a><link rel="canonical" href="https://example.org/">
      <script src="https://cdn.example/x.js"></script><link rel="modulepreload" href="//cdn.example/y.js"><img src="./local.png"><img src="https://img.example/z.png">`;
    expect(externalResources(html)).toEqual(["https://cdn.example/x.js", "//cdn.example/y.js", "https://img.example/z.png"]);
    expect(externalImports(`import {a} from "./a.js"; import("https://esm.sh/b"); export * from 'https://cdn.example/c.js'; import "https://cdn.example/d.js";`)).toEqual([
      "https://esm.sh/b",
      "https://cdn.example/c.js",
      "https://cdn.example/d.js",
    ]);
    expect(externalCssResources(`@import url("https://fonts.example/a.css"); .x { background: url(./local.png) } .y { background: url('https://img.example/b.png') }`)).toEqual([
      "https://fonts.example/a.css",
      "https://img.example/b.png",
    ]);
  });
});

describe("offline site build", () => {
  let run: ChildRun;

  beforeAll(async () => {
    await mkdir(outputDir, { recursive: true });
    await rm(networkLog, { force: true });
    await writeFixtureParquet(path.join(repo, fixtureRoot, "data.parquet"));
    run = await buildInGuardedChild();
  }, 180_000);

  it("builds with the network guard on, attempting no network access", async () => {
    expect(run.code, `build failed:\n${run.stderr}`).toBe(0);
    const attempts = existsSync(networkLog) ? (await readFile(networkLog, "utf-8")).trim() : "";
    expect(attempts, "network attempts were recorded").toBe("");
    const site = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { outDir: string; files: number; bytes: number };
    expect(site.outDir).toBe(distDir);
    expect(site.files).toBeGreaterThan(10);
  });

  it("writes pages in English with no font CDN and the OGL attribution", async () => {
    const html = await readFile(path.join(distDir, "index.html"), "utf-8");
    expect(html).toMatch(/<html lang="en-GB">/);
    expect(html).not.toMatch(/fonts\.(googleapis|gstatic)\.com/);
    expect(html).not.toMatch(/<(script|link)\b[^>]*\b(src|href)="https?:/);
    expect(html).toContain("Open Government Licence v3.0");
  });

  it("copies the packages from node_modules into dist/_npm, with shared dependencies kept shared", async () => {
    for (const name of ["@observablehq/plot", "d3", "htl", "isoformat", "apache-arrow", "parquet-wasm"]) {
      expect(await npmModule(name), `dist/_npm has no module for ${name}`).toBeTruthy();
    }
    const parquetWasm = path.join(distDir, "_npm", `parquet-wasm@${await installedVersion("parquet-wasm")}`, "esm", "parquet_wasm_bg.wasm");
    expect(existsSync(parquetWasm)).toBe(true);
    const plot = await readFile((await npmModule("@observablehq/plot"))!, "utf-8");
    const d3 = await installedVersion("d3");
    expect(plot).toMatch(new RegExp(`from"\\.\\./\\.\\./d3@${d3.replaceAll(".", "\\.")}/[0-9a-f]{8}\\.js"`));
    const d3Module = await readFile((await npmModule("d3"))!, "utf-8");
    expect(d3Module).toMatch(/export\*from"\.\.\/d3-array@[\d.]+\/[0-9a-f]{8}\.js"/);
    const npmEntries = await readdir(path.join(distDir, "_npm"), { recursive: true });
    // d3@7 needs d3-geo@3, installed under node_modules/d3/node_modules (the top-level d3-geo is 2.x, for another package).
    expect(npmEntries.filter((e) => /^d3-geo@[^/]+$/.test(e))).toEqual(["d3-geo@3.1.2"]);
    expect(npmEntries.filter((e) => e.includes("not-installed"))).toEqual([]);
  });

  describe("in Chromium, served from 127.0.0.1", () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("renders the Plot map, the Inputs select and the Parquet rows with no errors and no outside requests", async () => {
      const server = await startStaticServer(distDir);
      const session = await openPage(server.url, { browser });
      try {
        const { page } = session;
        await page.waitForFunction(() => document.querySelectorAll('g[aria-label="geo"] path').length === 3, null, { timeout: 30_000 });
        await page.waitForSelector("#parquet-rows tbody tr:nth-child(3)", { timeout: 30_000 });
        await page.screenshot({ path: path.join(outputDir, "site-mini.png"), fullPage: true });

        const rows = await page.locator("#parquet-rows tbody tr").allInnerTexts();
        expect(rows.map((r) => r.split("\t"))).toEqual([
          ["E01000001", "Shoreditch North", "Hackney", "72.5"],
          ["E01000002", "King's Cross & St Pancras", "Camden", "35.0"],
          ["E01000003", 'Dalston "Junction"', "Hackney", "91.0"],
        ]);
        await expect.poll(() => page.locator("#summary").innerText()).toBe("3 areas shown; mean need 66.2.");

        await page.getByLabel("Borough").selectOption("Camden");
        await expect.poll(() => page.locator("#parquet-rows tbody tr").count()).toBe(1);
        await expect.poll(() => page.locator("#summary").innerText()).toBe("1 areas shown; mean need 35.0.");

        expect(session.consoleErrors).toEqual([]);
        expect(session.consoleWarnings.filter((w) => /mime|wasm/i.test(w))).toEqual([]);
        expect(session.externalRequests).toEqual([]);
        expect(session.failedRequests).toEqual([]);
        expect(server.notFound()).toEqual([]);
        expect(session.requests.filter((url) => !isLoopbackUrl(url))).toEqual([]);
        expect(server.requests.some((r) => r.path.endsWith("parquet_wasm_bg.wasm") && r.status === 200)).toBe(true);
      } finally {
        await session.close();
        await server.close();
      }
    });
  });
});
