// Data loader: spend and residents by national IMD decile for every equity group (small multiples and concentration curves), as Arrow IPC.
import { equityDeciles } from "../../pipelines/publish/equity.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("equity-deciles.arrow", equityDeciles);
