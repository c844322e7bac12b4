// The `chest` command line: parses arguments, runs one command, and turns typed errors into messages and exit codes.
import { dirname, join, resolve } from "node:path";
import { ChestError, ExitCode } from "../errors.ts";
import { consoleLogger, type Logger } from "../log.ts";
import { loadPlace } from "../place/load.ts";
import { fetchSources } from "../fetch/fetch.ts";
import { build } from "../build/build.ts";
import { runQuery, toCsv, toTable } from "../query/query.ts";
import { helpText, parseCommandLine, type Parsed } from "./args.ts";
import { reconcileInputs } from "../inputs/registry.ts";
import { inputStages, type InputContext } from "../inputs/stages.ts";
import { ingestFiles, listInputs, removeInput } from "../inputs/ingest.ts";
import { inputsCsv, inputsTable } from "../inputs/listing.ts";
import { runDemo } from "../demo/run.ts";
import { UsageError } from "../errors.ts";
import { acquireRunLock, withRunLock } from "../build/lock.ts";
import { withDemoRounds } from "../place/demo-rounds.ts";

type Values = Parsed["values"];

function mirrorOf(values: Values): string | undefined {
  const dir = (values.mirror as string | undefined) ?? process.env.CHEST_MIRROR;
  return dir ? resolve(dir) : undefined;
}

async function doFetch(values: Values, log: Logger) {
  const place = loadPlace(values.place as string);
  await fetchSources({ place, rawDir: values.raw as string, mirror: mirrorOf(values), log });
}

export const reportsDir = "data/out/rejects";

/** The place file, plus the demo's synthetic rounds while the demo grants are among the stored inputs. */
function placeOf(values: Values) {
  return withDemoRounds(loadPlace(values.place as string), (values.inputs as string | undefined) ?? "data/inputs");
}

/** Where ingested files are kept: --inputs, then the inputs folder beside the database (data/inputs by data/chest.duckdb). */
function inputsFolders(values: Values): string[] {
  return [...new Set([(values.inputs as string | undefined) ?? "data/inputs", join(dirname(values.db as string), "inputs")])];
}

function inputContext(values: Values, log: Logger): InputContext {
  const place = placeOf(values);
  const postcodes = (values.postcodes as string | undefined) ?? process.env.CHEST_POSTCODES ?? null;
  return { place, reportsDir, log, rawDir: values.raw as string, postcodes: postcodes || null };
}

async function doBuild(values: Values, log: Logger) {
  const ctx = inputContext(values, log);
  const inputs = await reconcileInputs(values.inputs as string, values.db as string);
  await build({ place: ctx.place, rawDir: values.raw as string, dbPath: values.db as string, log }, inputStages(inputs, ctx));
}

async function doIngest(values: Values, positionals: string[], log: Logger) {
  const [kind, ...files] = positionals;
  await ingestFiles(kind, files, { ...inputContext(values, log), dbPath: values.db as string, inputsDir: values.inputs as string });
}

async function doInputs(values: Values, positionals: string[], log: Logger) {
  const [action, which, ...rest] = positionals;
  if (action === "remove") {
    if (!which || rest.length) throw new UsageError("chest inputs remove takes one NAME or ID (see `chest inputs`)");
    await removeInput(which, { ...inputContext(values, log), dbPath: values.db as string, inputsDir: values.inputs as string });
    return;
  }
  if (action !== undefined) throw new UsageError(`chest inputs takes no argument or "remove NAME|ID", not "${action}"`);
  const rows = await listInputs(values.db as string);
  if (!rows.length) {
    process.stdout.write("no files ingested yet (chest ingest KIND FILE…)\n");
    return;
  }
  process.stdout.write(values.csv ? toCsv(inputsCsv(rows)) : toTable(inputsTable(rows), 10_000));
}

async function doExport(values: Values, positionals: string[], log: Logger) {
  const [what] = positionals;
  if (what === "reminders") {
    const { exportReminders } = await import("../outcomes/export.ts");
    const { withDatabaseAt } = await import("../publish/database.ts");
    const place = placeOf(values);
    const path = await withDatabaseAt(values.db as string, (db) => exportReminders(db, place, values.out as string));
    log.info(`export: ${path}`);
    return;
  }
  if (what !== "grants") throw new UsageError(`chest export can write grants or reminders, not "${what}"`);
  const scope = values.scope as string;
  if (scope !== "rounds" && scope !== "all") throw new UsageError(`--scope must be rounds or all, not "${scope}"`);
  const { exportGrants } = await import("../grants/export.ts");
  const { withDatabaseAt } = await import("../publish/database.ts");
  const place = placeOf(values);
  const result = await withDatabaseAt(values.db as string, (db) => exportGrants(db, place, { outDir: values.out as string, scope, inputsDirs: inputsFolders(values) }));
  if (result.note) log.warn(`export: ${result.note}`);
  log.info(`export: ${result.grants.toLocaleString("en-GB")} grant(s) (${result.scope === "all" ? "all ingested grants" : "the place's rounds"})`);
  log.info(`export: ${result.json}`);
  log.info(`export: ${result.csv}`);
}

async function doPlace(values: Values, positionals: string[], log: Logger) {
  const [verb, ...terms] = positionals;
  if (verb !== "new") throw new UsageError(`chest place can only make a new place file: chest place new TERM..., not "${verb}"`);
  const partnerships = values.partnerships as string;
  if (partnerships !== "district" && partnerships !== "sub-icb") throw new UsageError(`--partnerships must be district or sub-icb, not "${partnerships}"`);
  const { newPlace } = await import("../place/new.ts");
  await newPlace({
    terms,
    partnerships,
    id: values.id as string | undefined,
    name: values.name as string | undefined,
    rawDir: values.raw as string,
    mirror: mirrorOf(values),
    outDir: values.out as string,
    force: Boolean(values.force),
    log,
  });
}

async function doTemplate(values: Values, positionals: string[], log: Logger) {
  const [what] = positionals;
  if (what !== "outcomes") throw new UsageError(`chest template can write the outcomes monitoring return only, not "${what}"`);
  const { writeTemplate } = await import("../outcomes/template.ts");
  const { withDatabaseAt } = await import("../publish/database.ts");
  const place = placeOf(values);
  const result = await withDatabaseAt(values.db as string, (db) => writeTemplate(db, { place, roundId: values.round as string | undefined, out: values.out as string }));
  log.info(`template: ${result.path} (${result.grants} grants listed)`);
}

async function doSite(values: Values, log: Logger) {
  const { buildSite, clearLoaderCache } = await import("../site/build.ts");
  // One site build at a time (dist.lock): two at once share the data loaders' outputs under src/.observablehq/cache,
  // and one's clearing and writing them reached the other's pages (a dist/ with figures from two databases).
  const lock = acquireRunLock(resolve("dist"), `chest site --db ${values.db as string}`, log, "build the site (dist/ and the data loaders' cache)");
  try {
    process.env.CHEST_DB = resolve(values.db as string);
    await clearLoaderCache("src");
    const result = await buildSite({ root: "src", log, loadersInProcess: true });
    log.info(`site: ${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.outDir}`);
  } finally {
    lock.release();
  }
}

async function doServe(values: Values, log: Logger) {
  const { serveStatic } = await import("../site/serve.ts");
  const server = await serveStatic("dist", Number(values.port));
  log.info(`dashboard: open ${server.url} (Ctrl+C to stop)`);
  await new Promise(() => {});
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (parsed.help) {
    process.stdout.write(helpText(parsed.spec) + "\n");
    return ExitCode.ok;
  }
  const { spec, values, positionals } = parsed;
  const log = consoleLogger({ quiet: Boolean(values.quiet) });
  if (writers.has(spec.name)) {
    // One writing run at a time on a database (pipelines/build/lock.ts).
    const dirs = [values.inputs as string, values.raw as string, reportsDir].filter(Boolean);
    await withRunLock(values.db as string, ["chest", ...argv].join(" "), dirs, log, async () => {
      // A run killed after storing a copy and before renaming its database into place left a copy the database does
      // not list: take it away before anything reads the folder (the demo's rounds apply while demo grants are stored).
      // Not for a listing, which deletes nothing: `chest inputs --db older-copy.duckdb` must not take the newer copies.
      if (!(spec.name === "inputs" && positionals[0] !== "remove")) await reconcileInputs(values.inputs as string, values.db as string);
      await runCommand(spec.name, values, positionals, log);
    });
    // Serving writes nothing: the lock is released first.
    if (spec.name === "run" && values.serve) await doServe(values, log);
  } else await runCommand(spec.name, values, positionals, log);
  return ExitCode.ok;
}

/** Commands that write the database or data/inputs, and so take the run lock. */
const writers = new Set(["ingest", "inputs", "build", "demo", "run"]);

async function runCommand(name: string, values: Values, positionals: string[], log: Logger): Promise<void> {
  switch (name) {
    case "fetch":
      await doFetch(values, log);
      break;
    case "build":
      await doBuild(values, log);
      break;
    case "ingest":
      await doIngest(values, positionals, log);
      break;
    case "inputs":
      await doInputs(values, positionals, log);
      break;
    case "demo":
      await runDemo({ ...inputContext(values, log), dbPath: values.db as string, inputsDir: values.inputs as string, seed: Number(values.seed) });
      break;
    case "export":
      await doExport(values, positionals, log);
      break;
    case "place":
      await doPlace(values, positionals, log);
      break;
    case "template":
      await doTemplate(values, positionals, log);
      break;
    case "query": {
      const result = await runQuery(values.db as string, positionals.join(" "));
      process.stdout.write(values.csv ? toCsv(result) : toTable(result));
      break;
    }
    case "site":
      await doSite(values, log);
      break;
    case "serve":
      await doServe(values, log);
      break;
    case "run":
      await doFetch(values, log);
      await doBuild(values, log);
      if (values.demo) await runDemo({ ...inputContext(values, log), dbPath: values.db as string, inputsDir: values.inputs as string, seed: Number(values.seed) });
      await doSite(values, log);
      break;
  }
}

/** A message cut to 4,000 characters (a file with 100,000 column names named them all: ~600 KB), saying how much was left out. */
export function boundedMessage(text: string, max = 4_000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${(text.length - max).toLocaleString("en-GB")} more characters)`;
}

const isEntry = process.argv[1] && /cli[\\/]main\.ts$|bin[\\/]chest\.js$/.test(process.argv[1]);
if (isEntry || process.env.CHEST_CLI === "1") {
  // Exit once the message is written: on a pipe stderr is asynchronous, and exiting at once cut long messages short.
  const fail = (text: string, code: number) => process.stderr.write(`chest: ${boundedMessage(text)}\n`, () => process.exit(code));
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ChestError) fail(error.message, error.exitCode);
      else fail(`unexpected error: ${(error as Error)?.stack ?? String(error)}`, ExitCode.failure);
    },
  );
}
