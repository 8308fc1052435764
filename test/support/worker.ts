/**
 * What the worker scripts (separate OS processes started by test/support/Instances.ts) share:
 * reading their environment, printing their JSON lines, and running a broadcast from a
 * targets file or resuming it.
 */
import { Broadcast, type MessageContent } from "@effect-douyin/group"
import { Effect } from "effect"
import { readFileSync } from "node:fs"

/** The environment key `name`, or `fallback`; throws when neither is there. */
export const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}

/** Prints `line` as one JSON line on stdout (what the test reads). */
export const print = (line: unknown) => Effect.sync(() => void process.stdout.write(`${JSON.stringify(line)}\n`))

/** Runs broadcast `id` over the targets in `targetsFile` (a JSON array) with `content`, or resumes it when there is no file. */
export const runOrResume = (
  id: string,
  targetsFile: string | undefined,
  content: MessageContent.GroupMessageContent,
  options: Broadcast.RunOptions
) =>
  targetsFile === undefined
    ? Broadcast.resume(id, options)
    : Broadcast.run({
      id,
      targets: JSON.parse(readFileSync(targetsFile, "utf8")) as ReadonlyArray<Broadcast.Target>,
      content,
      ...options
    })
