// Data loader: the Provision page's summary — totals, walking distance, need list, per-file counts and data quality — as JSON.
import { provisionSummary } from "../../pipelines/publish/services.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("provision-summary.json", provisionSummary);
