// Every kind of input, listed here and nowhere else (no registration by side effect): the order is the order they are built, ingested and generated for the demo.
import type { InputKindDecl } from "../kit/kind.ts";
import { grantsKind } from "../grants/kind.ts";
import { servicesKind } from "../services/kind.ts";
import { referralsKind } from "../referrals/kind.ts";

/** Services link to grants (chest-funded services), so grants come first. */
export const inputKindList: readonly InputKindDecl[] = [grantsKind, servicesKind, referralsKind];

export const inputKindNames = inputKindList.map((k) => k.name);

export type InputKind = string;

export function inputKind(name: string): InputKindDecl | undefined {
  return inputKindList.find((k) => k.name === name);
}
