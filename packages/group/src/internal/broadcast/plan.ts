/**
 * Turns a broadcast's input into its plan, or says what is wrong with it, before anything is
 * written or sent. Each target is checked with `SendGroupMessage.Request` itself, so what a
 * broadcast accepts is exactly what one send accepts.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as BroadcastJournal from "../../BroadcastJournal.js"
import * as BroadcastTarget from "../../BroadcastTarget.js"
import * as MessageContent from "../../MessageContent.js"
import * as SendGroupMessage from "../../SendGroupMessage.js"

type Address = BroadcastTarget.Address
type Target = BroadcastTarget.Target

const decodeId = Schema.decodeUnknownEither(BroadcastTarget.BroadcastId)

/** Why `id` is not a broadcast id (the `BroadcastId` Schema's message), or `undefined`. */
export const checkId = (id: string): string | undefined =>
  Either.match(decodeId(id), {
    onLeft: (error) => ParseResult.TreeFormatter.formatErrorSync(error),
    onRight: () => undefined
  })

/** The identity of a target: one group of one operator, as addressed. */
export const addressKey = (
  a: { readonly openId: string; readonly groupId?: string | undefined; readonly groupToken?: string | undefined }
) => JSON.stringify(a.groupId !== undefined ? [a.openId, "id", a.groupId] : [a.openId, "token", a.groupToken])

export const describeAddress = (a: Address | BroadcastJournal.PlannedTarget) =>
  a.groupId !== undefined ? `${a.openId} → group ${a.groupId}` : `${a.openId} → group token ${a.groupToken}`

const encodeRequest = Schema.encodeEither(SendGroupMessage.Request)
const encodeContent = Schema.encodeEither(MessageContent.GroupMessageContent)

const mostProblems = 5

export const make = (input: {
  readonly id: string
  readonly targets: ReadonlyArray<Target>
  readonly content: MessageContent.GroupMessageContent | undefined
  readonly now: number
}): Either.Either<BroadcastJournal.Plan, string> => {
  const badId = checkId(input.id)
  if (badId !== undefined) return Either.left(badId)
  if (!Array.isArray(input.targets) || input.targets.length === 0) return Either.left("there are no targets")
  const problems: Array<string> = []
  const seen = new Map<string, number>()
  const contentIndex = new Map<string, number>()
  const contents: Array<MessageContent.GroupMessageContent> = []
  const targets: Array<BroadcastJournal.PlannedTarget> = []
  for (const [i, target] of input.targets.entries()) {
    if (problems.length >= mostProblems) break
    if (typeof target !== "object" || target === null) {
      problems.push(`target ${i}: not an object`)
      continue
    }
    const content = target.content ?? input.content
    if (content === undefined) {
      problems.push(`target ${i}: no content (give the broadcast's content or the target's own)`)
      continue
    }
    const address = { openId: target.openId, groupId: target.groupId, groupToken: target.groupToken } as Address
    const checked = encodeRequest({ ...address, content } as SendGroupMessage.Input)
    if (Either.isLeft(checked)) {
      problems.push(`target ${i} (${describeAddress(address)}): ${ParseResult.TreeFormatter.formatErrorSync(checked.left)}`)
      continue
    }
    const key = addressKey(address)
    const first = seen.get(key)
    if (first !== undefined) {
      problems.push(`targets ${first} and ${i} are the same (${describeAddress(address)})`)
      continue
    }
    seen.set(key, i)
    // Each distinct message is stored once, however many targets get it.
    const wire = JSON.stringify(Either.getOrThrow(encodeContent(content)))
    let index = contentIndex.get(wire)
    if (index === undefined) {
      index = contents.length
      contents.push(content)
      contentIndex.set(wire, index)
    }
    targets.push(
      address.groupId !== undefined
        ? { openId: address.openId, groupId: address.groupId, content: index }
        : { openId: address.openId, groupToken: address.groupToken, content: index }
    )
  }
  if (problems.length > 0) return Either.left(problems.join("; "))
  return Either.right({ id: input.id, createdAt: input.now, contents, targets })
}

/** The same broadcast: same targets, same contents (creation time aside). */
export const sameBroadcast = (a: BroadcastJournal.Plan, b: BroadcastJournal.Plan, encode: (p: BroadcastJournal.Plan) => unknown) =>
  JSON.stringify(encode({ ...a, createdAt: 0 })) === JSON.stringify(encode({ ...b, createdAt: 0 }))

export const addressOf = (t: BroadcastJournal.PlannedTarget): Address =>
  t.groupId !== undefined ? { openId: t.openId, groupId: t.groupId } : { openId: t.openId, groupToken: t.groupToken ?? "" }
