// Data loader: ward boundaries for the place, simplified and quantised at build time, as GeoJSON.
import { boundaries } from "../../pipelines/publish/deprivation.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("boundaries-ward.json", (db) => boundaries(db, "ward"));
