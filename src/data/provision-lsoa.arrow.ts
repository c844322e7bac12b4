// Data loader: provision per LSOA and need category (services reaching, chest-funded, sessions per 1,000), as Arrow IPC.
import { provisionByLsoa } from "../../pipelines/publish/services.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("provision-lsoa.arrow", provisionByLsoa);
