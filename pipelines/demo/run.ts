// `chest demo`: generate each synthetic input from the built database, register it, and ingest it through the normal path.
import { join } from "node:path";
import { openDb } from "../db/connection.ts";
import { updateDatabase } from "../build/update.ts";
import { registerInput, registeredInputs, type InputKind } from "../inputs/registry.ts";
import { inputStages, type InputContext } from "../inputs/stages.ts";
import { demoGenerators, demoOrder } from "./generators.ts";
import { rmSync } from "node:fs";

export interface DemoOptions extends InputContext {
  dbPath: string;
  inputsDir: string;
  seed: number;
  /** Where the generated files are written (data/demo/<place> by default). */
  demoDir?: string;
  /** Only these kinds of input (default: every kind with a generator). */
  kinds?: InputKind[];
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const { log } = options;
  const outDir = options.demoDir ?? join("data", "demo", options.place.id);
  for (const kind of demoOrder) {
    const generate = demoGenerators[kind];
    if (!generate || (options.kinds && !options.kinds.includes(kind))) continue;
    // The demo replaces earlier demo files of this kind, so a re-run with another seed does not pile up.
    for (const old of registeredInputs(options.inputsDir, kind)) if (old.includes("--demo-")) rmSync(old);
    const db = await openDb(options.dbPath, { readOnly: true });
    let files: string[];
    try {
      files = await generate({ db, place: options.place, outDir: join(outDir, kind), seed: options.seed, rawDir: options.rawDir, log });
    } finally {
      db.close();
    }
    for (const file of files) registerInput(options.inputsDir, kind, file);
    log.info(`demo: ${kind}: ${files.length} synthetic file(s) generated and registered`);
    const { place, reportsDir, rawDir, postcodes } = options;
    await updateDatabase(options.dbPath, inputStages(options.inputsDir, { place, reportsDir, rawDir, postcodes, log }, [kind]), log);
  }
}
