// Plugs the referrals reader and the synthetic referral generator into `chest ingest`, `chest build` and `chest demo`.
import { demoGenerators } from "../demo/generators.ts";
import { inputStageFactories } from "../inputs/stages.ts";
import { generateDemoReferrals } from "./demo.ts";
import { referralsStage } from "./stage.ts";

inputStageFactories.referrals = (files, ctx) => referralsStage(files, ctx);
demoGenerators.referrals = generateDemoReferrals;
