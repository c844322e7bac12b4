// Registers the grants reader stage and the demo ledger generator (imported for its side effects by pipelines/inputs/readers.ts).
import { demoGenerators } from "../demo/generators.ts";
import { inputStageFactories } from "../inputs/stages.ts";
import { generateDemoLedger } from "./demo.ts";
import { grantsStage } from "./stage.ts";

inputStageFactories.grants = (files, ctx) => grantsStage(files, ctx);
demoGenerators.grants = (ctx) => generateDemoLedger(ctx);
