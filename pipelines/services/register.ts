// Plugs services into the input registry: the stage `chest ingest services` and `chest build` run, the demo generator, and the step that packs a multi-file data package before it is registered.
import { inputPreparers } from "../inputs/registry.ts";
import { inputStageFactories } from "../inputs/stages.ts";
import { demoGenerators } from "../demo/generators.ts";
import { servicesStage } from "./stage.ts";
import { generateDemoServices } from "./demo.ts";
import { prepareServicesInput } from "./prepare.ts";

inputStageFactories.services = servicesStage;
demoGenerators.services = generateDemoServices;
inputPreparers.services = prepareServicesInput;
