// Data loader: the Awarding page's votes (pipelines/publish/awarding.ts), as Arrow IPC.
import { awardingVotes } from "../../pipelines/publish/awarding.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("awarding-votes.arrow", awardingVotes);
