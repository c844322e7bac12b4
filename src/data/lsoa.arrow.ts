// Data loader: LSOA deprivation (IoD2025 and IoD2019) for the place, as Arrow IPC.
import { lsoaDeprivation } from "../../pipelines/publish/deprivation.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("lsoa.arrow", lsoaDeprivation);
