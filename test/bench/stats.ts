/**
 * Pure figures for the benchmark: percentiles, medians, the largest count in a sliding
 * window. Kept apart from the runner so they are unit-tested (test/benchStats.test.ts).
 */

/** The q-quantile (0..1) of `sorted` (ascending), nearest-rank. `NaN` when empty. */
export const quantileSorted = (sorted: ArrayLike<number>, q: number): number => {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const rank = Math.ceil(q * n)
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))]!
}

/** A sorted copy of the first `length` values of `samples`. */
export const sortedCopy = (samples: Float64Array, length = samples.length): Float64Array => samples.slice(0, length).sort()

/** Median of a list of numbers (mean of the middle two for an even count). */
export const median = (values: ReadonlyArray<number>): number => {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * The largest number of events inside any half-open window `[t, t + width)`, for event
 * times in any order. The maximum is always reached by a window starting at an event.
 */
export const maxInSlidingWindow = (times: ReadonlyArray<number>, width: number): number => {
  const s = [...times].sort((a, b) => a - b)
  let best = 0
  let end = 0
  for (let start = 0; start < s.length; start++) {
    if (end < start) end = start
    while (end < s.length && s[end]! < s[start]! + width) end++
    best = Math.max(best, end - start)
  }
  return best
}

/** Number of events in `[from, from + width)`. */
export const countInWindow = (times: ReadonlyArray<number>, from: number, width: number): number => {
  let n = 0
  for (const t of times) if (t >= from && t < from + width) n++
  return n
}

/** A latency in milliseconds as text with a unit that keeps three significant digits. */
export const formatMillis = (ms: number): string => {
  if (!Number.isFinite(ms)) return "n/a"
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`
  if (ms < 10) return `${ms.toFixed(2)} ms`
  return `${ms.toFixed(1)} ms`
}

/** A ratio as `0.93×`. */
export const formatRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/a")

/** A byte count as MB with two decimals (signed). */
export const formatMB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`

/** A markdown table. */
export const markdownTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const line = (cells: ReadonlyArray<string>) => `| ${cells.join(" | ")} |`
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n")
}
