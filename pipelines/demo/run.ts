// `chest demo`: generate each synthetic input from the built database, store it, and load it through the normal ingest path (kinds in the order pipelines/inputs/kinds.ts lists them), all in one atomic database update.
import { join } from "node:path";
import { rmSync } from "node:fs";
import type { Stage } from "../build/atomic.ts";
import type { Db } from "../db/connection.ts";
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
  const { log, reportsDir, rawDir, postcodes } = options;
  const outDir = options.demoDir ?? join("data", "demo", options.place.id);
  // The synthetic rounds live beside the inputs, not in the place file; they apply while demo grants are stored.
  recordDemoRounds(options.place, options.inputsDir);
  const context = () => ({ place: withDemoRounds(options.place, options.inputsDir), reportsDir, rawDir, postcodes, log });
  let list = await reconcileInputs(options.inputsDir, options.dbPath);
  /** Copies this run stored (taken back if it fails), and earlier demo copies it replaces (deleted once it is in place). */
  const added: InputFile[] = [];
  const replaced: InputFile[] = [];
  // Kinds loaded since need and the assessment last ran: they run once for all of them, not once per kind.
  let changed: string[] = [];
  const runStages = async (db: Db, stages: Stage[]) => {
    for (const stage of stages) {
      log.info(`demo: ${stage.name}`);
      await stage.run(db);
    }
  };
  const runCrossKind = async (db: Db) => {
    await runStages(db, crossKindStages(context(), changed));
    changed = [];
  };
  // One database update for the whole demo, each generator reading what the kinds before it loaded: a kill or a failure
  // part-way leaves the previous database, never one with some kinds loaded and need not yet recomputed for them.
  const demo: Stage = {
    name: "the synthetic demo inputs",
    run: async (db) => {
      for (const kind of inputKindList) {
        const generate = kind.demo;
        if (!generate || (options.kinds && !options.kinds.includes(kind.name))) continue;
        if (GENERATORS_READING_NEED.includes(kind.name)) await runCrossKind(db);
        const files = await generate({ db, place: context().place, outDir: join(outDir, kind.name), seed: options.seed, rawDir, log });
        // The demo replaces earlier demo files of this kind, so a re-run with another seed does not pile up.
        const old = list.filter((f) => f.kind === kind.name && f.name.startsWith("demo-"));
        const keep = list.filter((f) => !old.includes(f));
        const stored: InputFile[] = [];
        for (const file of files) {
          const one = storeInput(options.inputsDir, kind.name, file, [...list, ...stored]);
          if (!stored.includes(one.file)) stored.push(one.file);
          if (one.added) added.push(one.file);
        }
        log.info(`demo: ${kind.name}: ${files.length} synthetic file(s) generated and stored`);
        list = [...keep, ...stored.filter((f) => !keep.includes(f))];
        replaced.push(...old.filter((f) => !list.some((l) => l.path === f.path)));
        await runStages(db, inputStages(list, context(), [kind.name], [], false));
        changed.push(kind.name);
      }
      await runCrossKind(db);
    },
  };
  try {
    await updateDatabase(options.dbPath, [demo], log);
  } catch (error) {
    // The database is unchanged: take back this run's copies (and the old ones stay, as the database lists them).
    for (const f of added) rmSync(f.path, { force: true });
    throw error;
  }
  for (const f of replaced) rmSync(f.path, { force: true });
}
