// Data loader: the active activities of the service directory, one row per venue or remote service, as Parquet.
import { provisionServices } from "../../pipelines/publish/services.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("provision-services.parquet", provisionServices);
