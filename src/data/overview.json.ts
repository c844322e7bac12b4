// Data loader: the place at a glance (name, counts, boroughs, population weights used), as JSON.
import { overview } from "../../pipelines/publish/deprivation.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("overview.json", overview);
