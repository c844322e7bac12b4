// Data loader: the Awarding page's panel (pipelines/publish/awarding.ts), as Arrow IPC.
import { awardingPanel } from "../../pipelines/publish/awarding.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("awarding-panel.arrow", awardingPanel);
