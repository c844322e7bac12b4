// Data loader: activities reaching each area, as Arrow.
import { needActivities } from "../../pipelines/publish/need.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("need-activities.arrow", needActivities);
