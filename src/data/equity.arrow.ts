// Data loader: equity of spend per place, partnership and borough × round × funder type (Core20 share, concentration index, SII/RII), as Arrow IPC.
import { equityGroups } from "../../pipelines/publish/equity.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("equity.arrow", equityGroups);
