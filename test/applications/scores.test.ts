// Panel-score and vote files get row-level rejects: off-scale scores, unknown applications, repeats, unreadable approvals, people's details.
import { describe, expect, it } from "vitest";
import { validatePanelScores, validateVotes } from "../../pipelines/applications/scores.ts";
import { HeaderProblem, WITHHELD } from "../../pipelines/applications/validate.ts";
import { equalShares } from "../../src/lib/participatory.ts";

const apps = new Set(["A-1", "A-2"]);
const rows = (...r: string[][]) => r.map((fields, k) => ({ fields, row: k + 2 }));

describe("validatePanelScores", () => {
  it("accepts scores on the scale and rejects the rest, naming line and reason", () => {
    const { accepted, rejects } = validatePanelScores(
      ["Member", "Application", "Criterion", "Score"],
      rows(
        ["P1", "A-1", "reach", "4"], ["P1", "A-9", "reach", "3"], ["P2", "A-1", "reach", "7"], ["P1", "A-1", "Reach", "5"], ["Mrs Ada Lovelace", "A-2", "reach", "2"], ["P2", "A-2", "", "x"],
        // Not numbers as a panel writes them (read as 3 and 1 before), and an empty score (named once, as required).
        ["P3", "A-1", "reach", "0x3"], ["P3", "A-2", "reach", "1e0"], ["P3", "A-2", "delivery", ""], ["P4", "A-2", "reach", "3.5"],
      ),
      apps,
      { min: 1, max: 5 },
    );
    expect(accepted).toEqual([{ member: "P1", application: "A-1", criterion: "reach", score: 4 }, { member: "P4", application: "A-2", criterion: "reach", score: 3.5 }]);
    expect(rejects.map((r) => [r.line, r.column, r.value, r.reason])).toEqual([
      [3, "Application", "A-9", "not an application in this round"],
      [4, "Score", "7", "not a score from 1 to 5"],
      [5, "Member", "P1", "this member already scored this application on this criterion on line 2"],
      [6, "Member", WITHHELD, expect.stringMatching(/person's name/)],
      [7, "Criterion", "", "criterion is required"],
      [7, "Score", "x", "not a score from 1 to 5"],
      [8, "Score", "0x3", "not a score from 1 to 5"],
      [9, "Score", "1e0", "not a score from 1 to 5"],
      [10, "Score", "", "score is required"],
    ]);
  });

  it("refuses a file without the columns it needs, or with an email column", () => {
    expect(() => validatePanelScores(["Member", "Score"], [], apps, { min: 1, max: 5 })).toThrow(/needs columns application, criterion/);
    expect(() => validatePanelScores(["Member", "Application", "Criterion", "Score", "Email"], [], apps, { min: 1, max: 5 })).toThrow(HeaderProblem);
  });
});

describe("validateVotes", () => {
  it("reads approvals written as 1/0, yes/no, x; zero votes keep the voter counted", () => {
    const { accepted, rejects, kind } = validateVotes(
      ["voter", "application", "approval"],
      rows(["v1", "A-1", "yes"], ["v1", "A-2", "0"], ["v2", "A-1", "X"], ["v2", "A-1", "1"], ["v3", "A-3", "1"], ["v4", "A-2", "maybe"], ["call 07700 900123", "A-1", "1"]),
      apps,
    );
    expect(kind).toBe("approval");
    expect(accepted).toEqual([
      { voter: "v1", project: "A-1" },
      { voter: "v1", project: "A-2", points: 0 },
      { voter: "v2", project: "A-1" },
    ]);
    expect(rejects.map((r) => [r.line, r.column, r.reason])).toEqual([
      [5, "voter", "this voter already voted for this application on line 4"],
      [6, "application", "not an application in this round"],
      [7, "approval", "not an approval: write 1 or 0, yes or no"],
      [8, "voter", "holds a phone number: the row is refused and nothing from it is stored"],
    ]);
    // Two voters share a pot of 1,000: A-1 (cost 1,000) is backed by both and funded.
    expect(equalShares({ budget: 1000, projects: [{ id: "A-1", cost: 1000 }, { id: "A-2", cost: 500 }], votes: accepted }).funded.map((f) => f.id)).toEqual(["A-1"]);
  });

  it("reads points, rejects negative or unreadable ones, and needs exactly one of points or approval", () => {
    const { accepted, rejects } = validateVotes(["Voter", "Application", "Points"], rows(["v1", "A-1", "3"], ["v1", "A-2", "-1"], ["v2", "A-2", "two"], ["v3", "A-1", "1e9"], ["v3", "A-2", "0x10"]), apps);
    expect(accepted).toEqual([{ voter: "v1", project: "A-1", points: 3 }]);
    expect(rejects.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    const own = validateVotes(["voter", "application", "approval"], rows(["A-1", "A-1", "1"], ["A-1", "A-2", "1"]), apps);
    expect(own.rejects.map((r) => [r.line, r.reason])).toEqual([[2, "an applicant cannot vote for its own application"]]);
    expect(() => validateVotes(["voter", "application"], [], apps)).toThrow(/exactly one of the columns points or approval/);
    expect(() => validateVotes(["voter", "application", "points", "approval"], [], apps)).toThrow(/exactly one/);
  });
});
