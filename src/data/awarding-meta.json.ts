// Data loader: each round's agreed split, money already awarded, the decision records' equity previews and awarded against agreed (pipelines/publish/awarding.ts), as JSON.
import { awardingMeta } from "../../pipelines/publish/awarding.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("awarding-meta.json", awardingMeta);
