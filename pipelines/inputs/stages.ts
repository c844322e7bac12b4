// Which build stage reads each kind of user input; every build and every `chest ingest` goes through these.
import type { Stage } from "../build/build.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { registeredInputs, type InputKind } from "./registry.ts";
import { equityStage } from "../equity/stage.ts";
import { needStage } from "../need/stage.ts";

export interface InputContext {
  place: Place;
  /** Where rejects reports are written (data/out/rejects/ by default). */
  reportsDir: string;
  /** The fetched public files (lookups the readers need), data/raw by default. */
  rawDir?: string;
  /** A postcode directory the user supplies (ONSPD/NSPL layout), to locate addresses by postcode. */
  postcodes?: string | null;
  log: Logger;
}

export type InputStageFactory = (files: string[], ctx: InputContext) => Stage;

/** Filled in by each input's module (grants, referrals, services). */
export const inputStageFactories: Partial<Record<InputKind, InputStageFactory>> = {};

/** The stages for every kind of input that has a reader, over the files registered for it (an empty list still creates the tables). */
export function inputStages(inputsDir: string, ctx: InputContext, kinds?: InputKind[]): Stage[] {
  const list = (Object.keys(inputStageFactories) as InputKind[])
    .filter((kind) => !kinds || kinds.includes(kind))
    .map((kind) => inputStageFactories[kind]!(registeredInputs(inputsDir, kind), ctx));
  // Equity of spend is derived from the grants, so it is recomputed whenever they are.
  if (inputStageFactories.grants && (!kinds || kinds.includes("grants"))) list.push(equityStage(ctx.log));
  // Need, provision and the gap read grants, services, published referrals and custom neighbourhoods, so they follow any of them.
  if (!kinds || kinds.some((k) => ["grants", "services", "referrals", "neighbourhoods"].includes(k))) list.push(needStage(ctx.place, ctx.log));
  return list;
}
