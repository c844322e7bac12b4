// The default need and provision configuration per need theme: which evidence bears on which theme, with what weight, and why (browser-safe).
//
// Every theme's need index combines official deprivation evidence (IoD2025 domain and sub-domain ranks,
// underlying indicators, Census 2021 age) with the place's own social prescribing evidence (referrals and
// unmet referrals per 1,000 residents for that theme, only as published through disclosure control). The
// default split is 60% deprivation evidence, 20% referrals, 20% unmet referrals:
// - deprivation evidence carries most weight because it is official, covers every LSOA and is measured the
//   same way across England;
// - referral figures are the most direct local evidence of demand, but they exist only where they are
//   published (MSOA figures given to the LSOAs inside, hidden cells left out), so together they get 40%,
//   split equally between demand (referrals) and demand nobody could meet (unmet referrals).
// A place file overrides any weight (`needThemes` in data/places/<place>.json); the Workshop moves them live.
//
// Provision on the same 0–100 scale (place percentile ranks, 100 = most provision) combines chest grant money
// per resident located in the LSOA, the number of activities for the theme within reach, and places per week
// per 1,000 residents (two-step floating catchment), one third each: money, choice and capacity are three
// different ways an area can be well or badly served, and no one of them is a better guide than the others.

import { ALL_NEEDS, NEED_CATEGORIES, needLabel } from "./needs.js";
import type { Direction, Standardisation } from "./need-index.js";

/** Where a component's values come from (the columns of the need_input table). */
export type ComponentSource = "iod" | "indicator" | "census" | "referral" | "provision";

export interface ComponentDef {
  key: string;
  label: string;
  source: ComponentSource;
  direction: Direction;
  method: Standardisation;
  /** What it measures, in a line for the page. */
  description: string;
}

/** Every component a theme can use; need_input has one column per key (referral and provision ones per theme). */
export const COMPONENTS: readonly ComponentDef[] = Object.freeze([
  { key: "imd_rank", label: "Index of Multiple Deprivation", source: "iod", direction: "lower", method: "national_rank", description: "IMD 2025 rank among England's 33,755 LSOAs (1 = most deprived)." },
  { key: "income_rank", label: "Income deprivation", source: "iod", direction: "lower", method: "national_rank", description: "IoD2025 Income domain rank: people on low incomes and means-tested benefits." },
  { key: "employment_rank", label: "Employment deprivation", source: "iod", direction: "lower", method: "national_rank", description: "IoD2025 Employment domain rank: working-age people involuntarily out of work." },
  { key: "health_rank", label: "Health deprivation and disability", source: "iod", direction: "lower", method: "national_rank", description: "IoD2025 Health domain rank: early death, illness, disability, mental health." },
  { key: "barriers_rank", label: "Barriers to housing and services", source: "iod", direction: "lower", method: "national_rank", description: "IoD2025 Barriers domain rank." },
  { key: "idaci_rank", label: "Income deprivation affecting children", source: "iod", direction: "lower", method: "national_rank", description: "IDACI 2025 rank: children in income-deprived families." },
  { key: "idaopi_rank", label: "Income deprivation affecting older people", source: "iod", direction: "lower", method: "national_rank", description: "IDAOPI 2025 rank: people aged 60 and over in income-deprived households." },
  { key: "sub_adult_skills_rank", label: "Adult skills", source: "iod", direction: "lower", method: "national_rank", description: "IoD2025 Adult Skills sub-domain rank: adults without qualifications or English." },
  { key: "sub_children_rank", label: "Children and young people's education", source: "iod", direction: "lower", method: "national_rank", description: "IoD2025 Children and Young People sub-domain rank." },
  { key: "sub_wider_rank", label: "Wider barriers (housing)", source: "iod", direction: "lower", method: "national_rank", description: "IoD2025 Wider Barriers sub-domain rank: overcrowding, homelessness, housing affordability." },
  { key: "sub_outdoors_rank", label: "Outdoors living environment", source: "iod", direction: "lower", method: "national_rank", description: "IoD2025 Outdoors sub-domain rank: air quality and road traffic accidents." },
  { key: "mental_health", label: "Mental health indicator", source: "indicator", direction: "higher", method: "place_rank", description: "IoD2025 underlying indicator of mood and anxiety disorders (higher = worse)." },
  { key: "illness_disability_ratio", label: "Illness and disability ratio", source: "indicator", direction: "higher", method: "place_rank", description: "IoD2025 comparative illness and disability ratio (higher = more people with work-limiting illness)." },
  { key: "years_life_lost", label: "Years of potential life lost", source: "indicator", direction: "higher", method: "place_rank", description: "IoD2025 indicator of premature death." },
  { key: "homelessness", label: "Homelessness", source: "indicator", direction: "higher", method: "place_rank", description: "IoD2025 homelessness indicator (per 1,000 households)." },
  { key: "overcrowding_rooms", label: "Overcrowding", source: "indicator", direction: "higher", method: "place_rank", description: "IoD2025 household overcrowding indicator (rooms)." },
  { key: "share_65_plus", label: "Residents aged 65+", source: "census", direction: "higher", method: "place_rank", description: "Census 2021 share of residents aged 65 and over." },
  { key: "share_0_15", label: "Children aged 0–15", source: "census", direction: "higher", method: "place_rank", description: "Census 2021 share of residents aged 0 to 15." },
  { key: "referrals_per_1000", label: "Referrals per 1,000", source: "referral", direction: "higher", method: "place_rank", description: "Social prescribing referrals for the theme per 1,000 residents, latest financial year, as published (disclosure-controlled; the MSOA figure given to its LSOAs)." },
  { key: "unmet_per_1000", label: "Unmet referrals per 1,000", source: "referral", direction: "higher", method: "place_rank", description: "Referrals for the theme that found no suitable activity, per 1,000 residents, as published." },
  { key: "grant_per_head", label: "Chest grants per resident", source: "provision", direction: "higher", method: "place_rank", description: "Chest grant money located in the LSOA (all rounds) per resident." },
  { key: "activities_within_reach", label: "Activities within reach", source: "provision", direction: "higher", method: "place_rank", description: "Active services for the theme within walking reach or covering the area." },
  { key: "places_per_1000", label: "Places per week per 1,000", source: "provision", direction: "higher", method: "place_rank", description: "Places per week per 1,000 residents within reach (two-step floating catchment)." },
]);

export const componentDef = (key: string): ComponentDef => {
  const d = COMPONENTS.find((c) => c.key === key);
  if (!d) throw new RangeError(`unknown need component ${key}`);
  return d;
};

export interface WeightedComponent {
  key: string;
  weight: number;
}

export interface ThemeConfig {
  theme: string;
  label: string;
  /** Why these components and weights, in plain English (shown on the Gaps page and in the README). */
  why: string;
  need: readonly WeightedComponent[];
  provision: readonly WeightedComponent[];
}

const referral = [
  { key: "referrals_per_1000", weight: 20 },
  { key: "unmet_per_1000", weight: 20 },
] as const;
const provision = [
  { key: "grant_per_head", weight: 1 },
  { key: "activities_within_reach", weight: 1 },
  { key: "places_per_1000", weight: 1 },
] as const;

/** Deprivation evidence (60 in all) per theme, and why. Referral (20 + 20) and provision components are the same for every theme. */
const deprivation: Record<string, { why: string; need: WeightedComponent[] }> = {
  [ALL_NEEDS]: { why: "All needs: the IMD itself, the official all-round measure of deprivation.", need: [{ key: "imd_rank", weight: 60 }] },
  loneliness: {
    why: "Loneliness rises with age and with low income in later life: the 65+ share and IDAOPI carry it, health deprivation adds illness and disability, which cut people off.",
    need: [{ key: "share_65_plus", weight: 25 }, { key: "idaopi_rank", weight: 20 }, { key: "health_rank", weight: 15 }],
  },
  mental_wellbeing: {
    why: "The health domain's mental health indicator measures mood and anxiety disorders directly (40); the health domain as a whole (20) adds the illness and disability that go with them.",
    need: [{ key: "mental_health", weight: 40 }, { key: "health_rank", weight: 20 }],
  },
  cost_of_living: {
    why: "Cost of living is about money: the income domain (40) counts people on low incomes, employment (20) those out of work.",
    need: [{ key: "income_rank", weight: 40 }, { key: "employment_rank", weight: 20 }],
  },
  housing: {
    why: "The wider barriers sub-domain is the IoD's housing measure (30); homelessness and overcrowding indicators (15 each) name the two problems link workers meet most.",
    need: [{ key: "sub_wider_rank", weight: 30 }, { key: "homelessness", weight: 15 }, { key: "overcrowding_rooms", weight: 15 }],
  },
  physical_activity: {
    why: "Inactivity goes with poor health (30) and low income (15); the outdoors sub-domain (15) counts poor air and dangerous roads that keep people indoors.",
    need: [{ key: "health_rank", weight: 30 }, { key: "income_rank", weight: 15 }, { key: "sub_outdoors_rank", weight: 15 }],
  },
  long_term_conditions: {
    why: "The illness and disability ratio (30) counts people living with limiting conditions; premature death (15) and the health domain (15) add severity.",
    need: [{ key: "illness_disability_ratio", weight: 30 }, { key: "years_life_lost", weight: 15 }, { key: "health_rank", weight: 15 }],
  },
  carers: {
    why: "Unpaid care follows illness and disability (25) and an older population (20); the health domain (15) adds the rest of poor health.",
    need: [{ key: "illness_disability_ratio", weight: 25 }, { key: "share_65_plus", weight: 20 }, { key: "health_rank", weight: 15 }],
  },
  employment: {
    why: "The employment domain (40) counts people out of work; the adult skills sub-domain (20) those without the qualifications or English to get work.",
    need: [{ key: "employment_rank", weight: 40 }, { key: "sub_adult_skills_rank", weight: 20 }],
  },
  food: {
    why: "Food poverty is income poverty (45), sharpest in families with children (IDACI, 15).",
    need: [{ key: "income_rank", weight: 45 }, { key: "idaci_rank", weight: 15 }],
  },
  digital_inclusion: {
    why: "People offline are more often older (20), without basic skills (20) and on low incomes (20), in equal measure.",
    need: [{ key: "share_65_plus", weight: 20 }, { key: "sub_adult_skills_rank", weight: 20 }, { key: "income_rank", weight: 20 }],
  },
  bereavement: {
    why: "Premature death (40) is the nearest official measure of bereavement; an older population (20) adds expected loss.",
    need: [{ key: "years_life_lost", weight: 40 }, { key: "share_65_plus", weight: 20 }],
  },
  arts_creativity: {
    why: "Arts on prescription serves wellbeing in deprived areas: the IMD (40) and the mental health indicator (20).",
    need: [{ key: "imd_rank", weight: 40 }, { key: "mental_health", weight: 20 }],
  },
  family_support: {
    why: "Family support follows children (20), children in income-deprived families (IDACI, 20) and their education (20), in equal measure.",
    need: [{ key: "share_0_15", weight: 20 }, { key: "idaci_rank", weight: 20 }, { key: "sub_children_rank", weight: 20 }],
  },
  legal_advice: {
    why: "Legal and immigration problems cluster with low income (30) and housing barriers (30).",
    need: [{ key: "income_rank", weight: 30 }, { key: "sub_wider_rank", weight: 30 }],
  },
  other: { why: "Other: the IMD as the general measure of deprivation.", need: [{ key: "imd_rank", weight: 60 }] },
};

/** The theme keys in page order: all needs first, then the need categories. */
export const THEMES: readonly string[] = Object.freeze([ALL_NEEDS, ...NEED_CATEGORIES.map((c) => c.key)]);

/** Place-file overrides: theme → component key → weight (0 switches it off). */
export type ThemeOverrides = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** The default configuration of every theme, with any place overrides applied (unknown themes or components are refused). */
export function themeConfigs(overrides: ThemeOverrides = {}): ThemeConfig[] {
  for (const [theme, weights] of Object.entries(overrides)) {
    if (!THEMES.includes(theme)) throw new RangeError(`needThemes: "${theme}" is not a need theme (use one of ${THEMES.join(", ")})`);
    for (const key of Object.keys(weights)) componentDef(key);
  }
  return THEMES.map((theme) => {
    const d = deprivation[theme];
    const o = overrides[theme] ?? {};
    const apply = (list: readonly WeightedComponent[]) => list.map((c) => ({ key: c.key, weight: o[c.key] ?? c.weight }));
    const listed = new Set([...d.need, ...referral, ...provision].map((c) => c.key));
    const added = Object.entries(o)
      .filter(([key]) => !listed.has(key))
      .map(([key, weight]) => ({ key, weight, provision: componentDef(key).source === "provision" }));
    return {
      theme,
      label: needLabel(theme),
      why: d.why,
      need: [...apply(d.need), ...apply(referral), ...added.filter((a) => !a.provision).map(({ key, weight }) => ({ key, weight }))],
      provision: [...apply(provision), ...added.filter((a) => a.provision).map(({ key, weight }) => ({ key, weight }))],
    };
  });
}

/** Why the shared weights are what they are (the page and README say it in these words). */
export const WEIGHTS_WHY = {
  split: "Each theme's need index is 60% official deprivation evidence, 20% referrals and 20% unmet referrals for the theme.",
  deprivation: "Deprivation evidence carries most weight because it is official, covers every LSOA and is measured the same way across England.",
  referrals: "Referral figures are the most direct local evidence of demand, but exist only where they are published (MSOA figures, hidden cells left out), so together they get 40%, split equally between demand and demand nobody could meet.",
  provision: "Provision weighs chest grant money per resident, activities within reach and places per 1,000 equally: money, choice and capacity are three different ways an area can be well or badly served.",
  gap: "The gap sets need against provision on the same 0–100 scale: the priority score is half need and half lack of provision (50 = balanced).",
} as const;
