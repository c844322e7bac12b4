// Data loader: the active activities of the service directory, one row per venue or remote service, as Arrow IPC.
import { provisionServices } from "../../pipelines/publish/services.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("provision-services.arrow", provisionServices);
