// Observable Framework configuration for the Chest Atlas site: its pages, the OGL attribution, and no fonts fetched from elsewhere.

/** The part of Framework's config this site uses (Framework 1.13 ships no type declarations). */
export interface SiteConfig {
  root: string;
  output?: string;
  title: string;
  pages: { name: string; path: string }[];
  /** Stylesheets linked from every page; [] so Framework links no Google Fonts. */
  globalStylesheets: string[];
  /** The site stylesheet, relative to root. */
  style?: string;
  footer: string;
  pager?: boolean;
  toc?: boolean;
  search?: boolean;
}

const OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

const config: SiteConfig = {
  root: "src",
  title: "Chest Atlas",
  pages: [
    { name: "Overview", path: "/" },
    { name: "Need map", path: "/need-map" },
    { name: "Gaps", path: "/gaps" },
    { name: "Neighbourhood profile", path: "/neighbourhood" },
    { name: "Referrals", path: "/referrals" },
    { name: "Provision", path: "/provision" },
    { name: "Grants", path: "/grants" },
    { name: "Equity", path: "/equity" },
    { name: "Outcomes", path: "/outcomes" },
    { name: "Workshop", path: "/workshop" },
    { name: "Awarding", path: "/awarding" },
    { name: "Data & methods", path: "/data" },
  ],
  globalStylesheets: [],
  style: "style.css",
  footer: `Contains public sector information licensed under the <a href="${OGL_URL}">Open Government Licence v3.0</a>.`,
  search: false,
};

export default config;
