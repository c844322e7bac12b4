// Data loader: msoa boundaries for the place, simplified and quantised at build time, as GeoJSON.
import { boundaries } from "../../pipelines/publish/deprivation.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("boundaries-msoa.json", (db) => boundaries(db, "msoa"));
