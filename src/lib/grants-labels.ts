// Words for the codes in the grant tables (how money was located, whose money it is), shared by pages and pipelines.

/** grants.location_method and grant_lsoa.method → plain English, in the order a coverage table lists them. */
export const locationMethodLabels: Record<string, string> = {
  beneficiary_lsoa: "Beneficiary LSOA",
  beneficiary_lsoa11: "Beneficiary LSOA (2011 code, converted)",
  beneficiary_msoa: "Beneficiary MSOA, split by population",
  beneficiary_ward: "Beneficiary ward, split by population",
  beneficiary_district: "Beneficiary local authority, split by population",
  beneficiary_icb: "Beneficiary ICB area, split by population",
  beneficiary_mixed: "Several beneficiary areas of different kinds",
  recipient_postcode: "Recipient's postcode (no beneficiary area given)",
  recipient_district: "Recipient's local authority, split by population (no beneficiary area or postcode)",
  outside_place: "Outside the place",
  wide_area: "A wide area only (region, country …), not placed",
  not_located: "Not located",
};

export const locationMethodOrder = Object.keys(locationMethodLabels);

/** Methods that place money in the place's LSOAs. */
export const placedMethods = locationMethodOrder.filter((m) => m.startsWith("beneficiary_") || m.startsWith("recipient_"));

/** Funder types in display order; "not declared" is money whose funder the place configuration does not classify. */
export const funderTypeOrder = ["NHS", "local authority", "philanthropy", "business", "other", "not declared"] as const;

export const funderBasisLabels: Record<string, string> = {
  "named funder": "The grant names this funder",
  "round pro rata": "Split pro rata to the round's contributions",
  "not declared": "Funder not in the place configuration",
};

export function locationMethodLabel(method: string | null | undefined): string {
  return method ? (locationMethodLabels[method] ?? method) : "Not located";
}
