// `chest demo`: generate each synthetic input from the built database, store it, and load it through the normal ingest path (kinds in the order pipelines/inputs/kinds.ts lists them).
import { join } from "node:path";
import { rmSync } from "node:fs";
import { openDb } from "../db/connection.ts";
import { updateDatabase } from "../build/update.ts";
import { inputKindList } from "../inputs/kinds.ts";
import { reconcileInputs, storeInput } from "../inputs/registry.ts";
import { crossKindStages, inputStages, type InputContext } from "../inputs/stages.ts";
import type { InputFile } from "../kit/kind.ts";
import { recordDemoRounds, withDemoRounds } from "../place/demo-rounds.ts";

export interface DemoOptions extends InputContext {
  dbPath: string;
  inputsDir: string;
  seed: number;
  /** Where the generated files are written (data/demo/<place> by default). */
  demoDir?: string;
  /** Only these kinds of input (default: every kind with a generator). */
  kinds?: string[];
}

/**
 * Kinds whose demo generators read the need stage's tables (the decision records and applications split each pot by
 * need_area): the cross-kind stages (need, assessment) run before them if anything changed, and otherwise once at the end.
 */
const GENERATORS_READING_NEED: readonly string[] = ["decisions", "applications"];

export async function runDemo(options: DemoOptions): Promise<void> {
  const { log } = options;
  const outDir = options.demoDir ?? join("data", "demo", options.place.id);
  // The synthetic rounds live beside the inputs, not in the place file; they apply while demo grants are stored.
  recordDemoRounds(options.place, options.inputsDir);
  // Kinds loaded since need and the assessment last ran: they run once for all of them, not once per kind.
  let changed: string[] = [];
  const runCrossKind = async () => {
    const { reportsDir, rawDir, postcodes } = options;
    const stages = crossKindStages({ place: withDemoRounds(options.place, options.inputsDir), reportsDir, rawDir, postcodes, log }, changed);
    if (stages.length > 0) await updateDatabase(options.dbPath, stages, log);
    changed = [];
  };
  for (const kind of inputKindList) {
    const generate = kind.demo;
    if (!generate || (options.kinds && !options.kinds.includes(kind.name))) continue;
    if (GENERATORS_READING_NEED.includes(kind.name)) await runCrossKind();
    const current = await reconcileInputs(options.inputsDir, options.dbPath);
    const db = await openDb(options.dbPath, { readOnly: true });
    let files: string[];
    try {
      files = await generate({ db, place: withDemoRounds(options.place, options.inputsDir), outDir: join(outDir, kind.name), seed: options.seed, rawDir: options.rawDir, log });
    } finally {
      db.close();
    }
    // The demo replaces earlier demo files of this kind, so a re-run with another seed does not pile up; the old copies
    // are deleted only after the database that no longer lists them is in place.
    const old = current.filter((f) => f.kind === kind.name && f.name.startsWith("demo-"));
    const keep = current.filter((f) => !old.includes(f));
    const added: InputFile[] = [];
    for (const file of files) {
      const stored = storeInput(options.inputsDir, kind.name, file, [...current, ...added]);
      if (!added.includes(stored.file)) added.push(stored.file);
    }
    log.info(`demo: ${kind.name}: ${files.length} synthetic file(s) generated and stored`);
    const { reportsDir, rawDir, postcodes } = options;
    const place = withDemoRounds(options.place, options.inputsDir);
    const list = [...keep, ...added.filter((f) => !keep.includes(f))];
    await updateDatabase(options.dbPath, inputStages(list, { place, reportsDir, rawDir, postcodes, log }, [kind.name], [], false), log);
    changed.push(kind.name);
    for (const f of old) if (!list.some((l) => l.path === f.path)) rmSync(f.path, { force: true });
  }
  await runCrossKind();
}
