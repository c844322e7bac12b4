// Two or three plain-English facts that put an area where it is in the priority ranking, generated from its own figures (browser-safe).
//
// Need facts come from the components that contribute most to the area's score (weight × standardised value),
// phrased by what the component is: an IoD rank as "in England's most deprived 10% for income", a place
// percentile as "more than in 85% of the place's neighbourhoods", unmet referrals as "1 in 4 cost-of-living
// referrals found nothing suitable". One provision fact follows when provision is thin: "no chest-funded
// activity within reach", "no chest grant money located here yet".

import { formatNumber } from "./format.js";
import type { ComponentDef } from "./need-themes.js";

export interface ReasonPart {
  def: ComponentDef;
  /** Normalised weight (0–1). */
  weight: number;
  /** Standardised value, 0–100, higher = more need (NaN when missing). */
  value: number;
  /** The value before standardising (a national rank, a rate…), NaN when not known for the area. */
  raw: number;
}

export interface ReasonInput {
  /** The theme in lower case for sentences ("cost of living and debt"); "" for all needs. */
  theme: string;
  parts: readonly ReasonPart[];
  /** Number of LSOAs in England the national ranks are out of. */
  nationalN: number;
  /** Unmet share of the theme's referrals (0–100), as published, when known. */
  unmetPercent?: number | null;
  activities?: number | null;
  funded?: number | null;
  grantPerHead?: number | null;
  /** Where the area stands on provision among the place's areas (0–100, 100 = most). */
  provisionPercentile?: number | null;
  /** "neighbourhoods" for LSOAs, "MSOAs", "wards"… for the percentile phrases. */
  peers: string;
}

function needFact(p: ReasonPart, input: ReasonInput): string {
  const label = p.def.key === "imd_rank" ? "overall deprivation (IMD)" : p.def.label.charAt(0).toLowerCase() + p.def.label.slice(1);
  const theme = input.theme ? `${input.theme} ` : "";
  const pct = Math.round(p.value);
  if (p.def.source === "iod") {
    // For one LSOA the raw value is its national rank; for a layer, the value is the mean national percentile.
    const share = p.raw === p.raw ? (100 * p.raw) / input.nationalN : 100 - p.value;
    const band = Math.max(10, Math.ceil(share / 10) * 10);
    return band <= 30 ? `in England's most deprived ${band}% for ${label}` : `${label} worse than in ${pct}% of the place's ${input.peers}`;
  }
  if (p.def.key === "unmet_per_1000" && input.unmetPercent != null && input.unmetPercent >= 5) {
    const oneIn = Math.round(100 / input.unmetPercent);
    return `${oneIn <= 1 ? "nearly every" : `1 in ${oneIn}`} ${theme}referrals found nothing suitable`;
  }
  if (p.def.source === "referral") {
    const rate = p.raw === p.raw ? `${formatNumber(p.raw, 1)} ` : "";
    const what = p.def.key === "unmet_per_1000" ? "unmet referrals" : "referrals";
    return `${rate}${theme}${what} per 1,000 residents, more than in ${pct}% of the place's ${input.peers}`;
  }
  return `${label} higher than in ${pct}% of the place's ${input.peers}`;
}

function provisionFact(input: ReasonInput): string | null {
  if (input.activities === 0) return `no ${input.theme ? `${input.theme} ` : ""}activity within walking reach`;
  if (input.funded === 0) return "no chest-funded activity within reach";
  if (input.grantPerHead === 0) return "no chest grant money located here yet";
  if (input.provisionPercentile != null && input.provisionPercentile <= 20)
    return `less provision than ${Math.round(100 - input.provisionPercentile)}% of the place's ${input.peers}`;
  return null;
}

/** Up to three reasons: the two need components contributing most (when high), then a provision fact. */
export function priorityReasons(input: ReasonInput): string[] {
  const ranked = input.parts
    .filter((p) => p.weight > 0 && p.value === p.value)
    .sort((a, b) => b.weight * b.value - a.weight * a.value || a.def.key.localeCompare(b.def.key));
  const high = ranked.filter((p) => p.value >= 70);
  const chosen = (high.length ? high : ranked).slice(0, 2).map((p) => needFact(p, input));
  const prov = provisionFact(input);
  if (prov) chosen.push(prov);
  return chosen.slice(0, 3);
}
