// Data loader: partnership boundaries for the place, merged from the LSOA shapes at build time (no official file exists), as GeoJSON.
import { boundaries } from "../../pipelines/publish/deprivation.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("boundaries-partnership.json", (db) => boundaries(db, "partnership"));
