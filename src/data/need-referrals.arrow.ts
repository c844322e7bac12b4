// Data loader: referral figures by theme as the disclosure gate published them, as Arrow.
import { needReferrals } from "../../pipelines/publish/need.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("need-referrals.arrow", needReferrals);
