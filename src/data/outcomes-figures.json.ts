// Data loader: outcome figures (reach against targets, wellbeing change, ONS4, GP avoidance, completeness) through disclosure control, as JSON.
import { runLoader } from "../../pipelines/publish/loader.ts";
import { outcomeFiguresJson } from "../../pipelines/publish/outcomes.ts";

runLoader("outcomes-figures.json", outcomeFiguresJson);
