// Data loader: the Equity page's rounds, funder types, money covered and synthetic flag, as JSON.
import { equityMeta } from "../../pipelines/publish/equity.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("equity-meta.json", equityMeta);
