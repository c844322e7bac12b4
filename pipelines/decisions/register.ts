// Registers the decision-record reader stage (imported for its side effects by pipelines/inputs/readers.ts).
import { inputStageFactories } from "../inputs/stages.ts";
import { decisionsStage } from "./stage.ts";

inputStageFactories.decisions = (files, ctx) => decisionsStage(files, ctx);
