/**
 * Identifiers the sandbox hands out: one sequence number per state, and log ids shaped like the
 * recorded ones.
 */
import type { State } from "./model.js"

export const pad = (n: number, width: number) => n.toString().padStart(width, "0")

/** 34 characters like the recorded logids: UTC timestamp, `SANDBOX`, a sequence number. */
export const makeLogId = (now: number, seq: number) => {
  const d = new Date(now)
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}` +
    `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`
  return `${stamp}SANDBOX${pad(seq % 1e13, 13)}`
}

export const nextSeq = (state: State): [number, State] => [state.seq + 1, { ...state, seq: state.seq + 1 }]
