// Data loader: what the referral figures cover (periods, needs, layers, disclosure policy, synthetic label, totals), as JSON.
import { runLoader } from "../../pipelines/publish/loader.ts";
import { referralMeta } from "../../pipelines/publish/referrals.ts";

runLoader("referrals-meta.json", referralMeta);
