// The order the test files start in (test/support/sequencer.ts): longest first on two workers, no demo-site file before the site is expected.
import { describe, expect, it } from "vitest";
import { scheduleOrder } from "../support/sequencer.ts";

const file = (item: string, seconds: number, site = false) => ({ item, seconds, site });

describe("scheduleOrder", () => {
  it("starts the longest files first when none needs the site", () => {
    expect(scheduleOrder([file("a", 5), file("b", 30), file("c", 10)], 2, 60)).toEqual(["b", "c", "a"]);
  });

  it("keeps a site file back until the site is expected, filling the workers with other files meanwhile", () => {
    // Workers free at 0, 0; site ready at 50. "dash" is longest but needs the site.
    const order = scheduleOrder([file("dash", 100, true), file("kill", 60), file("samples", 40), file("unit", 10), file("more", 20)], 2, 50);
    // kill (0–60) and samples (0–40) first; at 40 the site is not ready, so more (40–60); at 60 both workers are past 50: dash, then unit.
    expect(order).toEqual(["kill", "samples", "more", "dash", "unit"]);
  });

  it("hands out site files once nothing else is left, even before the site is ready (the worker waits in demoSite())", () => {
    expect(scheduleOrder([file("a", 10), file("site1", 30, true), file("site2", 20, true)], 2, 100)).toEqual(["a", "site1", "site2"]);
  });

  it("puts site files among the others once the site is ready, longest first", () => {
    const order = scheduleOrder([file("x", 50), file("y", 50), file("s", 40, true), file("z", 30), file("t", 5)], 2, 20);
    expect(order).toEqual(["x", "y", "s", "z", "t"]);
  });
});
