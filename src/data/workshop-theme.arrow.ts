// Data loader: the Workshop page's one row per LSOA and need theme (referral components as published, the need stage's provision index), as Arrow IPC.
import { workshopTheme } from "../../pipelines/publish/workshop.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("workshop-theme.arrow", workshopTheme);
