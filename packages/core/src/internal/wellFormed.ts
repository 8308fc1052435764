/**
 * Strings that go on the wire must be well-formed Unicode: a lone surrogate (`"op\uD800x"`)
 * cannot be encoded as UTF-8, so the HTTP layer silently replaces it with U+FFFD and Douyin
 * receives another string (another operator's `open_id`, another group id). The walk is
 * iterative, so a deeply nested value costs time in proportion to its size and no stack. Bytes
 * (a file part of a multipart request) are not text and are not walked.
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one
// (`String.prototype.isWellFormed` without needing ES2024 in every runtime the SDK targets).
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const hasLoneSurrogate = (s: string): boolean => loneSurrogate.test(s)

/** The path (`content.text.text`, `open_id`) of the first string or key that is not well-formed, if any. */
export const firstMalformed = (value: unknown): string | undefined => {
  const stack: Array<readonly [unknown, string]> = [[value, ""]]
  while (stack.length > 0) {
    const [node, path] = stack.pop()!
    if (typeof node === "string") {
      if (hasLoneSurrogate(node)) return path || "(root)"
    } else if (typeof node === "object" && node !== null && !ArrayBuffer.isView(node)) {
      for (const [key, child] of Object.entries(node)) {
        const at = path === "" ? key : `${path}.${key}`
        if (hasLoneSurrogate(key)) return at
        stack.push([child, at])
      }
    }
  }
  return undefined
}
