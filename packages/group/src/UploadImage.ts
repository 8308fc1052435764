/**
 * Uploads an image (上传图片) and returns its `imageId`: the `media_id` of an image message, a
 * lead card or a mini-program card template, and a fan group's `avatar_uri`.
 *
 * - Endpoint: `POST /tool/imagex/client_upload/`, `multipart/form-data` with one file part
 *   `image` (a fresh boundary for every attempt), the app's client token, no `open_id`
 * - Scope: `tool.image.upload`
 * - Idempotency: `convergent` — a repeated upload at worst leaves one more copy of the image on
 *   Douyin's side, which nothing refers to and no fan sees; the caller keeps the id of the
 *   attempt that answered. So an upload whose answer was lost is retried like a read.
 * - Errors: {@link Error}
 * - Checked before anything is sent (`DouyinInvalidInput`): not empty, at most 10 MB, jpeg,
 *   png, bmp or webp told by the bytes (not by a file name).
 *
 * Three ways in: bytes ({@link upload}), a file path read through the platform's
 * `FileSystem` ({@link uploadFile}), or a `Stream` of bytes ({@link uploadStream}).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MessageContent, UploadImage } from "@effect-douyin/group"
 *
 * const poster = UploadImage.uploadFile("./poster.png").pipe(
 *   Effect.map(({ imageId }) => MessageContent.uploadedImage(imageId))
 * )
 * ```
 *
 * @since 0.3.0
 */
import { DouyinError, Endpoint } from "@effect-douyin/core"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { commonCodes } from "./internal/codes.js"
import * as ImageFormat from "./internal/imageFormat.js"
import * as MediaId from "./MediaId.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Input {
  /** The image file's bytes: jpeg, png, bmp or webp, 1 byte to 10 MB. */
  readonly image: Uint8Array
}

/**
 * @since 0.3.0
 * @category models
 */
export interface Output {
  readonly imageId: MediaId.ImageId
  /** Pixels. */
  readonly width: number
  readonly height: number
  /** As Douyin reports it (may be empty). */
  readonly md5: string
}

/**
 * Everything an upload can fail with.
 *
 * @since 0.3.0
 * @category errors
 */
export type Error = DouyinError.ConvergentError

/**
 * The largest image Douyin accepts: 10 MB.
 *
 * @since 0.3.0
 * @category constants
 */
export const maxBytes = ImageFormat.maxBytes

const ImageBytes = Schema.Uint8ArrayFromSelf.pipe(
  Schema.filter((bytes) => {
    const problem = ImageFormat.problem(bytes)
    return problem === undefined ? true : problem
  })
).annotations({ identifier: "UploadImage.ImageBytes" })

const WireFile = Schema.Struct({ filename: Schema.String, contentType: Schema.String, bytes: Schema.Uint8ArrayFromSelf })

/**
 * Input ⇄ the wire file part `image` (file name and media type from the format the bytes
 * show). A refused image fails to encode, so nothing is sent.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Request = Schema.Struct({
  image: Schema.transform(WireFile, ImageBytes, {
    strict: true,
    decode: (file) => file.bytes,
    encode: (bytes) => ({ ...ImageFormat.partOf(ImageFormat.sniff(bytes) ?? "jpeg"), bytes })
  })
})

/**
 * Wire body `{ image_id, width, height, md5? }` (beside `data` and `extra`) ⇄ `Output`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Response = Schema.Struct({
  imageId: Schema.propertySignature(MediaId.ImageId).pipe(Schema.fromKey("image_id")),
  width: Schema.Number,
  height: Schema.Number,
  md5: Schema.optionalWith(Schema.String, { default: () => "" })
})

/**
 * The endpoint descriptor.
 *
 * @since 0.3.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "media/UploadImage",
  scope: "tool.image.upload",
  idempotency: "convergent",
  envelope: "A",
  token: "client",
  method: "POST",
  path: "/tool/imagex/client_upload/",
  files: ["image"],
  request: Request,
  response: Response,
  codes: commonCodes
})

/**
 * The image-upload endpoint as a service.
 *
 * @since 0.3.0
 * @category tags
 */
export class UploadImage extends Context.Tag("@effect-douyin/group/UploadImage")<UploadImage, Service>() {}

/**
 * The service behind the `UploadImage` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Service {
  /** `POST /tool/imagex/client_upload/` — uploads one image (convergent). */
  readonly upload: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(UploadImage, "upload", descriptor)

/**
 * Builds the `UploadImage` service over the provided `DouyinClient` and `ClientToken`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `UploadImage` over the provided `DouyinClient` and `ClientToken` (the app's token,
 * e.g. `ClientToken.layerStore()`).
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /tool/imagex/client_upload/` with these bytes, through the provided `UploadImage`.
 * Scope `tool.image.upload`; idempotency `convergent`; fails with {@link Error}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { UploadImage } from "@effect-douyin/group"
 *
 * const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
 * const id = UploadImage.upload({ image: png }).pipe(Effect.map((r) => r.imageId))
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const upload = parts.accessor

const refused = (description: string) => new DouyinError.DouyinInvalidInput({ endpoint: descriptor.id, description })

/**
 * The image at `path`, read through the platform's `FileSystem` and uploaded. A file larger
 * than 10 MB is refused from its size before it is read; a missing or unreadable file is a
 * `DouyinInvalidInput` naming the path. Nothing is sent for either.
 *
 * @example
 * ```ts
 * import { NodeContext } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { UploadImage } from "@effect-douyin/group"
 *
 * const id = UploadImage.uploadFile("./poster.png").pipe(Effect.provide(NodeContext.layer))
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const uploadFile = (path: string): Effect.Effect<Output, Error, UploadImage | FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const read = Effect.gen(function*() {
      const info = yield* fs.stat(path)
      if (info.type !== "File") return yield* Effect.fail(refused(`image file ${path}: not a regular file`))
      if (Number(info.size) > maxBytes) {
        return yield* Effect.fail(refused(`image file ${path}: ${info.size} bytes; at most ${maxBytes} (10 MB) are accepted`))
      }
      return yield* fs.readFile(path)
    }).pipe(Effect.catchTags({
      BadArgument: (e) => Effect.fail(refused(`image file ${path}: ${e.message}`)),
      SystemError: (e) => Effect.fail(refused(`image file ${path}: ${e.reason}`))
    }))
    return yield* upload({ image: yield* read })
  })

/**
 * The bytes of `stream`, collected and uploaded. Collecting stops with a
 * `DouyinInvalidInput` as soon as more than 10 MB have arrived; the stream's own failure is
 * the effect's failure as it is. Nothing is sent unless the whole image is acceptable.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { UploadImage } from "@effect-douyin/group"
 *
 * const chunks = Stream.make(new Uint8Array([0xff, 0xd8, 0xff]), new Uint8Array([0xe0, 0x00]))
 * const id = UploadImage.uploadStream(chunks)
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const uploadStream = <E, R>(
  stream: Stream.Stream<Uint8Array, E, R>
): Effect.Effect<Output, Error | E, UploadImage | R> =>
  Effect.gen(function*() {
    const chunks = yield* Stream.runFoldEffect(
      stream,
      { chunks: Chunk.empty<Uint8Array>(), size: 0 },
      (acc, chunk): Effect.Effect<{ chunks: Chunk.Chunk<Uint8Array>; size: number }, DouyinError.DouyinInvalidInput> => {
        const size = acc.size + chunk.length
        return size > maxBytes
          ? Effect.fail(refused(`the image stream exceeded ${maxBytes} bytes (10 MB)`))
          : Effect.succeed({ chunks: Chunk.append(acc.chunks, chunk), size })
      }
    )
    return yield* upload({ image: concat(chunks.chunks, chunks.size) })
  })

const concat = (chunks: Chunk.Chunk<Uint8Array>, size: number): Uint8Array => {
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}
