/**
 * The error of a failed admin operation (the public module re-exports it under its name).
 */
import * as Schema from "effect/Schema"

/**
 * A failed admin operation (e.g. applying to a group that does not exist).
 */
export class SandboxAdminError extends Schema.TaggedError<SandboxAdminError>()("SandboxAdminError", {
  operation: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `sandbox ${this.operation}: ${this.description}`
  }
}
