// The decision record's shape as the Workshop page writes it, validated with zod when `chest ingest decisions` reads it back.
import { z } from "zod";
import { RECORD_KIND, RECORD_VERSION, RECORD_VERSIONS_READ } from "../../src/lib/decision-record.ts";
import { RECORD_LAYERS } from "../place/layers.ts";
import { realCalendarDate } from "../grants/validate.ts";

const money = z.number().finite().nonnegative();
const share = z.number().finite().min(0).max(1);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isoDate = z.string().regex(ISO_DATE, "must be a date as yyyy-mm-dd").refine((v) => !ISO_DATE.test(v) || realCalendarDate(v), "is not a real calendar date");

const equity = z.object({
  spend: money,
  core20_spend_share: share.nullable(),
  core20_population_share: share.nullable(),
  concentration_index: z.number().min(-1).max(1).nullable(),
  deciles: z
    .array(z.object({ decile: z.number().int().min(1).max(10), population: money, spend: money, spend_per_head: money.nullable() }))
    .max(10),
});

const allocationRow = z.object({
  area_code: z.string().min(1).max(40),
  area_name: z.string().max(200),
  population: money,
  need_score: z.number().finite().nullable(),
  need_rank: z.number().int().min(1).nullable(),
  amount: money,
  share,
  per_head_part: z.number().finite(),
  need_part: z.number().finite(),
  gap_adjustment: z.number().finite(),
  bound: z.enum(["floor", "cap"]).nullable(),
  reasons: z.string().max(2000),
  themes: z.record(z.string(), money).optional(),
});

export const decisionRecordSchema = z
  .object({
    kind: z.literal(RECORD_KIND, { error: `must be "${RECORD_KIND}" (is this a Workshop decision record?)` }),
    version: z.union([z.literal(RECORD_VERSIONS_READ[0]), z.literal(RECORD_VERSIONS_READ[1])], { error: `must be ${RECORD_VERSIONS_READ.join(" or ")}: this version of chest reads records of versions ${RECORD_VERSIONS_READ.join(" and ")} (the page writes ${RECORD_VERSION})` }),
    exported_at: z.string().min(10),
    date: isoDate,
    place: z.object({ id: z.string().min(1), name: z.string().min(1) }),
    title: z.string().min(1).max(200),
    synthetic: z.boolean(),
    vintages: z.object({ iod: z.string().min(1), referral_period: z.string().nullable(), ledger_files: z.array(z.string()) }),
    scenario: z.object({
      pot: z.number().int().nonnegative(),
      alpha: share,
      unit: z.number().int().positive(),
      layer: z.enum(RECORD_LAYERS),
      standardisation: z.string().min(1),
      theme_split: z.boolean().optional(),
      group_method: z.enum(["median", "mean"]),
      pace_of_change: share.nullable(),
      floor: money.nullable(),
      cap: money.nullable(),
      bounds: z.record(z.string(), z.object({ floor: money.optional(), cap: money.optional() })),
      url_state: z.string().max(100_000),
    }),
    weights: z.object({
      keys: z.array(z.string().min(1)).min(1),
      labels: z.array(z.string()),
      group: z.array(z.number().finite().nonnegative()),
      partners: z.array(z.object({ label: z.string().min(1).max(60), weights: z.array(z.number().finite().nonnegative()) })).min(1),
    }),
    allocation: z.array(allocationRow).min(1),
    equity: z.object({ proposal: equity, last_round: equity.extend({ round: z.string() }).nullable() }),
    notes: z.array(z.string()),
    rationale: z.string().max(20_000),
  })
  .superRefine((r, ctx) => {
    const k = r.weights.keys.length;
    if (r.weights.labels.length !== k) ctx.addIssue({ code: "custom", path: ["weights", "labels"], message: `must have one label per key (${k})` });
    if (r.weights.group.length !== k) ctx.addIssue({ code: "custom", path: ["weights", "group"], message: `must have one weight per key (${k})` });
    r.weights.partners.forEach((p, i) => {
      if (p.weights.length !== k) ctx.addIssue({ code: "custom", path: ["weights", "partners", i, "weights"], message: `must have one weight per key (${k}); has ${p.weights.length}` });
    });
    const seen = new Set<string>();
    r.allocation.forEach((a, i) => {
      if (seen.has(a.area_code)) ctx.addIssue({ code: "custom", path: ["allocation", i, "area_code"], message: `${a.area_code} appears twice` });
      seen.add(a.area_code);
    });
    const total = Math.round(r.allocation.reduce((s, a) => s + a.amount, 0) * 100);
    if (total !== r.scenario.pot * 100) {
      ctx.addIssue({ code: "custom", path: ["allocation"], message: `amounts add up to £${(total / 100).toLocaleString("en-GB")}, not the pot of £${r.scenario.pot.toLocaleString("en-GB")}` });
    }
  });

export type ValidDecisionRecord = z.infer<typeof decisionRecordSchema>;

/** Each problem as "path: message (value)", for the rejects message. */
export function describeIssues(error: z.ZodError, record: unknown): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(record)";
    let value: unknown = record;
    for (const p of issue.path) value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
    const shown = value === undefined || typeof value === "object" ? "" : ` (value ${JSON.stringify(value).slice(0, 60)})`;
    return `${path}: ${issue.message}${shown}`;
  });
}
