/**
 * The shape of an IM route: a pure step from the state and the checked request to a payload
 * or a {@link Rejection}, and the next state. `router.ts` wraps the answer in the route's
 * envelope (shape A or B).
 */
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import type { Group, State } from "./model.js"
import { type Body, type Ctx, invalid, Rejection } from "./request.js"

import { Codes as C } from "./codes.js"

/** An IM request once its content type, `open_id`, token and body have been checked. */
export interface Input {
  readonly openId: string
  readonly query: Readonly<Record<string, string>>
  readonly body: Body
  readonly ctx: Ctx
}

export type Handled = readonly [Either.Either<Record<string, unknown>, Rejection>, State]

export interface ImRoute {
  readonly method: "GET" | "POST"
  readonly envelope: "A" | "B"
  /** The body fields the route takes (POST); any other is refused with 2100005 unless lenient. */
  readonly fields: ReadonlyArray<string>
  readonly run: (state: State, input: Input) => Handled
}

export const ok = (payload: Record<string, unknown>, state: State): Handled => [Either.right(payload), state]
export const no = (rejection: Rejection, state: State): Handled => [Either.left(rejection), state]

/** The group, when it exists and `openId` owns it. */
export const ownedGroup = (state: State, openId: string, groupId: string): Group | Rejection => {
  const group = HashMap.get(state.groups, groupId)
  if (group._tag === "None") return invalid(`group ${groupId} does not exist`)
  if (group.value.ownerOpenId !== openId) {
    return new Rejection(C.noPermission, `open_id is not the owner of group ${groupId}`)
  }
  return group.value
}
