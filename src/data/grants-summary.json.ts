// Data loader: the Grants page's headlines, synthetic flags, funder mix, location coverage and spent-versus-based by borough, as JSON.
import { grantsSummaryJson } from "../../pipelines/publish/grants.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("grants-summary.json", grantsSummaryJson);
