/**
 * What the image upload accepts (its documentation: at most 10 MB; jpeg, png, bmp, webp), told
 * by the bytes' signature, never by a file name.
 */

/** A format the upload accepts. */
export type ImageFormat = "jpeg" | "png" | "bmp" | "webp"

/** 10 MB: the documented limit of one upload. */
export const maxBytes = 10 * 1024 * 1024

const startsWith = (bytes: Uint8Array, signature: ReadonlyArray<number>, at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b)

/** The format the bytes' signature names, if the upload accepts it. */
export const sniff = (bytes: Uint8Array): ImageFormat | undefined => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg"
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png"
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 26) return "bmp"
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return "webp"
  return undefined
}

/** The file name and part media type the upload sends for a format. */
export const partOf = (format: ImageFormat) => ({
  filename: `image.${format === "jpeg" ? "jpg" : format}`,
  contentType: `image/${format}`
})

/** Why the bytes cannot be uploaded, or `undefined`. */
export const problem = (bytes: Uint8Array): string | undefined => {
  if (bytes.length === 0) return "the image is empty"
  if (bytes.length > maxBytes) return `the image is ${bytes.length} bytes; at most ${maxBytes} (10 MB) are accepted`
  return sniff(bytes) === undefined
    ? "the image is not jpeg, png, bmp or webp (told by its content, not its name)"
    : undefined
}
