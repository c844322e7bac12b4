// Data loader: the Workshop page's one row per LSOA (layers, residents, the need index's theme-independent components, chest money already there), as Arrow IPC.
import { workshopLsoa } from "../../pipelines/publish/workshop.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("workshop-lsoa.arrow", workshopLsoa);
