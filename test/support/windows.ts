/** Counting in sliding windows, for the rate-limit tests. */

/** The largest number of instants inside any half-open window `[t, t + width)`. */
export const busiest = (instants: ReadonlyArray<number>, width: number): number => {
  const s = [...instants].sort((a, b) => a - b)
  let best = 0
  for (let i = 0, j = 0; i < s.length; i++) {
    while (j < s.length && s[j]! < s[i]! + width) j++
    best = Math.max(best, j - i)
  }
  return best
}
