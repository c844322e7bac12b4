// The applications kind's tables (applications, the areas each serves, panel scores, votes, and the assessment with its reasons), declared once with their descriptions.
import type { TableDecl } from "../kit/table.ts";

export const applicationTable: TableDecl = {
  name: "application",
  description: "One row per grant application accepted from `chest ingest applications` (the template in pipelines/applications/README.md). Applications are about organisations: no contact people are stored.",
  columns: [
    ["application_id", "VARCHAR", "the application's Identifier (unique; a later file with the same Identifier replaces the earlier row)"],
    ["round", "VARCHAR", "Grant Programme:Title: the funding round it applies to"],
    ["title", "VARCHAR", "project title"],
    ["description", "VARCHAR", "what the project will do"],
    ["amount_pence", "BIGINT", "amount applied for, whole pence"],
    ["org_name", "VARCHAR", "the applying organisation"],
    ["charity_number", "VARCHAR", "registered charity number, if given"],
    ["company_number", "VARCHAR", "Companies House number (8 characters), if given"],
    ["income_band", "VARCHAR", "NCVO size class: micro, small, medium, large, major, super_major (NULL = not given)"],
    ["themes", "VARCHAR", "need categories it addresses (src/lib/needs.ts keys), separated by '; '"],
    ["participants", "INTEGER", "expected participants"],
    ["sessions", "INTEGER", "sessions it will run"],
    ["duration_months", "DOUBLE", "planned duration, months"],
    ["synthetic", "BOOLEAN", "a synthetic demo application (chest demo)"],
    ["source_file", "VARCHAR", "file as the user named it"],
    ["source_row", "INTEGER", "row in that file (header = 1)"],
  ],
};

export const applicationAreaTable: TableDecl = {
  name: "application_area",
  description: "Where each application will serve: one row per application and area (LSOA, MSOA, ward or borough GSS code), with how the row gave it.",
  columns: [
    ["application_id", "VARCHAR", "application Identifier"],
    ["code", "VARCHAR", "GSS code"],
    ["area_type", "VARCHAR", "lsoa, msoa, ward or borough"],
    ["placed_by", "VARCHAR", "code (written as a code), postcode (a venue postcode in the directory) or coordinates"],
  ],
};

export const panelScoreTable: TableDecl = {
  name: "panel_score",
  description: "Panel members' own scores: one row per member, application and criterion, on the panel's scale (1–5 unless stated).",
  columns: [
    ["member", "VARCHAR", "panel member as the chest names them (e.g. 'Panel member 2')"],
    ["application_id", "VARCHAR", "application Identifier"],
    ["criterion", "VARCHAR", "the panel's criterion"],
    ["score", "DOUBLE", "the score"],
    ["scale_min", "DOUBLE", "lowest score on the scale"],
    ["scale_max", "DOUBLE", "highest score on the scale"],
    ["source_file", "VARCHAR", "file as the user named it"],
    ["source_row", "INTEGER", "row in that file"],
  ],
};

export const voteTable: TableDecl = {
  name: "pb_vote",
  description: "Participatory votes: one row per voter and application (applicants vote on each other's pitches); a vote of 0 keeps the voter counted.",
  columns: [
    ["voter", "VARCHAR", "voter (an applicant's Identifier, or a ballot number)"],
    ["application_id", "VARCHAR", "application voted for"],
    ["vote_kind", "VARCHAR", "approval or points"],
    ["points", "DOUBLE", "points given (approval: 1 = approves, 0 = does not)"],
    ["source_file", "VARCHAR", "file as the user named it"],
    ["source_row", "INTEGER", "row in that file"],
  ],
};

export const assessmentTable: TableDecl = {
  name: "application_assessment",
  description:
    "The need-aware evidence score of every application (src/lib/assessment.ts): need and gap of the areas it serves for its themes (need_area), agreed allocation still unspent (the round's decision record less grants already in the round), new provision, small organisation; each criterion's value and its reason in words.",
  columns: [
    ["application_id", "VARCHAR", "application Identifier"],
    ["round", "VARCHAR", "funding round"],
    ["decision_id", "VARCHAR", "the decision record the round is assessed against (NULL = none)"],
    ["layer", "VARCHAR", "areas the need figures and the agreed split are read at (the record's layer; ward without a record)"],
    ["score", "DOUBLE", "evidence score 0–100 (weighted mean of the criteria that could be judged)"],
    ["need", "DOUBLE", "need 0–100 where it would work (higher = more need); NULL = no figures"],
    ["gap", "DOUBLE", "gap 0–100: (need − provision + 100) / 2, so 50 = balanced and higher = need outruns provision"],
    ["unspent", "DOUBLE", "share (0–100) of the agreed allocation it would draw on that is still unspent"],
    ["new_provision", "DOUBLE", "share (0–100) of its work where nothing reaches today (provision 0)"],
    ["small_organisation", "DOUBLE", "income-band score 0–100 (micro and small first)"],
    ["reasons", "VARCHAR", "one plain-English sentence per criterion, separated by a line break"],
  ],
};

export const applicationUnitTable: TableDecl = {
  name: "application_unit",
  description: "Each application's work shared over the areas of its round's layer (population-weighted where it names larger areas or several), as the assessment and the awarding page charge it.",
  columns: [
    ["application_id", "VARCHAR", "application Identifier"],
    ["layer", "VARCHAR", "layer of the areas"],
    ["code", "VARCHAR", "area code at that layer"],
    ["share", "DOUBLE", "share of the application's work in the area (sums to 1 per application)"],
  ],
};

export const roundDecisionTable: TableDecl = {
  name: "application_round",
  description: "Each funding round with applications, and the decision record it is assessed and awarded against: the newest record whose title names the round, else the newest record.",
  columns: [
    ["round", "VARCHAR", "funding round (Grant Programme:Title)"],
    ["decision_id", "VARCHAR", "decision record (NULL = none ingested)"],
    ["linked_by", "VARCHAR", "'title names the round', 'newest record' or 'none'"],
    ["pot_pence", "BIGINT", "the record's pot, whole pence"],
    ["layer", "VARCHAR", "the layer its allocation splits the pot by"],
    ["applications", "INTEGER", "applications in the round"],
    ["requested_pence", "BIGINT", "money asked for, whole pence"],
    ["synthetic", "BOOLEAN", "made from synthetic demo applications"],
  ],
};
