// Data loader: spend and residents by national IMD decile for every equity group (small multiples and concentration curves), as Parquet.
import { equityDeciles } from "../../pipelines/publish/equity.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("equity-deciles.parquet", equityDeciles);
