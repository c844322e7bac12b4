// Data loader: every LSOA and MSOA of the place with the grant money placed there and £ per resident, as Arrow IPC.
import { grantsAreasArrow } from "../../pipelines/publish/grants.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("grants-areas.arrow", grantsAreasArrow);
