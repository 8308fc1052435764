import { describe, expect, it } from "@effect/vitest"
import * as Stats from "./bench/stats.js"

describe("bench figures", () => {
  it("quantiles use the nearest rank", () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(Stats.quantileSorted(sorted, 0.5)).toBe(5)
    expect(Stats.quantileSorted(sorted, 0.99)).toBe(10)
    expect(Stats.quantileSorted(sorted, 0)).toBe(1)
    expect(Stats.quantileSorted(new Float64Array(0), 0.5)).toBeNaN()
  })

  it("sortedCopy sorts numerically and leaves the samples alone", () => {
    const samples = Float64Array.from([10, 9, 100, 1])
    expect(Array.from(Stats.sortedCopy(samples))).toEqual([1, 9, 10, 100])
    expect(Array.from(samples)).toEqual([10, 9, 100, 1])
    expect(Array.from(Stats.sortedCopy(samples, 2))).toEqual([9, 10])
  })

  it("median of odd and even counts", () => {
    expect(Stats.median([3, 1, 2])).toBe(2)
    expect(Stats.median([4, 1, 3, 2])).toBe(2.5)
  })

  it("the sliding window is half-open and finds the densest second anywhere", () => {
    // Evenly spaced starts: never more than 5 in any 1000 ms.
    expect(Stats.maxInSlidingWindow([0, 200, 400, 600, 800, 1000, 1200], 1000)).toBe(5)
    // Two bursts less than 1000 ms apart share a window; 1000 ms apart they do not.
    expect(Stats.maxInSlidingWindow([0, 1, 2, 999, 999.5], 1000)).toBe(5)
    expect(Stats.maxInSlidingWindow([0, 1, 2, 1000, 1001, 1002], 1000)).toBe(3)
    // Order of the input does not matter.
    expect(Stats.maxInSlidingWindow([999.5, 0, 999, 2, 1], 1000)).toBe(5)
    // The densest window need not start at the first event.
    expect(Stats.maxInSlidingWindow([0, 900, 950, 1500, 1800], 1000)).toBe(4)
    expect(Stats.maxInSlidingWindow([], 1000)).toBe(0)
  })

  it("counts events in a half-open window", () => {
    expect(Stats.countInWindow([0, 500, 999.9, 1000], 0, 1000)).toBe(3)
  })

  it("formats latencies, ratios and tables", () => {
    expect(Stats.formatMillis(0.0421)).toBe("42 µs")
    expect(Stats.formatMillis(2.345)).toBe("2.35 ms")
    expect(Stats.formatRatio(0.8512)).toBe("0.85×")
    expect(Stats.markdownTable(["a", "b"], [["1", "2"]])).toBe("| a | b |\n| --- | --- |\n| 1 | 2 |")
  })
})
