// Plugs custom neighbourhoods into the input registry: the stage `chest ingest neighbourhoods` and `chest build` run.
import { inputStageFactories } from "../inputs/stages.ts";
import { neighbourhoodsStage } from "./stage.ts";

inputStageFactories.neighbourhoods = neighbourhoodsStage;
