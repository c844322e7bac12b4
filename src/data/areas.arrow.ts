// Data loader: area deprivation summaries (MSOA, ward, borough, partnership, place), as Arrow IPC.
import { areaSummaries } from "../../pipelines/publish/deprivation.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("areas.arrow", areaSummaries);
