// The `chest` command line: parses arguments, runs one command, and turns typed errors into messages and exit codes.
import { resolve } from "node:path";
import { ChestError, ExitCode } from "../errors.ts";
import { consoleLogger, type Logger } from "../log.ts";
import { loadPlace } from "../place/load.ts";
import { fetchSources } from "../fetch/fetch.ts";
import { build } from "../build/build.ts";
import { runQuery, toCsv, toTable } from "../query/query.ts";
import { helpText, parseCommandLine, type Parsed } from "./args.ts";
import { updateDatabase } from "../build/update.ts";
import { inputKinds, registerInput, type InputKind } from "../inputs/registry.ts";
import { inputStages, type InputContext } from "../inputs/stages.ts";
import "../inputs/readers.ts";
import { runDemo } from "../demo/run.ts";
import { UsageError } from "../errors.ts";

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

async function doBuild(values: Values, log: Logger) {
  const place = loadPlace(values.place as string);
  const ctx: InputContext = { place, reportsDir, log };
  await build({ place, rawDir: values.raw as string, dbPath: values.db as string, log }, inputStages(values.inputs as string, ctx));
}

async function doIngest(values: Values, positionals: string[], log: Logger) {
  const [kind, ...files] = positionals;
  if (!inputKinds.includes(kind as InputKind)) throw new UsageError(`first argument must be one of ${inputKinds.join(", ")}, not "${kind}"`);
  if (!files.length) throw new UsageError(`name at least one ${kind} file`);
  const place = loadPlace(values.place as string);
  const inputsDir = values.inputs as string;
  for (const file of files) {
    const { path, added } = registerInput(inputsDir, kind as InputKind, file);
    log.info(added ? `${file}: registered as ${path}` : `${file}: already ingested (same content as ${path}), nothing new`);
  }
  const stages = inputStages(inputsDir, { place, reportsDir, log }, [kind as InputKind]);
  if (!stages.length) throw new UsageError(`no reader for ${kind} yet`);
  await updateDatabase(values.db as string, stages, log);
}

async function doSite(values: Values, log: Logger) {
  const { buildSite, clearLoaderCache } = await import("../site/build.ts");
  process.env.CHEST_DB = resolve(values.db as string);
  clearLoaderCache("src");
  const result = await buildSite({ root: "src", log });
  log.info(`site: ${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.outDir}`);
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
  switch (spec.name) {
    case "fetch":
      await doFetch(values, log);
      break;
    case "build":
      await doBuild(values, log);
      break;
    case "ingest":
      await doIngest(values, positionals, log);
      break;
    case "demo":
      await runDemo({ place: loadPlace(values.place as string), dbPath: values.db as string, inputsDir: values.inputs as string, seed: Number(values.seed), reportsDir, log });
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
      if (values.demo)
        await runDemo({ place: loadPlace(values.place as string), dbPath: values.db as string, inputsDir: values.inputs as string, seed: Number(values.seed), reportsDir, log });
      await doSite(values, log);
      if (values.serve) await doServe(values, log);
      break;
  }
  return ExitCode.ok;
}

const isEntry = process.argv[1] && /cli[\\/]main\.ts$|bin[\\/]chest\.js$/.test(process.argv[1]);
if (isEntry || process.env.CHEST_CLI === "1") {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ChestError) {
        process.stderr.write(`chest: ${error.message}\n`);
        process.exit(error.exitCode);
      }
      process.stderr.write(`chest: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(ExitCode.failure);
    },
  );
}
