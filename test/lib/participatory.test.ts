// Checks greedy approval and the Method of Equal Shares against equalshares.net's published worked examples, and their budget and proportionality properties on seeded random cases.
import { describe, expect, it } from "vitest";
import { compareRules, equalShares, greedyApproval, PbInputError, type PbInput, type PbVote } from "../../src/lib/participatory.ts";
import { mulberry32 } from "../../src/lib/random.ts";

/** Approval votes from a table: project → the voters (1-based) who voted for it. */
function approvals(table: Record<string, number[]>): PbVote[] {
  return Object.entries(table).flatMap(([project, voters]) => voters.map((v) => ({ voter: `v${String(v).padStart(2, "0")}`, project })));
}

// equalshares.net, "Explanation of the Method of Equal Shares", Example 1: budget 1,100, 11 voters, 5 projects.
// https://equalshares.net/explanation#example
const example1: PbInput = {
  budget: 1100,
  projects: [
    { id: "bike path", cost: 700 },
    { id: "outdoor gym", cost: 400 },
    { id: "new park", cost: 250 },
    { id: "new playground", cost: 200 },
    { id: "library for kids", cost: 100 },
  ],
  votes: approvals({
    "bike path": [1, 2, 3, 4, 5, 6, 11],
    "outdoor gym": [1, 2, 3, 4, 5, 6],
    "new park": [2, 4, 5, 7, 10],
    "new playground": [7, 8, 9, 10],
    "library for kids": [7, 9, 10],
  }),
};

// Example 2 on the same page: the right-most voter votes for the outdoor gym instead of the bike path.
const example2: PbInput = {
  ...example1,
  votes: approvals({
    "bike path": [1, 2, 3, 4, 5, 6],
    "outdoor gym": [1, 2, 3, 4, 5, 6, 11],
    "new park": [2, 4, 5, 7, 10],
    "new playground": [7, 8, 9, 10],
    "library for kids": [7, 9, 10],
  }),
};

const plain = { complete: false, greedyTopUp: false } as const;

describe("Method of Equal Shares on equalshares.net's worked examples", () => {
  it("Example 1: bike path, then new playground, then library for kids", () => {
    const out = equalShares(example1, plain);
    expect(out.funded.map((f) => f.id)).toEqual(["bike path", "new playground", "library for kids"]);
    // Each voter gets 100. Bike path: 7 supporters pay 100 each (effective vote count 7). Playground: its 4
    // supporters still have 100 and pay 50 each (count 4). Library: its 3 supporters have 50 left and pay 33.33.
    expect(out.funded.map((f) => f.maxPayment)).toEqual([100, 50, expect.closeTo(100 / 3, 9)]);
    expect(out.funded.map((f) => f.effectiveVotes)).toEqual([7, 4, expect.closeTo(3, 9)]);
    expect(out.spent).toBe(1000);
    expect(out.perVoterShare).toBe(100);
  });

  it("Example 1 under greedy approval: bike path and outdoor gym, the kids' projects unrepresented (as the page says)", () => {
    const out = greedyApproval(example1);
    expect(out.funded.map((f) => f.id)).toEqual(["bike path", "outdoor gym"]);
    expect(out.spent).toBe(1100);
    expect(out.notFunded.find((n) => n.id === "new park")?.reason).toMatch(/did not fit: it costs £250 and £0 was left/);
  });

  it("Example 2: outdoor gym, new park (effective count 4.1), new playground; the library is unaffordable", () => {
    const out = equalShares(example2, plain);
    expect(out.funded.map((f) => f.id)).toEqual(["outdoor gym", "new park", "new playground"]);
    const [gym, park, playground] = out.funded;
    expect(gym.maxPayment).toBeCloseTo(400 / 7, 9); // 57.14 each
    // Park: the three gym voters pay their 300/7 = 42.86 left; the other two split 250 − 3·300/7 = 121.43, 60.71 each.
    const parkQ = (250 - (3 * 300) / 7) / 2;
    expect(park.maxPayment).toBeCloseTo(parkQ, 9);
    expect(park.effectiveVotes).toBeCloseTo(250 / parkQ, 9);
    expect(park.effectiveVotes!.toFixed(1)).toBe("4.1"); // the page's figure
    // Playground: voters 7 and 10 have 100 − 60.71 = 39.29 and pay it all; voters 8 and 9 split the rest.
    const left710 = 100 - parkQ;
    expect(playground.maxPayment).toBeCloseTo((200 - 2 * left710) / 2, 9);
    expect(out.spent).toBe(850);
  });

  it("completion leaves Example 1 alone: 1,000 spent and nothing left that fits in the 100 remaining", () => {
    const out = equalShares(example1);
    expect(out.funded.map((f) => [f.id, f.phase])).toEqual([
      ["bike path", "equal-shares"],
      ["new playground", "equal-shares"],
      ["library for kids", "equal-shares"],
    ]);
    expect(out.perVoterShare).toBe(100);
  });

  it("51% back ten red projects and 49% ten blue ones: Equal Shares funds 5 and 5, greedy all 10 red (electowiki's motivating example)", () => {
    const projects = ["red", "blue"].flatMap((colour) => Array.from({ length: 10 }, (_, k) => ({ id: `${colour}-${k}`, cost: 10_000 })));
    const votes = Array.from({ length: 100 }, (_, v) =>
      Array.from({ length: 10 }, (_, k) => ({ voter: `v${v}`, project: `${v < 51 ? "red" : "blue"}-${k}` })),
    ).flat();
    const input: PbInput = { budget: 100_000, projects, votes };
    const mes = equalShares(input);
    const count = (prefix: string) => mes.funded.filter((f) => f.id.startsWith(prefix)).length;
    expect([count("red"), count("blue")]).toEqual([5, 5]);
    expect(mes.spent).toBe(100_000);
    // Plain shares of £1,000 buy 4 blue (49 × 1,000 < 50,000); completion raises them to £1,021 (49 × 1,021 ≥ 50,000).
    expect(mes.perVoterShare).toBe(1021);
    expect(greedyApproval(input).funded.every((f) => f.id.startsWith("red"))).toBe(true);
    const cmp = compareRules(input);
    expect(cmp.onlyEqualShares.map((d) => d.id)).toEqual(["blue-0", "blue-1", "blue-2", "blue-3", "blue-4"]);
    expect(cmp.onlyGreedy.map((d) => d.id)).toEqual(["red-5", "red-6", "red-7", "red-8", "red-9"]);
    expect(cmp.greedy.votersServed).toBe(51);
    expect(cmp.equalShares.votersServed).toBe(100);
    expect(cmp.greedy.costPerApproval).toBeCloseTo(100_000 / (10 * 51), 9);
    expect(cmp.equalShares.costPerApproval).toBeCloseTo(100_000 / (5 * 51 + 5 * 49), 9);
  });

  it("breaks exact ties by lower cost, then higher support, then the tie order", () => {
    // Two projects each backed by two voters with full shares: equal effective counts (2), so the cheaper wins first.
    const input: PbInput = {
      budget: 300,
      projects: [{ id: "b", cost: 100 }, { id: "a", cost: 120 }, { id: "c", cost: 100 }],
      votes: approvals({ a: [1, 2], b: [3, 4], c: [5, 6] }).concat({ voter: "v07", project: "a" }),
    };
    // Shares are 300/7 = 42.86: a's 3 supporters (128.57) pay 40 each (count 3); b's and c's two (85.71 < 100) cannot.
    expect(equalShares(input, plain).funded.map((f) => f.id)).toEqual(["a"]);
    const tied: PbInput = { budget: 400, projects: [{ id: "b", cost: 100 }, { id: "c", cost: 100 }], votes: approvals({ b: [1, 2], c: [3, 4] }) };
    expect(equalShares(tied, plain).funded.map((f) => f.id)).toEqual(["b", "c"]);
    expect(equalShares({ ...tied, tieOrder: ["c", "b"] }, plain).funded.map((f) => f.id)).toEqual(["c", "b"]);
    expect(greedyApproval({ ...tied, budget: 100, tieOrder: ["c"] }).funded.map((f) => f.id)).toEqual(["c"]);
  });

  it("scored ballots: supporters pay in proportion to their points, the price per point as equal as budgets allow", () => {
    // Pot 100, two voters with 50 each. X (60): v1 gives 2 points, v2 1; Y (36): v2 gives 3.
    // Round 1: X needs 20 a point (v1 40, v2 20), Y 12 a point (v2 36): both count 3 (= their points), so the
    // cheaper Y goes first and v2 has 14 left. Round 2: at 20 a point v2 cannot pay 20, so v2 pays its 14 and
    // v1 the other 46, 23 a point: effective count 60 / 23.
    const input: PbInput = {
      budget: 100,
      projects: [{ id: "X", cost: 60 }, { id: "Y", cost: 36 }],
      votes: [{ voter: "v1", project: "X", points: 2 }, { voter: "v2", project: "X", points: 1 }, { voter: "v2", project: "Y", points: 3 }],
    };
    const out = equalShares(input, plain);
    expect(out.funded.map((f) => [f.id, f.maxPayment, f.effectiveVotes])).toEqual([
      ["Y", 12, 3],
      ["X", 23, expect.closeTo(60 / 23, 12)],
    ]);
    expect(greedyApproval(input).funded.map((f) => f.id)).toEqual(["Y", "X"]); // 3 points each; cheaper first
  });

  it("refuses malformed input with a message naming the problem", () => {
    expect(() => equalShares({ budget: 10, projects: [{ id: "a", cost: 0 }], votes: [] })).toThrow(PbInputError);
    expect(() => equalShares({ budget: 10, projects: [{ id: "a", cost: 5 }], votes: [{ voter: "x", project: "z" }] })).toThrow(/"z", which is not a project/);
    expect(() =>
      greedyApproval({ budget: 10, projects: [{ id: "a", cost: 5 }], votes: [{ voter: "x", project: "a" }, { voter: "x", project: "a" }] }),
    ).toThrow(/more than once/);
  });
});

// ---------------------------------------------------------------------------------------- seeded random cases

interface Case {
  input: PbInput;
  group: string[];
  groupProjects: string[];
}

/** n voters, m projects, random approvals; a planted group owning at least the cost of the projects it all backs. */
function randomCase(seed: number): Case {
  const rand = mulberry32(seed);
  const n = 8 + Math.floor(rand() * 40);
  const m = 4 + Math.floor(rand() * 14);
  const budget = 1000 * (5 + Math.floor(rand() * 50));
  const projects = Array.from({ length: m }, (_, k) => ({ id: `p${k}`, cost: 50 * (1 + Math.floor((rand() * budget) / 150)) }));
  const p = 0.1 + rand() * 0.5;
  const votes: PbVote[] = [];
  const groupSize = 1 + Math.floor(rand() * (n / 2));
  const group = Array.from({ length: groupSize }, (_, i) => `v${i}`);
  const share = (groupSize / n) * budget;
  // The group's set T: projects taken in random order while their total stays within the group's share.
  const groupProjects: string[] = [];
  let t = 0;
  for (const k of projects.map((_, k) => k).sort(() => rand() - 0.5)) {
    if (t + projects[k].cost <= share) {
      groupProjects.push(projects[k].id);
      t += projects[k].cost;
    }
  }
  for (let v = 0; v < n; v++) {
    for (const proj of projects) {
      const inGroup = v < groupSize && groupProjects.includes(proj.id);
      if (inGroup || rand() < p) votes.push({ voter: `v${v}`, project: proj.id });
    }
  }
  return { input: { budget, projects, votes }, group, groupProjects };
}

/** An independent Equal Shares with a fixed share: no lazy evaluation, each price found by bisection. */
function referenceFixed(input: PbInput): string[] {
  const voters = [...new Set(input.votes.map((v) => v.voter))];
  const budget = new Map(voters.map((v) => [v, input.budget / voters.length]));
  const backers = new Map(input.projects.map((p) => [p.id, input.votes.filter((v) => v.project === p.id).map((v) => v.voter)]));
  const remaining = new Set(input.projects.filter((p) => backers.get(p.id)!.length > 0).map((p) => p.id));
  const cost = new Map(input.projects.map((p) => [p.id, p.cost]));
  const chosen: string[] = [];
  for (;;) {
    let best: { id: string; count: number; q: number } | null = null;
    for (const id of [...remaining].sort()) {
      const b = backers.get(id)!;
      const c = cost.get(id)!;
      const pay = (q: number) => b.reduce((a, v) => a + Math.min(budget.get(v)!, q), 0);
      if (pay(Infinity) < c - 1e-7) continue;
      let lo = 0;
      let hi = c;
      for (let k = 0; k < 200; k++) {
        const mid = (lo + hi) / 2;
        if (pay(mid) >= c) hi = mid;
        else lo = mid;
      }
      const count = c / hi;
      if (!best || count > best.count + 1e-7 || (Math.abs(count - best.count) <= 1e-7 && (c < cost.get(best.id)! || (c === cost.get(best.id)! && b.length > backers.get(best.id)!.length))))
        best = { id, count, q: hi };
    }
    if (!best) return chosen;
    for (const v of backers.get(best.id)!) budget.set(v, budget.get(v)! - Math.min(budget.get(v)!, best.q));
    remaining.delete(best.id);
    chosen.push(best.id);
  }
}

describe("seeded random cases", () => {
  const cases = Array.from({ length: 150 }, (_, k) => ({ seed: 1000 + k, ...randomCase(1000 + k) }));

  it("neither rule ever spends more than the pot", () => {
    for (const { input } of cases) {
      for (const out of [greedyApproval(input), equalShares(input), equalShares(input, plain)]) {
        expect(out.spent).toBeLessThanOrEqual(input.budget);
        expect(out.spent + out.left).toBeCloseTo(input.budget, 6);
        expect(new Set(out.funded.map((f) => f.id)).size).toBe(out.funded.length);
      }
    }
  });

  it("the plain method matches an independent implementation (no lazy evaluation, prices by bisection)", () => {
    for (const { seed, input } of cases) {
      const ours = equalShares(input, plain).funded.map((f) => f.id);
      expect({ seed, funded: ours }).toEqual({ seed, funded: referenceFixed(input) });
    }
  });

  it("completed Equal Shares (raised shares, then the greedy top-up) leaves nothing backed that would still fit", () => {
    for (const { input } of cases) {
      const out = equalShares(input);
      const funded = new Set(out.funded.map((f) => f.id));
      const supported = new Set(input.votes.map((v) => v.project));
      // After the greedy top-up nothing supported that fits is left out.
      const fits = input.projects.filter((p) => !funded.has(p.id) && supported.has(p.id) && p.cost <= out.left);
      expect(fits).toEqual([]);
      expect(out.perVoterShare!).toBeGreaterThanOrEqual(input.budget / out.voters);
    }
  });

  it("EJR up to one project for a planted cohesive group (Peters, Pierczyński & Skowron 2021, cost utilities)", () => {
    // A group S that all back every project in T, with |S|/n of the pot ≥ cost(T): some member must have backed
    // projects funded worth at least cost(T), or would pass it with one more project from T.
    let checked = 0;
    for (const { seed, input, group, groupProjects } of cases) {
      if (groupProjects.length === 0) continue;
      const cost = new Map(input.projects.map((p) => [p.id, p.cost]));
      const costT = groupProjects.reduce((a, id) => a + cost.get(id)!, 0);
      for (const out of [equalShares(input, plain), equalShares(input)]) {
        const funded = new Set(out.funded.map((f) => f.id));
        const missing = groupProjects.filter((id) => !funded.has(id));
        const ok = group.some((voter) => {
          const mine = input.votes.filter((v) => v.voter === voter && funded.has(v.project)).reduce((a, v) => a + cost.get(v.project)!, 0);
          return mine >= costT || missing.some((id) => mine + cost.get(id)! > costT);
        });
        expect({ seed, ok }).toEqual({ seed, ok: true });
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("disjoint groups each get projects worth their share of the pot, up to one project; greedy can give the minority nothing", () => {
    const rand = mulberry32(77);
    let minorityShutOut = 0;
    for (let k = 0; k < 60; k++) {
      const groups = 2 + Math.floor(rand() * 3);
      const sizes = Array.from({ length: groups }, () => 3 + Math.floor(rand() * 20));
      const n = sizes.reduce((a, b) => a + b, 0);
      const budget = 10_000 * (1 + Math.floor(rand() * 10));
      const projects: { id: string; cost: number }[] = [];
      const votes: PbVote[] = [];
      let voter = 0;
      sizes.forEach((size, g) => {
        const own = Array.from({ length: 3 + Math.floor(rand() * 6) }, (_, j) => ({ id: `g${g}-${j}`, cost: 100 * (1 + Math.floor(rand() * (budget / 300))) }));
        projects.push(...own);
        for (let i = 0; i < size; i++, voter++) for (const p of own) votes.push({ voter: `v${voter}`, project: p.id });
      });
      const input = { budget, projects, votes };
      const out = equalShares(input, plain);
      sizes.forEach((size, g) => {
        const share = (size / n) * budget;
        const own = projects.filter((p) => p.id.startsWith(`g${g}-`));
        const spent = out.funded.filter((f) => f.id.startsWith(`g${g}-`)).reduce((a, f) => a + f.cost, 0);
        const unfunded = own.filter((p) => !out.funded.some((f) => f.id === p.id));
        expect(spent).toBeLessThanOrEqual(share + 1e-6);
        if (unfunded.length) expect(share - spent).toBeLessThan(Math.min(...unfunded.map((p) => p.cost)));
      });
      const greedy = greedyApproval(input);
      if (sizes.some((_, g) => !greedy.funded.some((f) => f.id.startsWith(`g${g}-`)))) minorityShutOut++;
    }
    expect(minorityShutOut).toBeGreaterThan(0);
  });
});
