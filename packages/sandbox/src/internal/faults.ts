/**
 * Injected faults: which one a request meets (each has a number of uses), and what an
 * answer-replacing fault answers.
 */
import * as envelope from "./envelope.js"
import type { Fault, Outcome, State, WireRequest } from "./model.js"

import { Codes as C } from "./codes.js"

const matches = (fault: Fault, request: WireRequest) =>
  fault.times > 0 &&
  (fault.route === undefined || fault.route === request.path || fault.route === `${request.method} ${request.path}`)

/** Takes one use of the first matching fault of the given kinds. */
export const takeFault = (
  state: State,
  request: WireRequest,
  kinds: ReadonlyArray<Fault["kind"]>
): [Fault | undefined, State] => {
  const index = state.faults.findIndex((f) => kinds.includes(f.kind) && matches(f, request))
  if (index < 0) return [undefined, state]
  const fault = state.faults[index]!
  const faults = fault.times - 1 <= 0
    ? state.faults.filter((_, i) => i !== index)
    : state.faults.map((f, i) => (i === index ? { ...f, times: f.times - 1 } : f))
  return [fault, { ...state, faults }]
}

/** The kinds that change the answer (latency only delays it). */
export const answerKinds: ReadonlyArray<Fault["kind"]> = ["Busy", "TokenExpired", "Drop", "HttpStatus"]

/**
 * What the fault answers instead of the route, or `undefined` when the route still runs (a
 * `Drop` of an executed request: the route acts, then the connection drops).
 * `reject` answers in the route's envelope; `oauth` picks the OAuth codes.
 */
export const faultAnswer = (
  fault: Fault,
  reject: (code: number, description: string) => Outcome,
  oauth: boolean
): Outcome | undefined => {
  switch (fault.kind) {
    case "Busy":
      return reject(oauth ? C.oauthSystemError : C.systemBusy, "system busy, retry later")
    case "TokenExpired":
      return reject(oauth ? C.oauthAccessTokenExpired : C.accessTokenExpired, "access_token expired")
    case "HttpStatus":
      return envelope.raw(
        fault.status,
        fault.body,
        "text/html",
        fault.millis > 0 ? { "retry-after": String(Math.ceil(fault.millis / 1000)) } : {}
      )
    case "Drop":
      return fault.executed ? undefined : { _tag: "Drop" }
  }
  return undefined
}

export const addFault = (state: State, fault: Fault): State => ({ ...state, faults: [...state.faults, fault] })

export const clearFaults = (state: State): State => ({ ...state, faults: [] })
