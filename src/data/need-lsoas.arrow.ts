// Data loader: need, provision, gap and priority rank with interval and reasons per LSOA, as Arrow.
import { needLsoas } from "../../pipelines/publish/need.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("need-lsoas.arrow", needLsoas);
