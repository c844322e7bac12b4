// Fills Observable Framework's npm cache from node_modules, so building the site asks no CDN or registry for anything.
//
// Framework 1.13 turns every `npm:` import (and the implicit ones: Plot, d3, Inputs, htl, Arrow,
// parquet-wasm …) into a path under /_npm/ and downloads it from jsDelivr unless the file already
// exists at <root>/.observablehq/cache/_npm/<name>@<version>/<file>. Versions come from the names of
// the directories found there, else from the npm registry. This module writes that cache itself:
//
//   npm:d3                   → _npm/d3@7.9.2/_esm.js            (jsDelivr's /npm/d3@7.9.2/+esm)
//   npm:@observablehq/plot   → _npm/@observablehq/plot@0.6.17/_esm.js
//   npm:foo/sub              → _npm/foo@1.2.3/sub._esm.js         (/npm/foo@1.2.3/sub/+esm)
//   npm:foo/file.wasm        → _npm/foo@1.2.3/file.wasm           (a copy of the file)
//
// Each file is one package bundled to browser ESM by esbuild. Imports of *other* ES-module packages
// stay imports, rewritten to relative paths of their own cached files (../d3-array@3.2.4/_esm.js) —
// the shape jsDelivr's +esm gives after Framework rewrites it — so d3-*, apache-arrow, htl, isoformat …
// are shared, not copied into every bundle. CommonJS dependencies are inlined instead: an ES module
// cannot `require()` a shared file, and without a CommonJS lexer their named exports are unknown.
import { existsSync, realpathSync } from "node:fs";
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { build, type BuildFailure, type Plugin } from "esbuild";
import { ChestError } from "../errors.ts";
import type { Logger } from "../log.ts";

/** The version given to packages Framework may refer to but that are not installed (lodash, leaflet …). */
export const NOT_INSTALLED_VERSION = "0.0.0-not-installed";

/** npm specifiers to cache beyond those found in Framework's own code and in the pages. Add here if a page builds an import name at run time. */
export const EXTRA_SPECIFIERS: readonly string[] = [];

/** Default subpaths Framework gives some packages (resolveNpmImport in framework/dist/npm.js). */
const DEFAULT_PATHS: Record<string, string> = {
  mermaid: "dist/mermaid.esm.min.mjs/+esm",
  echarts: "dist/echarts.esm.min.js/+esm",
  "jquery-ui": "dist/jquery-ui.js/+esm",
  "deck.gl": "dist.min.js/+esm",
  "react-dom": "client",
};

const PAGE_EXTENSIONS = new Set([".md", ".js", ".ts", ".jsx", ".tsx", ".html"]);
const JS_EXTENSIONS = new Set([".js", ".mjs", ".cjs"]);
const CONCURRENCY = 8;

export interface NpmSpecifier {
  name: string;
  range?: string;
  path?: string;
}

interface Wanted {
  specifier: string;
  /** Where it was found: "framework" (may be unused, so a missing package is stubbed) or a page file. */
  source: string;
}

interface Job {
  name: string;
  version: string;
  pkgDir: string;
  /** Directory esbuild resolves the entry from (where the importer sat). */
  resolveDir: string;
  /** Import path to bundle ("d3", "foo/sub"), or a file to copy for assets. */
  entry: string;
  /** Output path relative to the _npm directory. */
  output: string;
  action: "bundle" | "copy";
  /** Who asked for it: "framework", a page file, or "dependency". */
  source: string;
}

/** Parse "name@range/path" the way Framework does. */
export function parseNpmSpecifier(specifier: string): NpmSpecifier {
  const parts = specifier.split("/");
  const namerange = specifier.startsWith("@") ? [parts.shift(), parts.shift()].join("/") : parts.shift()!;
  const at = namerange.indexOf("@", 1);
  return {
    name: at > 0 ? namerange.slice(0, at) : namerange,
    range: at > 0 ? namerange.slice(at + 1) : undefined,
    path: parts.length > 0 ? parts.join("/") : undefined,
  };
}

/** The file under _npm/<name>@<version>/ that Framework requests for an import subpath. */
export function cacheFileFor(name: string, subpath: string | undefined): string {
  const p = subpath ?? DEFAULT_PATHS[name] ?? "+esm";
  if (path.posix.extname(p) || p === "" || p.endsWith("/")) return p;
  if (p === "+esm") return "_esm.js";
  return p.replace(/(?:\/\+esm)?$/, "._esm.js");
}

/** The import path (for esbuild) behind a cached file name: "_esm.js" → name, "sub._esm.js" → name/sub. */
function entryFor(name: string, file: string): string {
  if (file === "_esm.js") return name;
  if (file.endsWith("._esm.js")) return `${name}/${file.slice(0, -"._esm.js".length)}`;
  return `${name}/${file}`;
}

/** Find an installed package by walking up node_modules directories, as Node does. */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function readVersion(pkgDir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(pkgDir, "package.json"), "utf-8")) as { version?: string };
  if (!pkg.version) throw new ChestError(`${pkgDir}/package.json has no version`);
  return pkg.version;
}

/** The installed package a resolved file belongs to: the directory after the last node_modules/. */
function packageDirOf(file: string): { name: string; pkgDir: string } | undefined {
  const marker = `${path.sep}node_modules${path.sep}`;
  const i = file.lastIndexOf(marker);
  if (i < 0) return undefined;
  const rest = file.slice(i + marker.length).split(path.sep);
  const name = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  return { name, pkgDir: file.slice(0, i + marker.length) + name.split("/").join(path.sep) };
}

/** The directory holding the node_modules that holds pkgDir, for resolving the package by name. */
function resolveDirOf(pkgDir: string, name: string): string {
  return path.dirname(pkgDir.slice(0, pkgDir.length - name.length - 1));
}

function relativeImport(fromOutput: string, toOutput: string): string {
  const rel = path.posix.relative(path.posix.dirname(fromOutput), toOutput);
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/** Quoted "npm:…" literals whose body looks like a package specifier (not a template such as npm:${x}). */
function npmLiterals(source: string): string[] {
  const specifier = /^(?:@[\w.-]+\/)?[\w.-]+(?:@[^/\s]+)?(?:\/[^\s]*)?$/;
  return Array.from(source.matchAll(/["'`]npm:([^"'`\s]+)["'`]/g), (m) => m[1]!).filter((s) => specifier.test(s));
}

/** Framework's implicit imports that are mapped to its own bundled modules, never fetched. */
function frameworkBuiltins(resolversSource: string): Set<string> {
  return new Set(Array.from(resolversSource.matchAll(/\["npm:([^"]+)",\s*"\/_observablehq\//g), (m) => m[1]!));
}

async function* walk(dir: string, skip: (name: string) => boolean): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full, skip);
    else if (entry.isFile()) yield full;
  }
}

/** Every npm: specifier Framework's client, implicit-import tables and resolver can ask for. */
async function frameworkSpecifiers(frameworkDir: string): Promise<Wanted[]> {
  const dist = path.join(frameworkDir, "dist");
  const files = [path.join(dist, "libraries.js"), path.join(dist, "resolvers.js")];
  for await (const file of walk(path.join(dist, "client"), () => false)) if (file.endsWith(".js")) files.push(file);
  const builtins = frameworkBuiltins(await readFile(path.join(dist, "resolvers.js"), "utf-8"));
  const wanted: Wanted[] = [];
  for (const file of files) {
    for (const specifier of npmLiterals(await readFile(file, "utf-8"))) {
      if (!builtins.has(specifier)) wanted.push({ specifier, source: "framework" });
    }
  }
  return wanted;
}

/** npm: specifiers written in the site's own pages, components and modules. */
async function pageSpecifiers(root: string): Promise<Wanted[]> {
  const wanted: Wanted[] = [];
  const skip = (name: string) => name.startsWith(".") || name === "node_modules";
  for await (const file of walk(root, skip)) {
    if (!PAGE_EXTENSIONS.has(path.extname(file))) continue;
    for (const specifier of npmLiterals(await readFile(file, "utf-8"))) {
      wanted.push({ specifier, source: path.relative(root, file) });
    }
  }
  return wanted;
}

/** Decide the cache file(s) for one wanted specifier, or a stub when Framework names a package that is not installed. */
async function planTopLevel(want: Wanted, root: string, log: Logger): Promise<Job | { stub: string } | undefined> {
  const { name, range, path: subpath } = parseNpmSpecifier(want.specifier);
  const pkgDir = findPackageDir(name, root);
  if (!pkgDir) {
    if (want.source === "framework") return { stub: name };
    throw new ChestError(
      `npm:${want.specifier} (used in ${want.source}) is not installed: add ${name} to package.json so the site can be built offline`,
    );
  }
  const version = await readVersion(pkgDir);
  if (range && /^\d+\.\d+\.\d+/.test(range) && range !== version) {
    log.warn(`npm:${want.specifier} (in ${want.source}) asks for ${range} but ${version} is installed: Framework will try the CDN for it`);
  }
  const file = cacheFileFor(name, subpath);
  if (file === "" || file.endsWith("/")) return undefined; // a directory prefix (e.g. sql.js/dist/): nothing to fetch
  const output = `${name}@${version}/${file}`;
  const resolveDir = resolveDirOf(pkgDir, name);
  if (file.endsWith("_esm.js")) return { name, version, pkgDir, resolveDir, entry: entryFor(name, file), output, action: "bundle", source: want.source };
  const action = JS_EXTENSIONS.has(path.posix.extname(file)) ? "bundle" : "copy";
  return { name, version, pkgDir, resolveDir, entry: path.join(pkgDir, file), output, action, source: want.source };
}

/** Whether a package entry file is CommonJS (esbuild's own judgement; every import left external). */
async function isCommonJs(file: string, cache: Map<string, Promise<boolean>>): Promise<boolean> {
  let result = cache.get(file);
  if (!result) {
    const onlyEntry: Plugin = {
      name: "chest-only-entry",
      setup: (b) => b.onResolve({ filter: /.*/ }, (args) => (args.kind === "entry-point" ? undefined : { path: args.path, external: true })),
    };
    result = build({ entryPoints: [file], bundle: true, write: false, metafile: true, logLevel: "silent", plugins: [onlyEntry] }).then(
      (r) => Object.values(r.metafile.inputs).some((input) => input.format === "cjs"),
      () => false,
    );
    cache.set(file, result);
  }
  return result;
}

/** esbuild plugin: imports of other ES-module packages become relative imports of their cached files, queued for bundling. */
function sharedDependencies(job: Job, enqueue: (dep: Job) => void, formats: Map<string, Promise<boolean>>): Plugin {
  return {
    name: "chest-npm-shared-dependencies",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData?.inner || /^[a-z]+:/i.test(args.path)) return undefined;
        const resolved = await pluginBuild.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { inner: true },
        });
        if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== "file" || !resolved.path) return resolved;
        const owner = packageDirOf(resolved.path);
        if (!owner || owner.pkgDir === job.pkgDir) return { path: resolved.path, sideEffects: resolved.sideEffects };
        if (args.kind === "require-call" || (await isCommonJs(resolved.path, formats))) return { path: resolved.path, sideEffects: resolved.sideEffects };
        const { path: subpath } = parseNpmSpecifier(args.path);
        const version = await readVersion(owner.pkgDir);
        const file = subpath === undefined ? "_esm.js" : `${subpath}._esm.js`;
        const output = `${owner.name}@${version}/${file}`;
        enqueue({ name: owner.name, version, pkgDir: owner.pkgDir, resolveDir: args.resolveDir, entry: args.path, output, action: "bundle", source: "dependency" });
        return { path: relativeImport(job.output, output), external: true };
      });
    },
  };
}

async function bundleJob(job: Job, npmDir: string, enqueue: (dep: Job) => void, formats: Map<string, Promise<boolean>>, log: Logger): Promise<number> {
  try {
    const result = await build({
      entryPoints: [job.entry],
      absWorkingDir: job.resolveDir,
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      write: false,
      metafile: true,
      logLevel: "silent",
      define: { "process.env.NODE_ENV": '"production"' },
      plugins: [sharedDependencies(job, enqueue, formats)],
    });
    const entry = Object.values(result.metafile.outputs)[0]?.entryPoint;
    if (job.source !== "framework" && entry && result.metafile.inputs[entry]?.format === "cjs") {
      log.warn(`npm:${job.entry} is CommonJS: pages get only its default export`);
    }
    const text = result.outputFiles[0]!.text;
    const target = path.join(npmDir, job.output);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text, "utf-8");
    return Buffer.byteLength(text);
  } catch (error) {
    const detail = (error as BuildFailure).errors?.[0]?.text ?? String(error);
    throw new ChestError(`could not bundle npm:${job.entry} (${job.name}@${job.version}) for the browser: ${detail}`, undefined, { cause: error });
  }
}

async function copyJob(job: Job, npmDir: string, log: Logger): Promise<number> {
  if (!existsSync(job.entry)) {
    const message = `npm:${job.output}: ${job.entry} does not exist in the installed package`;
    if (job.source !== "framework") throw new ChestError(message);
    log.warn(`${message} (only needed if a page uses it)`);
    return 0;
  }
  const target = path.join(npmDir, job.output);
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(job.entry, target);
  return (await stat(target)).size;
}

/** A module that fails with a clear message if a page ever loads a package that is not installed. */
async function writeStub(npmDir: string, name: string): Promise<void> {
  const dir = path.join(npmDir, `${name}@${NOT_INSTALLED_VERSION}`);
  await mkdir(dir, { recursive: true });
  const message = `npm:${name} is not installed in Chest Atlas: add it to package.json so the site can be built offline`;
  await writeFile(path.join(dir, "_esm.js"), `throw new Error(${JSON.stringify(message)});\n`, "utf-8");
}

/** Run jobs (which may enqueue more) with bounded concurrency; each output path is written once. */
async function runJobs(initial: Job[], run: (job: Job, enqueue: (dep: Job) => void) => Promise<number>): Promise<{ done: Job[]; bytes: number }> {
  const seen = new Set<string>();
  const queue: Job[] = [];
  const done: Job[] = [];
  const enqueue = (job: Job) => {
    if (seen.has(job.output)) return;
    seen.add(job.output);
    queue.push(job);
  };
  initial.forEach(enqueue);
  let bytes = 0;
  while (queue.length > 0) {
    const wave = queue.splice(0, CONCURRENCY);
    const sizes = await Promise.all(wave.map((job) => run(job, enqueue)));
    bytes += sizes.reduce((a, b) => a + b, 0);
    done.push(...wave);
  }
  return { done, bytes };
}

function frameworkDirFrom(root: string): string {
  const found = findPackageDir("@observablehq/framework", root);
  if (found) return found;
  return path.dirname(createRequire(import.meta.url).resolve("@observablehq/framework/package.json"));
}

/**
 * Empty <root>/.observablehq/cache/_npm and fill it from node_modules with every package the site
 * can ask for: Framework's implicit imports, npm: imports in the pages, EXTRA_SPECIFIERS and `extra`,
 * plus everything those import. Returns the name@version directories written and their total size.
 */
export async function prefillNpmCache(
  root: string,
  log: Logger,
  options: { extra?: readonly string[] } = {},
): Promise<{ packages: string[]; bytes: number }> {
  const absRoot = path.resolve(root);
  const npmDir = path.join(absRoot, ".observablehq", "cache", "_npm");
  await rm(npmDir, { recursive: true, force: true });
  await mkdir(npmDir, { recursive: true });

  const extra = [...EXTRA_SPECIFIERS, ...(options.extra ?? [])].map((specifier) => ({ specifier, source: "the prefill list" }));
  const wanted = [...(await frameworkSpecifiers(frameworkDirFrom(absRoot))), ...(await pageSpecifiers(absRoot)), ...extra];
  const jobs: Job[] = [];
  const stubs = new Set<string>();
  for (const want of wanted) {
    const planned = await planTopLevel(want, absRoot, log);
    if (!planned) continue;
    if ("stub" in planned) stubs.add(planned.stub);
    else jobs.push(planned);
  }
  for (const name of stubs) await writeStub(npmDir, name);

  const formats = new Map<string, Promise<boolean>>();
  const { done, bytes } = await runJobs(jobs, (job, enqueue) =>
    job.action === "copy" ? copyJob(job, npmDir, log) : bundleJob(job, npmDir, enqueue, formats, log),
  );
  const packages = [...new Set(done.map((job) => `${job.name}@${job.version}`))].sort();
  log.info(`npm cache: ${packages.length} packages, ${done.length} files, ${(bytes / 1e6).toFixed(1)} MB from node_modules; ${stubs.size} not installed (stubbed)`);
  return { packages, bytes };
}
