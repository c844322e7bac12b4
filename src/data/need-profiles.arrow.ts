// Data loader: area profiles: population, age, deprivation, chest grants, activities, as Arrow.
import { needProfiles } from "../../pipelines/publish/need.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("need-profiles.arrow", needProfiles);
