// Data loader: where every source came from (publisher, licence, bytes, sha256, when), as JSON for the Data page.
import { provenance } from "../../pipelines/publish/deprivation.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("provenance.json", provenance);
