// Builds the Observable Framework site from node_modules alone (no CDN, registry or telemetry) and makes every page stand-alone.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { ChestError, ExitCode } from "../errors.ts";
import type { Logger } from "../log.ts";
import { addIcon, allowZoom, fixSidebarList, labelSidebarToggle, setLang, stripGoogleFonts } from "./html-fixes.ts";
import { findPackageDir, NOT_INSTALLED_VERSION, prefillNpmCache } from "./npm-cache.ts";
import { clearStaleOutputs, swapIntoPlace, temporaryOutput } from "./output-swap.ts";
import { preloadData } from "./loaders.ts";
import { precompress } from "./precompress.ts";

export { addIcon, allowZoom, fixSidebarList, labelSidebarToggle, setLang, stripGoogleFonts };

export interface BuildSiteOptions {
  /** The Framework source root, e.g. "src" (relative to cwd). */
  root: string;
  /** The Framework config file; default <cwd>/observablehq.config.ts. */
  config?: string;
  log: Logger;
  /** The project directory Framework runs in (output and root are relative to it); default process.cwd(). */
  cwd?: string;
  /** More npm specifiers to cache, for imports the pages build at run time. */
  extraNpm?: readonly string[];
  /**
   * Run the data loaders (<root>/data/*.ts, all runLoader() loaders) in this process before Framework builds, instead of
   * Framework starting one Node process per loader (pipelines/site/loaders.ts). Needs CHEST_DB set for this process.
   */
  loadersInProcess?: boolean;
}

export interface BuiltSite {
  outDir: string;
  files: number;
  bytes: number;
}

/** A site build that failed or would reach outside the site; `detail` holds Framework's output tail. */
export class SiteBuildError extends ChestError {
  readonly detail: string;
  constructor(message: string, detail = "") {
    super(detail ? `${message}\n${detail}` : message, ExitCode.failure);
    this.name = "SiteBuildError";
    this.detail = detail;
  }
}

const TAIL_CHARS = 4000;
/** What Framework prints just before downloading from jsDelivr, the npm or jsr registry, or DuckDB's extension site: "npm:d3@6 →". */
const DOWNLOAD = /(?:^|\s)((?:npm|jsr|duckdb):\S+) \u2192/g;
/** <link rel> values that make the browser fetch something. */
const FETCHING_RELS = /\b(stylesheet|preload|modulepreload|preconnect|dns-prefetch|prefetch|icon|manifest)\b/i;

const requireHere = createRequire(import.meta.url);

/** Remove Framework's cached data-loader outputs under <root>/.observablehq/cache, keeping the _npm cache. */
export async function clearLoaderCache(root: string): Promise<void> {
  const cacheDir = path.join(path.resolve(root), ".observablehq", "cache");
  if (!existsSync(cacheDir)) return;
  for (const entry of await readdir(cacheDir)) {
    if (entry !== "_npm") await rm(path.join(cacheDir, entry), { recursive: true, force: true });
  }
}

interface SiteConfig {
  root?: string;
  output?: string;
  globalStylesheets?: unknown;
}

async function loadConfig(configPath: string): Promise<SiteConfig> {
  if (!existsSync(configPath)) throw new SiteBuildError(`Framework config not found: ${configPath}`);
  const { mtimeMs } = await stat(configPath);
  const module = (await import(`${pathToFileURL(configPath).href}?mtime=${mtimeMs}`)) as { default?: SiteConfig };
  if (!module.default || typeof module.default !== "object") throw new SiteBuildError(`${configPath} has no default export`);
  return module.default;
}

/** Keep the last part of a stream's text, for error messages. */
function tailKeeper() {
  let text = "";
  return {
    add(chunk: string) {
      text = (text + chunk).slice(-TAIL_CHARS);
    },
    get: () => text.trim(),
  };
}

interface FrameworkRun {
  code: number | null;
  stdoutTail: string;
  stderrTail: string;
  downloads: string[];
}

function frameworkCommand(cwd: string, configPath: string, root: string | undefined): { args: string[]; binDir: string } {
  const frameworkDir = findPackageDir("@observablehq/framework", cwd) ?? path.dirname(requireHere.resolve("@observablehq/framework/package.json"));
  const tsxDir = findPackageDir("tsx", cwd) ?? path.dirname(requireHere.resolve("tsx/package.json"));
  const tsxLoader = pathToFileURL(path.join(tsxDir, "dist", "loader.mjs")).href;
  const bin = path.join(frameworkDir, "dist", "bin", "observable.js");
  const args = ["--import", tsxLoader, bin, "build", "--config", configPath, ...(root ? ["--root", root] : [])];
  return { args, binDir: path.join(path.dirname(tsxDir), ".bin") };
}

/** A config for this run only: the site's own, with the output sent to the temporary folder. */
async function configWithOutput(configPath: string, output: string): Promise<{ file: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "chest-site-config-"));
  const file = path.join(dir, "observablehq.config.mjs");
  const source = `// The site config for one build, writing into a temporary folder that is swapped into place on success.
import * as site from ${JSON.stringify(pathToFileURL(configPath).href)};
// a CommonJS-scoped .js config arrives wrapped in { default }
const base = site.default?.default ?? site.default;
export default { ...base, output: ${JSON.stringify(output)} };
`;
  await writeFile(file, source, "utf-8");
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Run `observable build` in a child process: telemetry off, no colours, tsx on PATH for TypeScript data loaders. */
async function runFramework(cwd: string, configPath: string, root: string | undefined, log: Logger): Promise<FrameworkRun> {
  const { args, binDir } = frameworkCommand(cwd, configPath, root);
  const env: NodeJS.ProcessEnv = { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  env.PATH = [binDir, env.PATH].filter(Boolean).join(path.delimiter);
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  const stdout = tailKeeper();
  const stderr = tailKeeper();
  const downloads: string[] = [];
  const scan = (line: string) => {
    for (const [, specifier] of line.matchAll(DOWNLOAD)) downloads.push(specifier!);
    if (line.startsWith("load ")) log.progress(line.trim());
  };
  child.stdout.setEncoding("utf-8").on("data", (chunk: string) => stdout.add(chunk));
  child.stderr.setEncoding("utf-8").on("data", (chunk: string) => stderr.add(chunk));
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", scan);
  createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", scan);
  const code = await new Promise<number | null>((resolve, reject) => child.on("error", reject).on("close", resolve));
  return { code, stdoutTail: stdout.get(), stderrTail: stderr.get(), downloads };
}

async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.push(path.join(entry.parentPath, entry.name));
  }
  return files;
}

/** Absolute URLs the browser would fetch on opening this HTML (scripts, styles, images, frames, preloads); plain links don't count. */
export function externalResources(html: string): string[] {
  const found: string[] = [];
  for (const [tag, name] of html.matchAll(/<(script|link|img|iframe|source|video|audio|embed|object|image|use)\b[^>]*>/gi)) {
    if (name!.toLowerCase() === "link" && !FETCHING_RELS.test(/\brel="([^"]*)"/i.exec(tag)?.[1] ?? "")) continue;
    for (const [, url] of tag.matchAll(/\b(?:src|href|data|srcset|poster|xlink:href)="((?:https?:)?\/\/[^"]+)"/gi)) found.push(url!);
  }
  return found;
}

/** Absolute URLs a stylesheet would fetch (@import, url()). */
export function externalCssResources(css: string): string[] {
  return Array.from(css.matchAll(/(?:@import\s+(?:url\()?|url\()\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi), (m) => m[1]!);
}

/** Absolute URLs imported by JavaScript (static, dynamic or bare `import "…"`), in modules or inline scripts. */
export function externalImports(js: string): string[] {
  return Array.from(js.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)["'`]((?:https?:)?\/\/[^"'`]+)["'`]/g), (m) => m[1]!);
}

/** Make each page stand-alone and accessible: lang="en-GB", zoom allowed, the sidebar toggle named, an inline icon, no font CDN, nothing fetched from outside the site. */
async function postProcess(outDir: string, files: string[], log: Logger): Promise<void> {
  const outside: string[] = [];
  let strippedFonts = false;
  for (const file of files) {
    const rel = path.relative(outDir, file);
    if (file.endsWith(".html")) {
      const before = await readFile(file, "utf-8");
      const noFonts = stripGoogleFonts(before);
      strippedFonts ||= noFonts !== before;
      const after = addIcon(labelSidebarToggle(allowZoom(fixSidebarList(setLang(noFonts)))));
      if (after !== before) await writeFile(file, after, "utf-8");
      for (const url of [...externalResources(after), ...externalImports(after)]) outside.push(`${rel}: ${url}`);
    } else if (file.endsWith(".js")) {
      for (const url of externalImports(await readFile(file, "utf-8"))) outside.push(`${rel}: ${url}`);
    } else if (file.endsWith(".css")) {
      for (const url of externalCssResources(await readFile(file, "utf-8"))) outside.push(`${rel}: ${url}`);
    }
  }
  if (strippedFonts) log.warn("removed Google Fonts links: set globalStylesheets in the Framework config so none are written");
  if (outside.length > 0) throw new SiteBuildError("the built site would load files from outside itself:", outside.join("\n"));
}

/** Pages that pulled in a package which is not installed get its stub module; say which. */
async function checkNotInstalled(outDir: string): Promise<void> {
  const npmDir = path.join(outDir, "_npm");
  if (!existsSync(npmDir)) return;
  const entries = await readdir(npmDir, { recursive: true });
  const missing = entries.filter((e) => e.endsWith(`@${NOT_INSTALLED_VERSION}`)).map((e) => e.slice(0, -NOT_INSTALLED_VERSION.length - 1));
  if (missing.length > 0) {
    throw new SiteBuildError(`pages use npm packages that are not installed: ${missing.join(", ")}; add them to package.json so the site can be built offline`);
  }
}

function checkRoot(config: SiteConfig, configPath: string, cwd: string, root: string): void {
  if (config.root !== undefined && path.resolve(cwd, config.root) !== path.resolve(cwd, root)) {
    throw new SiteBuildError(`${configPath} has root "${config.root}" but the build was asked for root "${root}"`);
  }
}

/** Throw if Framework failed, tried to download anything, or wrote nothing. */
function checkRun(run: FrameworkRun, building: string): void {
  if (run.downloads.length > 0) {
    throw new SiteBuildError(
      "Framework tried to download packages the npm cache prefill did not provide (install them at the version the page asks for, or add the specifiers to EXTRA_SPECIFIERS in pipelines/site/npm-cache.ts):",
      [...new Set(run.downloads), "", run.stderrTail].join("\n").trim(),
    );
  }
  if (run.code !== 0) throw new SiteBuildError(`Framework build failed (exit ${run.code}):`, run.stderrTail || run.stdoutTail);
  if (!existsSync(building)) throw new SiteBuildError(`Framework reported success but wrote no ${building}`, run.stdoutTail);
}

/**
 * Prefill Framework's npm cache from node_modules, run `observable build` with telemetry off, and
 * post-process the output (lang="en-GB", zoom, labels, no external resources), precompress it, and swap it
 * into the output directory only when all of that succeeded (a failed or killed build leaves the previous
 * site in place). Returns the output directory and its size. Throws SiteBuildError if Framework fails or
 * tries to download anything.
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuiltSite> {
  const { log } = options;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const configPath = path.resolve(cwd, options.config ?? "observablehq.config.ts");
  const config = await loadConfig(configPath);
  checkRoot(config, configPath, cwd, options.root);
  if (config.globalStylesheets === undefined) log.warn(`${configPath} sets no globalStylesheets: Framework will link Google Fonts (removed afterwards)`);
  const outDir = path.resolve(cwd, config.output ?? "dist");

  await prefillNpmCache(path.resolve(cwd, options.root), log, { extra: options.extraNpm });
  if (options.loadersInProcess) log.progress(`data loaders run in this process: ${await preloadData(path.resolve(cwd, options.root), log)} outputs`);
  await clearStaleOutputs(outDir);
  const building = temporaryOutput(outDir);
  const runConfig = await configWithOutput(configPath, building);
  try {
    log.info(`building site from ${options.root} into ${path.relative(cwd, outDir) || "."} (via ${path.basename(building)})`);
    const run = await runFramework(cwd, runConfig.file, config.root === undefined ? options.root : undefined, log);
    checkRun(run, building);
    if (run.stderrTail) log.progress(`framework (loader messages): ${run.stderrTail}`);
    await checkNotInstalled(building);
    const files = await listFiles(building);
    await postProcess(building, files, log);
    const compressed = await precompress(files);
    log.progress(`precompressed ${compressed.files} files: ${(compressed.bytes / 1e6).toFixed(1)} MB → ${(compressed.brotliBytes / 1e6).toFixed(1)} MB brotli`);
    let bytes = 0;
    for (const file of files) bytes += (await stat(file)).size;
    await swapIntoPlace(building, outDir);
    log.info(`site built: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${path.relative(cwd, outDir) || "."}`);
    return { outDir, files: files.length, bytes };
  } finally {
    await runConfig.dispose();
    await rm(building, { recursive: true, force: true });
  }
}
