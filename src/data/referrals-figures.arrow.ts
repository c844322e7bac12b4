// Data loader: published referral figures (counts through disclosure control, rates, waits) for every area, period and need, as Arrow IPC.
import { runLoader } from "../../pipelines/publish/loader.ts";
import { referralFigures } from "../../pipelines/publish/referrals.ts";

runLoader("referrals-figures.arrow", referralFigures);
