// The need taxonomy: labels and synonyms map to categories, place synonyms extend them, unknown labels stay unknown, and SQL normalises as JavaScript does.
import { describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { needNormaliseSql } from "../../pipelines/referrals/vocabulary.ts";
import { ALL_NEEDS, NEED_CATEGORIES, NeedSynonymError, needLabel, needLookup, normaliseNeedLabel, resolveNeed, splitNeeds } from "../../src/lib/needs.ts";

describe("need taxonomy", () => {
  const lookup = needLookup();

  it("has the categories the issue names, with unique keys", () => {
    const keys = NEED_CATEGORIES.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of ["loneliness", "mental_wellbeing", "cost_of_living", "housing", "physical_activity", "long_term_conditions", "carers", "employment", "food"])
      expect(keys).toContain(k);
    for (const k of keys) expect(k).toMatch(/^[a-z_]+$/);
    expect(keys).not.toContain(ALL_NEEDS);
  });

  it.each([
    ["Loneliness and isolation", "loneliness"],
    ["  SOCIAL ISOLATION ", "loneliness"],
    ["Cost-of-Living & Debt", "cost_of_living"],
    ["mental health", "mental_wellbeing"],
    ["LTC", "long_term_conditions"],
    ["Long-term conditions", "long_term_conditions"],
    ["food bank", "food"],
    ["carer", "carers"],
    ["long_term_conditions", "long_term_conditions"],
  ])("%s → %s", (label, key) => expect(resolveNeed(label, lookup)).toBe(key));

  it.each(["gardening", "advice", "", "loneliness and food"])("%j is unknown, never guessed", (label) => expect(resolveNeed(label, lookup)).toBeNull());

  it("takes a place's synonyms, by key or by label, and refuses bad ones", () => {
    const place = needLookup({ "Green gym": "physical_activity", "Warm space": "Cost of living and debt", wellbeing: "physical_activity" });
    expect(resolveNeed("green GYM", place)).toBe("physical_activity");
    expect(resolveNeed("warm spaces", place)).toBeNull();
    expect(resolveNeed("Warm space", place)).toBe("cost_of_living");
    expect(resolveNeed("wellbeing", place)).toBe("physical_activity");
    expect(() => needLookup({ "Green gym": "gardening" })).toThrow(NeedSynonymError);
    expect(() => needLookup({ Housing: "food" })).toThrow(/is the name of the category housing/);
    expect(() => needLookup({ All: "food" })).toThrow(/reserved/);
    expect(() => needLookup({ "--": "food" })).toThrow(/no letters or digits/);
  });

  it("splits on semicolons and names categories", () => {
    expect(splitNeeds(" Housing ;; food; ")).toEqual(["Housing", "food"]);
    expect(needLabel("all")).toBe("All needs");
    expect(needLabel("cost_of_living")).toBe("Cost of living and debt");
  });

  it("normalises labels in SQL exactly as in JavaScript", async () => {
    const db = await openDb();
    const labels = ["Cost-of-Living & Debt", "  Mental   Health ", "LTC/Carers", "Café culture", "ÉMPLOYMENT", "food_bank", "a&b", "100% arts!", "\ttab\tseparated\t", ""];
    const rows = await db.all<{ n: string }>(`SELECT ${needNormaliseSql("x")} AS n FROM (SELECT unnest($labels::VARCHAR[]) AS x, generate_subscripts($labels::VARCHAR[], 1) AS i) ORDER BY i`, { labels });
    expect(rows.map((r) => r.n)).toEqual(labels.map(normaliseNeedLabel));
    db.close();
  });
});
