// The place configuration: which local authorities a Community Chest covers, and its local settings.
import { z } from "zod";

const ladCode = z.string().regex(/^E0[6789]\d{6}$/, "must be an English local authority district code such as E09000002");

/** Who puts money into a chest (issue 3). */
export const funderTypes = ["NHS", "local authority", "philanthropy", "business", "other"] as const;
export type FunderType = (typeof funderTypes)[number];
const funderType = z.enum(funderTypes, { error: `must be one of ${funderTypes.join(", ")}` });

/** One funder's contribution to a round, in pounds. */
const contribution = z.object({
  funder: z.string().min(1),
  /** The funder's organisation identifier as it appears in 360Giving "Funding Org:Identifier", if grants ever name it. */
  funderId: z.string().min(1).optional(),
  type: funderType,
  amount: z.number().positive("must be a positive amount in pounds"),
});

/** A funding round: grants belong to it when their Grant Programme code or title equals `programme`. */
const round = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, dots, hyphens and underscores only"),
  name: z.string().min(1),
  programme: z.string().min(1),
  description: z.string().default(""),
  /** True for the demo rounds, so every view can label them synthetic. */
  synthetic: z.boolean().default(false),
  contributions: z.array(contribution).min(1, "list at least one contribution"),
});

export const placeSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and hyphens only"),
    name: z.string().min(1),
    description: z.string().default(""),
    icb: z
      .object({ code: z.string().regex(/^E54\d{6}$/), ods: z.string().min(3), name: z.string() })
      .optional(),
    /** The NHS sub-ICB locations serving the place (chest place new fills them in); demo practices are drawn from their GP lists. */
    subIcbs: z.array(z.object({ code: z.string().regex(/^E38\d{6}$/), ods: z.string().min(3), name: z.string() })).default([]),
    /** What the place calls its local authorities on pages ("borough", "district", "unitary authority"); by default from their codes. */
    areaTerm: z.string().min(1).optional(),
    localAuthorities: z
      .array(z.object({ code: ladCode, name: z.string().min(1) }))
      .min(1, "list at least one local authority"),
    partnerships: z
      .array(z.object({ name: z.string().min(1), localAuthorities: z.array(ladCode).min(1) }))
      .default([]),
    disclosure: z
      .object({ threshold: z.number().int().min(0).default(7), rounding: z.number().int().min(1).default(5) })
      .prefault({}),
    reach: z.object({ walkMetres: z.number().positive().default(1200) }).prefault({}),
    /** Extra need labels used by the place's case systems → need category key (src/lib/needs.ts); checked when referrals are read. */
    needSynonyms: z.record(z.string().min(1), z.string().min(1)).optional(),
    /** Community Chest funding rounds and who paid into them (issue 3); grants link to a round through their grant programme. */
    rounds: z.array(round).default([]),
    /** Funders outside the rounds, so grants naming them (Funding Org) can be given a funder type. */
    funders: z.array(z.object({ name: z.string().min(1), id: z.string().min(1).optional(), type: funderType })).default([]),
  })
  .superRefine((place, ctx) => {
    const seen = new Set<string>();
    place.localAuthorities.forEach((la, i) => {
      if (seen.has(la.code)) ctx.addIssue({ code: "custom", path: ["localAuthorities", i, "code"], message: `${la.code} is listed twice` });
      seen.add(la.code);
    });
    const rounds = new Map<string, number>();
    const programmes = new Map<string, number>();
    place.rounds.forEach((r, i) => {
      if (rounds.has(r.id)) ctx.addIssue({ code: "custom", path: ["rounds", i, "id"], message: `round id ${r.id} is also used by round ${rounds.get(r.id)! + 1}` });
      rounds.set(r.id, i);
      const key = r.programme.trim().toLowerCase();
      if (programmes.has(key))
        ctx.addIssue({ code: "custom", path: ["rounds", i, "programme"], message: `programme "${r.programme}" is also round ${programmes.get(key)! + 1}'s: each round needs its own` });
      programmes.set(key, i);
    });
    place.partnerships.forEach((p, i) =>
      p.localAuthorities.forEach((code, j) => {
        if (!seen.has(code))
          ctx.addIssue({ code: "custom", path: ["partnerships", i, "localAuthorities", j], message: `${code} is not one of the place's localAuthorities` });
      }),
    );
  });

export type Place = z.infer<typeof placeSchema>;
