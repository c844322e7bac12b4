// Data loader: need themes, components, weights and why, how the need tables were built, and the synthetic flag, as JSON.
import { needMeta } from "../../pipelines/publish/need.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("need-meta.json", needMeta);
