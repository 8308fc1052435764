/**
 * Reading a `multipart/form-data` body (RFC 7578) as the upload route receives it: the
 * boundary from the content type, then each part's name, file name, type and bytes.
 */

export interface Part {
  readonly name: string
  readonly filename: string | undefined
  readonly contentType: string | undefined
  readonly bytes: Uint8Array
}

/** The boundary of a `multipart/form-data` content type, or `undefined`. */
export const boundaryOf = (contentType: string | undefined): string | undefined => {
  if (contentType === undefined) return undefined
  const [type, ...params] = contentType.split(";").map((s) => s.trim())
  if (type?.toLowerCase() !== "multipart/form-data") return undefined
  for (const param of params) {
    const eq = param.indexOf("=")
    if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === "boundary") {
      const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1")
      return value === "" ? undefined : value
    }
  }
  return undefined
}

const headerParam = (header: string, name: string): string | undefined => {
  const match = new RegExp(`;\\s*${name}="([^"]*)"`, "i").exec(header)
  return match?.[1]
}

/** The parts of `body` under `boundary`, or a description of what is malformed. */
export const parse = (body: Uint8Array, boundary: string): ReadonlyArray<Part> | string => {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Array<Part> = []
  let at = buffer.indexOf(delimiter)
  if (at !== 0) return "the body does not start with the boundary"
  for (;;) {
    at += delimiter.length
    if (buffer.subarray(at, at + 2).toString("latin1") === "--") return parts
    if (buffer.subarray(at, at + 2).toString("latin1") !== "\r\n") return "a boundary is not followed by CRLF"
    at += 2
    const headersEnd = buffer.indexOf("\r\n\r\n", at)
    if (headersEnd < 0) return "a part has no end of headers"
    const headers = buffer.subarray(at, headersEnd).toString("utf8").split("\r\n")
    const next = buffer.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headersEnd + 4)
    if (next < 0) return "a part is not closed by the boundary"
    const disposition = headers.find((h) => h.toLowerCase().startsWith("content-disposition:"))
    const type = headers.find((h) => h.toLowerCase().startsWith("content-type:"))
    const name = disposition === undefined ? undefined : headerParam(disposition, "name")
    if (name === undefined) return "a part has no name"
    parts.push({
      name,
      filename: disposition === undefined ? undefined : headerParam(disposition, "filename"),
      contentType: type?.slice("content-type:".length).trim(),
      bytes: new Uint8Array(buffer.subarray(headersEnd + 4, next))
    })
    at = next + 2
  }
}
