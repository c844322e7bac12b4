// From validated applications to the assessment's input: the areas each one serves, expressed in the unit the decision record splits the pot by.
//
// An application names LSOAs, MSOAs, wards or boroughs (or venues placed in LSOAs); the decision record splits
// the pot by one unit (boroughs, neighbourhoods…). Each named area carries an equal part of the work, shared
// among the record's units by the weights the mapper gives (population shares, say), and parts landing in the
// same unit are added together. Areas the mapper cannot place are returned, so the caller can say so.
import type { ApplicationInput } from "../../src/lib/assessment.ts";
import type { Application, ServedArea } from "./validate.ts";

/** The record's units an area falls in, with weights (any positive numbers; normalised per area). */
export type AreaMapper = (area: ServedArea) => readonly { code: string; weight: number }[];

export function toAssessmentInput(app: Application, mapArea: AreaMapper): { input: ApplicationInput; unmapped: ServedArea[] } {
  const shares = new Map<string, number>();
  const unmapped: ServedArea[] = [];
  for (const area of app.areas) {
    const parts = mapArea(area).filter((p) => p.weight > 0);
    const total = parts.reduce((a, p) => a + p.weight, 0);
    if (parts.length === 0 || !(total > 0)) {
      unmapped.push(area);
      continue;
    }
    for (const p of parts) shares.set(p.code, (shares.get(p.code) ?? 0) + p.weight / total / app.areas.length);
  }
  return {
    input: {
      id: app.id,
      title: app.title,
      amount: app.amountPence / 100,
      themes: app.themes,
      areas: [...shares.entries()].map(([code, share]) => ({ code, share })),
      incomeBand: app.incomeBand,
    },
    unmapped,
  };
}
