// Plugs the monitoring-return reader and the synthetic returns generator into `chest ingest`, `chest build` and `chest demo`.
import { demoGenerators } from "../demo/generators.ts";
import { inputStageFactories } from "../inputs/stages.ts";
import { generateDemoReturns } from "./demo.ts";
import { outcomesStage } from "./stage.ts";

inputStageFactories.outcomes = (files, ctx) => outcomesStage(files, ctx);
demoGenerators.outcomes = generateDemoReturns;
