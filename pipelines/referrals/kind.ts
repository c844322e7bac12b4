// The referrals kind (record-level social prescribing referrals and aggregate counts) declared on the ingest kit: its stage and its synthetic demo.
import type { InputKindDecl } from "../kit/kind.ts";
import { generateDemoReferrals } from "./demo.ts";
import { referralsStage } from "./stage.ts";

export const referralsKind: InputKindDecl = {
  name: "referrals",
  summary: "social prescribing referrals: one row per referral, or aggregate counts by area and month (CSV)",
  stage: (files, ctx) => referralsStage(files, ctx),
  demo: generateDemoReferrals,
};
