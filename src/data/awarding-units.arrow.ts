// Data loader: the Awarding page's units (pipelines/publish/awarding.ts), as Arrow IPC.
import { awardingUnits } from "../../pipelines/publish/awarding.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("awarding-units.arrow", awardingUnits);
