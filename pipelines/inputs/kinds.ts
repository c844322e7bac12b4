// Every kind of input, listed here and nowhere else (no registration by side effect): the order is the order they are built, ingested and generated for the demo.
import type { InputKindDecl } from "../kit/kind.ts";
import { grantsKind } from "../grants/kind.ts";
import { servicesKind } from "../services/kind.ts";
import { referralsKind } from "../referrals/kind.ts";
import { outcomesKind } from "../outcomes/kind.ts";
import { neighbourhoodsKind } from "../neighbourhoods/kind.ts";
import { decisionsKind } from "../decisions/kind.ts";
import { applicationsKind } from "../applications/kind.ts";

/**
 * Services link to grants (chest-funded services) and monitoring returns are about grants, so grants come first;
 * neighbourhoods come before the need stage that reads them; decision records stand alone; applications (with panel scores
 * and votes) come after the decision records their demo round is split by.
 */
export const inputKindList: readonly InputKindDecl[] = [grantsKind, outcomesKind, servicesKind, referralsKind, neighbourhoodsKind, decisionsKind, applicationsKind];

export const inputKindNames = inputKindList.map((k) => k.name);

export type InputKind = string;

export function inputKind(name: string): InputKindDecl | undefined {
  return inputKindList.find((k) => k.name === name);
}
