// Data loader: the Awarding page's applications (pipelines/publish/awarding.ts), as Arrow IPC.
import { awardingApplications } from "../../pipelines/publish/awarding.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("awarding-applications.arrow", awardingApplications);
