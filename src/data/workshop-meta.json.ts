// Data loader: the Workshop page's context (place, data vintages, last round's spend and equity), as JSON.
import { workshopMeta } from "../../pipelines/publish/workshop.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("workshop-meta.json", workshopMeta);
