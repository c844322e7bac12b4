// The one declared list of public sources: what each is, who publishes it, its licence, where it comes from and its expected layout.

export type Licence = "OGL-3.0" | "OPL-3.0" | "CC-BY-4.0" | "CC-BY-SA-4.0";

export const attributions: Record<string, string> = {
  ogl: "Contains public sector information licensed under the Open Government Licence v3.0.",
  ons: "Source: Office for National Statistics licensed under the Open Government Licence v3.0.",
  os: "Contains OS data © Crown copyright and database right.",
  ns: "Contains National Statistics data © Crown copyright.",
  parliament: "Contains Parliamentary information licensed under the Open Parliament Licence v3.0.",
};

interface SourceBase {
  id: string;
  title: string;
  publisher: string;
  licence: Licence;
  attribution: string[];
  /** The official page a person would visit. */
  landingPage: string;
  /** Path of the stand-in copy inside a mirror folder (see ../shared/data/README.md). */
  mirrorPath: string;
  /** File name under data/raw/. */
  file: string;
  /** Whether the mirror copy is byte-identical to the official download. */
  mirrorIsByteCopy: boolean;
  /** sha256 of the official file where known (verified whenever the bytes are the official ones). */
  sha256?: string;
  /** What the mirror copy is, when it is not a byte copy. */
  mirrorNote?: string;
}

export interface CsvLayout {
  /** A short name, shown in errors ("official File 7", "tidy"). */
  name: string;
  /** Canonical column name → header in the file. Every one must be present. */
  columns: Record<string, string>;
  /** Headers that must be present but are not read by name (whole official layout). */
  alsoRequired?: string[];
}

export interface CsvSource extends SourceBase {
  kind: "csv";
  /** Direct official download, when one exists. A .zip URL names the member to extract. */
  url: string | null;
  zipMember?: string;
  /** Accepted layouts; the first whose columns are all present is used. */
  layouts: CsvLayout[];
  /** No header row: column positions (1-based) instead. */
  headerless?: boolean;
  /** Exact number of data rows in the full official file, when fixed (catches truncated files). */
  expectedRows?: number;
}

export interface GeoSource extends SourceBase {
  kind: "geojson";
  /** ArcGIS FeatureServer layer on the ONS Open Geography Portal, queried for the place's local authorities. */
  featureServer: string;
  /** The property that holds the area code. */
  codeProperty: string;
  nameProperty: string;
  /** How features are chosen for a place: by a local authority property, or by a list of codes from another table. */
  filter: { by: "lad"; property: string } | { by: "codes" };
  /** Properties every feature must have. */
  requiredProperties: string[];
  /** What the features are, in words: "LSOA 2021" boundaries for N of a place's "LSOAs". */
  layerLabel: string;
  unit: string;
  /**
   * Further mirror files that may hold some of the layer's features (a mirror assembled piecemeal, place by place);
   * a `*` stands for any one folder name. The place's features are taken from whichever files hold them.
   */
  mirrorAlso: string[];
  /** Set when the layer serves only a side purpose, so a place it covers only in part can still be built: says what is lost. */
  partialOk?: string;
}

export type Source = CsvSource | GeoSource;

const arcgis = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services";

const file7Domains = [
  ["imd", "Index of Multiple Deprivation (IMD)", ""],
  ["income", "Income", " (rate)"],
  ["employment", "Employment", " (rate)"],
  ["education", "Education, Skills and Training", ""],
  ["health", "Health Deprivation and Disability", ""],
  ["crime", "Crime", ""],
  ["barriers", "Barriers to Housing and Services", ""],
  ["living_env", "Living Environment", ""],
  ["idaci", "Income Deprivation Affecting Children Index (IDACI)", " (rate)"],
  ["idaopi", "Income Deprivation Affecting Older People (IDAOPI)", " (rate)"],
  ["sub_children", "Children and Young People Sub-domain", ""],
  ["sub_adult_skills", "Adult Skills Sub-domain", ""],
  ["sub_geographical", "Geographical Barriers Sub-domain", ""],
  ["sub_wider", "Wider Barriers Sub-domain", ""],
  ["sub_indoors", "Indoors Sub-domain", ""],
  ["sub_outdoors", "Outdoors Sub-domain", ""],
] as const;

/** IoD2025 File 7 columns: canonical name → official header. */
export const file7Columns: Record<string, string> = Object.fromEntries([
  ["lsoa21cd", "LSOA code (2021)"],
  ["lsoa21nm", "LSOA name (2021)"],
  ["lad_code", "Local Authority District code (2024)"],
  ["lad_name", "Local Authority District name (2024)"],
  ...file7Domains.flatMap(([key, label, scoreSuffix]) => [
    [`${key}_score`, `${label} Score${scoreSuffix}`],
    [`${key}_rank`, `${label} Rank (where 1 is most deprived)`],
    [`${key}_decile`, `${label} Decile (where 1 is most deprived 10% of LSOAs)`],
  ]),
  // The official header really is cut short here (80 characters), so it is matched as published.
  ["sub_children_decile", "Children and Young People Sub-domain Decile (where 1 is most deprived 10% of LSO"],
  ["pop_total", "Total population: mid 2022"],
  ["pop_children", "Dependent Children aged 0-15: mid 2022"],
  ["pop_older", "Older population aged 60 and over: mid 2022"],
  ["pop_working", "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022"],
]);

/** The IoD domains and sub-domains shown in the product, with plain names. */
export const iodMeasures = file7Domains.map(([key, label]) => ({ key, label }));

const iod2019Domains = ["IMD", "Income", "Employment", "Education", "Health", "Crime", "Housing_and_Access", "Environment"];
const iod2019Keys = ["imd", "income", "employment", "education", "health", "crime", "barriers", "living_env"];
const iod2019Official = [
  "Index of Multiple Deprivation (IMD)",
  "Income",
  "Employment",
  "Education, Skills and Training",
  "Health Deprivation and Disability",
  "Crime",
  "Barriers to Housing and Services",
  "Living Environment",
];

export const sources: Source[] = [
  {
    id: "iod2025-file7",
    kind: "csv",
    title: "English Indices of Deprivation 2025, File 7: all ranks, scores, deciles and population denominators",
    publisher: "Ministry of Housing, Communities and Local Government",
    licence: "OGL-3.0",
    attribution: [attributions.ns, attributions.ogl],
    landingPage: "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025",
    url: "https://assets.publishing.service.gov.uk/media/691ded56d140bbbaa59a2a7d/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
    sha256: "b1b716aa2e476449f987b9de3e08255b4794eabfd270626de5de18b2f5eff3ef",
    mirrorPath: "iod2025/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
    file: "iod2025_file7.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "Reconstruction in the official layout; IDACI, IDAOPI and the population denominators are empty in the mirror.",
    layouts: [{ name: "official File 7", columns: file7Columns }],
    expectedRows: 33755,
  },
  {
    id: "iod2025-indicators",
    kind: "csv",
    title: "English Indices of Deprivation 2025, File 8: underlying indicators",
    publisher: "Ministry of Housing, Communities and Local Government",
    licence: "OGL-3.0",
    attribution: [attributions.ns, attributions.ogl],
    landingPage: "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025",
    url: null,
    mirrorPath: "iod2025/iod2025_underlying_indicators_lsoa21.csv",
    file: "iod2025_indicators.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "Tidy CSV of the official values (the official File 8 is a spreadsheet).",
    layouts: [
      {
        name: "tidy (snake_case)",
        columns: {
          lsoa21cd: "lsoa21_code",
          mental_health: "mental_health_indicator",
          acute_morbidity: "acute_morbidity_indicator",
          illness_disability_ratio: "comparative_illness_and_disability_ratio_indicator",
          years_life_lost: "years_of_potential_life_lost_indicator",
          adult_skills: "adult_skills_and_english_language_proficiency_indicator",
          income_numerator: "income_domain_numerator",
          employment_numerator: "employment_domain_numerator",
          housing_affordability: "housing_affordability_indicator",
          homelessness: "homelessness_indicator_rate_per_1_000_households",
          overcrowding_rooms: "household_overcrowding_indicator_rooms",
          patient_to_gp_ratio: "patient_to_gp_ratio",
          connectivity: "connectivity_score",
        },
      },
    ],
    expectedRows: 33755,
  },
  {
    id: "iod2019",
    kind: "csv",
    title: "English Indices of Deprivation 2019: ranks and deciles (LSOA 2011)",
    publisher: "Ministry of Housing, Communities and Local Government",
    licence: "OGL-3.0",
    attribution: [attributions.ns, attributions.ogl],
    landingPage: "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
    url: "https://assets.publishing.service.gov.uk/media/5d8b3b51ed915d036a455aa6/File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
    mirrorPath: "iod2019/iod2019_lsoa11_ranks_deciles.csv",
    file: "iod2019.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "Tidy CSV of the official ranks and deciles (no scores).",
    layouts: [
      {
        name: "official File 7",
        columns: Object.fromEntries([
          ["lsoa11cd", "LSOA code (2011)"],
          ...iod2019Keys.flatMap((key, i) => [
            [`${key}_rank`, `${iod2019Official[i]} Rank (where 1 is most deprived)`],
            [`${key}_decile`, `${iod2019Official[i]} Decile (where 1 is most deprived 10% of LSOAs)`],
          ]),
        ]),
      },
      {
        name: "tidy",
        columns: Object.fromEntries([
          ["lsoa11cd", "lsoa11_code"],
          ...iod2019Keys.flatMap((key, i) => [
            [`${key}_rank`, `${iod2019Domains[i]}_rank`],
            [`${key}_decile`, `${iod2019Domains[i]}_decile`],
          ]),
        ]),
      },
    ],
    expectedRows: 32844,
  },
  {
    id: "census2021-ts001",
    kind: "csv",
    title: "Census 2021 TS001: number of usual residents in households and communal establishments (LSOA 2021)",
    publisher: "Office for National Statistics (Nomis)",
    licence: "OGL-3.0",
    attribution: [attributions.ons],
    landingPage: "https://www.nomisweb.co.uk/sources/census_2021_bulk",
    url: "https://www.nomisweb.co.uk/output/census/2021/census2021-ts001.zip",
    zipMember: "census2021-ts001-lsoa.csv",
    mirrorPath: "census2021/census2021-ts001-lsoa.csv",
    file: "census2021_ts001_lsoa.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "Official values re-laid in the Nomis bulk layout.",
    layouts: [
      {
        name: "Nomis bulk",
        columns: { lsoa21cd: "geography code", lsoa21nm: "geography", population: "Residence type: Total; measures: Value" },
        alsoRequired: ["date"],
      },
    ],
    expectedRows: 35672,
  },
  {
    id: "census2021-age",
    kind: "csv",
    title: "Census 2021: usual residents by six age groups (LSOA 2021), ONS custom dataset",
    publisher: "Office for National Statistics",
    licence: "OGL-3.0",
    attribution: [attributions.ons],
    landingPage: "https://www.ons.gov.uk/datasets/create",
    url: null,
    mirrorPath: "census2021/census2021_age6_lsoa21.csv",
    file: "census2021_age6_lsoa.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "Cells perturbed independently by ONS: used for age shares only.",
    layouts: [
      {
        name: "ONS custom dataset",
        columns: {
          lsoa21cd: "LSOA21CD",
          age_0_15: "Aged 15 years and under",
          age_16_24: "Aged 16 to 24 years",
          age_25_34: "Aged 25 to 34 years",
          age_35_49: "Aged 35 to 49 years",
          age_50_64: "Aged 50 to 64 years",
          age_65_plus: "Aged 65 years and over",
        },
      },
    ],
  },
  {
    id: "lookup-lsoa11-lsoa21",
    kind: "csv",
    title: "LSOA (2011) to LSOA (2021) to Local Authority District (2022) best-fit lookup for England and Wales (V2)",
    publisher: "Office for National Statistics (Open Geography Portal)",
    licence: "OGL-3.0",
    attribution: [attributions.ons, attributions.os],
    landingPage: "https://geoportal.statistics.gov.uk/datasets/ons::lsoa-2011-to-lsoa-2021-to-local-authority-district-2022-best-fit-lookup-for-ew-v2",
    url: null,
    mirrorPath: "geography/lookups/LSOA11_LSOA21_LAD22_best_fit_EW_v2.csv",
    file: "lookup_lsoa11_lsoa21.csv",
    mirrorIsByteCopy: true,
    sha256: "942d0c36b16ab7de14516446e6f69fb94aa22ae5faf53ea850830f5ae995e847",
    layouts: [{ name: "ONS lookup", columns: { lsoa11cd: "LSOA11CD", lsoa21cd: "LSOA21CD", lad22cd: "LAD22CD" } }],
    expectedRows: 34753,
  },
  {
    id: "lookup-lsoa21-ward24",
    kind: "csv",
    title: "LSOA (2021) to Electoral Ward (2024) to LAD (2024) best-fit lookup in England and Wales",
    publisher: "Office for National Statistics (Open Geography Portal)",
    licence: "OGL-3.0",
    attribution: [attributions.ons, attributions.os],
    landingPage: "https://geoportal.statistics.gov.uk/search?q=LUP_LSOA_WD_LAD",
    url: null,
    mirrorPath: "geography/lookups/lsoa21_ward24_lad24_best_fit.csv",
    file: "lookup_lsoa21_ward24.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "ONS content via the geographr R package, official field names restored.",
    layouts: [
      {
        name: "ONS lookup",
        columns: { lsoa21cd: "LSOA21CD", lsoa21nm: "LSOA21NM", ward_code: "WD24CD", ward_name: "WD24NM", lad_code: "LAD24CD", lad_name: "LAD24NM" },
      },
    ],
  },
  {
    id: "lookup-lsoa21-icb24",
    kind: "csv",
    title: "LSOA (2021) to Sub ICB Location to ICB (April 2024) lookup in England",
    publisher: "Office for National Statistics (Open Geography Portal)",
    licence: "OGL-3.0",
    attribution: [attributions.ons, attributions.os],
    landingPage: "https://geoportal.statistics.gov.uk/search?q=LUP_LSOA_SICBL_ICB",
    url: null,
    mirrorPath: "geography/lookups/lsoa21_sicbl24_icb24.csv",
    file: "lookup_lsoa21_icb24.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "ONS content via the geographr R package, official field names restored.",
    layouts: [
      {
        name: "ONS lookup",
        columns: {
          lsoa21cd: "LSOA21CD",
          sicbl_code: "SICBL24CD",
          sicbl_ods: "SICBL24CDH",
          sicbl_name: "SICBL24NM",
          icb_code: "ICB24CD",
          icb_ods: "ICB24CDH",
          icb_name: "ICB24NM",
        },
      },
    ],
    expectedRows: 33755,
  },
  {
    id: "msoa-names",
    kind: "csv",
    title: "MSOA (2021) names, House of Commons Library",
    publisher: "House of Commons Library",
    licence: "OPL-3.0",
    attribution: [attributions.parliament],
    landingPage: "https://houseofcommonslibrary.github.io/msoanames/",
    url: "https://houseofcommonslibrary.github.io/msoanames/MSOA-Names-2.2.csv",
    mirrorPath: "geography/lookups/msoa21_names_hcl.csv",
    file: "msoa21_names.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "Via drkane/geo-lookups.",
    layouts: [{ name: "House of Commons Library", columns: { msoa21cd: "msoa21cd", msoa21nm: "msoa21nm", msoa_name: "msoa21hclnm" } }],
  },
  {
    id: "lsoa21-centroids",
    kind: "csv",
    title: "LSOA (December 2021) population-weighted centroids",
    publisher: "Office for National Statistics (Open Geography Portal)",
    licence: "OGL-3.0",
    attribution: [attributions.ons, attributions.os],
    landingPage: "https://geoportal.statistics.gov.uk/search?q=LSOA_PWC_2021",
    url: null,
    mirrorPath: "geography/lookups/lsoa21_population_weighted_centroids.csv",
    file: "lsoa21_centroids.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "Converted to WGS84 longitude and latitude (the official file gives British National Grid x, y).",
    layouts: [{ name: "WGS84", columns: { lsoa21cd: "LSOA21CD", lon: "lon", lat: "lat" } }],
  },
  {
    id: "nhs-epraccur",
    kind: "csv",
    title: "GP practices and prescribing cost centres in England (epraccur), NHS Organisation Data Service",
    publisher: "NHS England (Organisation Data Service)",
    licence: "OGL-3.0",
    attribution: [attributions.ogl],
    landingPage: "https://www.odsdatasearchandexport.nhs.uk/",
    url: null,
    mirrorPath: "nhs/epraccur_2024-01.csv",
    file: "nhs_epraccur.csv",
    mirrorIsByteCopy: true,
    headerless: true,
    layouts: [
      {
        name: "ODS epraccur (no header; 1-based column positions)",
        columns: { code: "1", name: "2", postcode: "10", open_date: "11", close_date: "12", status: "13", commissioner: "15", setting: "26" },
      },
    ],
  },
  {
    id: "nhs-pcn",
    kind: "csv",
    title: "Primary Care Networks (ePCN, PCN details), NHS Organisation Data Service",
    publisher: "NHS England (Organisation Data Service)",
    licence: "OGL-3.0",
    attribution: [attributions.ogl],
    landingPage: "https://www.odsdatasearchandexport.nhs.uk/",
    url: null,
    mirrorPath: "nhs/epcn_2023-02_PCNDetails.csv",
    file: "nhs_pcn.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "The PCNDetails sheet of the official ePCN.xlsx (February 2023) exported to CSV.",
    layouts: [{ name: "ePCN PCN details", columns: { pcn_code: "PCN Code", pcn_name: "PCN Name", sub_icb_code: "Current Sub ICB Loc Code", close_date: "Close Date" } }],
  },
  {
    id: "nhs-pcn-members",
    kind: "csv",
    title: "Primary Care Network member practices (ePCN, core partner details), NHS Organisation Data Service",
    publisher: "NHS England (Organisation Data Service)",
    licence: "OGL-3.0",
    attribution: [attributions.ogl],
    landingPage: "https://www.odsdatasearchandexport.nhs.uk/",
    url: null,
    mirrorPath: "nhs/epcn_2023-02_PCN_Core_Partner_Details.csv",
    file: "nhs_pcn_members.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "The core partner details sheet of the official ePCN.xlsx (February 2023) exported to CSV.",
    layouts: [
      {
        name: "ePCN core partner details",
        columns: {
          practice_code: "Partner Organisation Code",
          pcn_code: "PCN Code",
          pcn_name: "PCN Name",
          start_date: "Practice to PCN Relationship Start Date",
          end_date: "Practice to PCN Relationship End Date",
        },
      },
    ],
  },
  {
    id: "nhs-practice-coords",
    kind: "csv",
    title: "GP practice locations (practice postcode centroids), north east London",
    publisher: "NHS England (ODS) practice list joined to Ordnance Survey Code-Point Open postcode centroids",
    licence: "OGL-3.0",
    attribution: [attributions.ogl, attributions.os],
    landingPage: "https://www.ordnancesurvey.co.uk/products/code-point-open",
    url: null,
    mirrorPath: "nhs/nel_gp_practices_pcn_2023_with_coords.csv",
    file: "nhs_practice_coords.csv",
    mirrorIsByteCopy: false,
    mirrorNote: "269 north east London practices with their PCN (2023) and postcode centroids (Code-Point Open 2014), joined for this project; 2 practices lack coordinates.",
    layouts: [
      {
        name: "practice coordinates",
        columns: { practice_code: "practice_code", status: "practice_status_epraccur", pcn_code: "pcn_code", pcn_name: "pcn_name", lat: "lat_wgs84", lon: "lon_wgs84" },
      },
    ],
  },
  {
    id: "boundaries-lsoa21",
    kind: "geojson",
    title: "Lower layer Super Output Areas (December 2021) boundaries EW BGC",
    publisher: "Office for National Statistics (Open Geography Portal)",
    licence: "OGL-3.0",
    attribution: [attributions.ons, attributions.os],
    landingPage: "https://geoportal.statistics.gov.uk/datasets/ons::lower-layer-super-output-areas-december-2021-boundaries-ew-bgc-v5-2",
    featureServer: `${arcgis}/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5/FeatureServer/0`,
    codeProperty: "LSOA21CD",
    nameProperty: "LSOA21NM",
    filter: { by: "codes" },
    requiredProperties: ["LSOA21CD", "LSOA21NM"],
    layerLabel: "LSOA 2021",
    unit: "LSOAs",
    mirrorAlso: ["geography/boundaries/*/lsoa21.geojson"],
    mirrorPath: "geography/boundaries/lsoa21_london_gen20m.geojson",
    file: "boundaries_lsoa21.geojson",
    mirrorIsByteCopy: false,
    mirrorNote: "London generalised to 20 m by a third party, and other places from ONS BGC features (see the mirror README).",
  },
  {
    id: "boundaries-lsoa11",
    kind: "geojson",
    title: "Lower layer Super Output Areas (December 2011) boundaries EW BGC",
    publisher: "Office for National Statistics (Open Geography Portal)",
    licence: "OGL-3.0",
    attribution: [attributions.ons, attributions.os],
    landingPage: "https://geoportal.statistics.gov.uk/search?q=LSOA_DEC_2011_EW_BGC",
    featureServer: `${arcgis}/LSOA_Dec_2011_Boundaries_Generalised_Clipped_BGC_EW_V3/FeatureServer/0`,
    codeProperty: "LSOA11CD",
    nameProperty: "LSOA11NM",
    filter: { by: "codes" },
    requiredProperties: ["LSOA11CD", "LSOA11NM"],
    layerLabel: "LSOA 2011",
    unit: "LSOAs",
    mirrorAlso: ["geography/boundaries/*/lsoa11.geojson"],
    partialOk: "2021 LSOAs that the best-fit lookup gives no 2011 parent and whose centroid falls in a missing 2011 LSOA get no IoD2019 figure",
    mirrorPath: "geography/boundaries/lsoa11_london_gen20m.geojson",
    file: "boundaries_lsoa11.geojson",
    mirrorIsByteCopy: false,
    mirrorNote: "London generalised to 20 m by a third party, and other places in part from ONS BGC features. Used only to carry IoD2019 to 2021 LSOAs that the best-fit lookup leaves without a 2011 parent.",
  },
  {
    id: "boundaries-ward",
    kind: "geojson",
    title: "Wards (May 2025) boundaries UK BGC",
    publisher: "Office for National Statistics (Open Geography Portal)",
    licence: "OGL-3.0",
    attribution: [attributions.ons, attributions.os],
    landingPage: "https://geoportal.statistics.gov.uk/search?q=WD_MAY_2025_UK_BGC",
    featureServer: `${arcgis}/Wards_May_2025_Boundaries_UK_BGC/FeatureServer/0`,
    codeProperty: "WD25CD",
    nameProperty: "WD25NM",
    filter: { by: "lad", property: "LAD25CD" },
    requiredProperties: ["WD25CD", "WD25NM", "LAD25CD"],
    layerLabel: "ward (May 2025)",
    unit: "wards",
    mirrorAlso: ["geography/boundaries/*/wards.geojson"],
    mirrorPath: "geography/boundaries/wards25_london.geojson",
    file: "boundaries_ward.geojson",
    mirrorIsByteCopy: false,
    mirrorNote: "London per-borough byte copies merged and further simplified, and other places from ONS BGC features.",
  },
];

export function sourceById(id: string): Source {
  const source = sources.find((s) => s.id === id);
  if (!source) throw new Error(`unknown source ${id}`);
  return source;
}
