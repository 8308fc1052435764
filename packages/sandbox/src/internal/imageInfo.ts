/**
 * An uploaded image's format (from its bytes) and its dimensions (from its header), as the
 * upload route reports them.
 */

export interface ImageInfo {
  readonly format: "jpeg" | "png" | "bmp" | "webp"
  readonly width: number
  readonly height: number
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength)
const at = (b: Uint8Array, offset: number, ...signature: ReadonlyArray<number>) =>
  b.length >= offset + signature.length && signature.every((s, i) => b[offset + i] === s)

const png = (b: Uint8Array): ImageInfo | undefined =>
  b.length >= 24 ? { format: "png", width: view(b).getUint32(16), height: view(b).getUint32(20) } : undefined

const bmp = (b: Uint8Array): ImageInfo | undefined =>
  b.length >= 26 ? { format: "bmp", width: Math.abs(view(b).getInt32(18, true)), height: Math.abs(view(b).getInt32(22, true)) } : undefined

const webp = (b: Uint8Array): ImageInfo | undefined => {
  const v = view(b)
  if (at(b, 12, 0x56, 0x50, 0x38, 0x58) && b.length >= 30) {
    // VP8X: 24-bit width-1 and height-1
    const w = 1 + (b[24]! | (b[25]! << 8) | (b[26]! << 16))
    const h = 1 + (b[27]! | (b[28]! << 8) | (b[29]! << 16))
    return { format: "webp", width: w, height: h }
  }
  if (at(b, 12, 0x56, 0x50, 0x38, 0x20) && b.length >= 30) {
    return { format: "webp", width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff }
  }
  if (at(b, 12, 0x56, 0x50, 0x38, 0x4c) && b.length >= 25) {
    const bits = v.getUint32(21, true)
    return { format: "webp", width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 }
  }
  return { format: "webp", width: 0, height: 0 }
}

const jpeg = (b: Uint8Array): ImageInfo | undefined => {
  let i = 2
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return { format: "jpeg", width: 0, height: 0 }
    const marker = b[i + 1]!
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: "jpeg", height: view(b).getUint16(i + 5), width: view(b).getUint16(i + 7) }
    }
    i += 2 + view(b).getUint16(i + 2)
  }
  return { format: "jpeg", width: 0, height: 0 }
}

/** The image's format and size, or `undefined` when it is none of jpeg, png, bmp, webp. */
export const inspect = (b: Uint8Array): ImageInfo | undefined => {
  if (at(b, 0, 0xff, 0xd8, 0xff)) return jpeg(b)
  if (at(b, 0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return png(b)
  if (at(b, 0, 0x42, 0x4d)) return bmp(b)
  if (at(b, 0, 0x52, 0x49, 0x46, 0x46) && at(b, 8, 0x57, 0x45, 0x42, 0x50)) return webp(b)
  return undefined
}
