// Data loader: need, provision, gap and priority rank with interval and reasons for every layer above LSOA, as Arrow.
import { needAreas } from "../../pipelines/publish/need.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("need-areas.arrow", needAreas);
