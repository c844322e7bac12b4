// The place configuration: which local authorities a Community Chest covers, and its local settings.
import { z } from "zod";

const ladCode = z.string().regex(/^E0[6789]\d{6}$/, "must be an English local authority district code such as E09000002");

export const placeSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and hyphens only"),
    name: z.string().min(1),
    description: z.string().default(""),
    icb: z
      .object({ code: z.string().regex(/^E54\d{6}$/), ods: z.string().min(3), name: z.string() })
      .optional(),
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
  })
  .superRefine((place, ctx) => {
    const seen = new Set<string>();
    place.localAuthorities.forEach((la, i) => {
      if (seen.has(la.code)) ctx.addIssue({ code: "custom", path: ["localAuthorities", i, "code"], message: `${la.code} is listed twice` });
      seen.add(la.code);
    });
    place.partnerships.forEach((p, i) =>
      p.localAuthorities.forEach((code, j) => {
        if (!seen.has(code))
          ctx.addIssue({ code: "custom", path: ["partnerships", i, "localAuthorities", j], message: `${code} is not one of the place's localAuthorities` });
      }),
    );
  });

export type Place = z.infer<typeof placeSchema>;
