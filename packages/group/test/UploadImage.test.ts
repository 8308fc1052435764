import {
  AccessToken,
  ClientToken,
  DouyinClient,
  DouyinConfig,
  type DouyinError,
  DouyinTest,
  type Endpoint,
  RateLimit,
  Retry
} from "@effect-douyin/core"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, Schedule, Schema, Stream } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { MediaId } from "../src/index.js"
import { MessageContent, UploadImage } from "../src/index.js"
import * as samples from "./fixtures/mediaSamples.js"

const clientToken = "clt.test-client-token"

const layer = (responder: DouyinTest.Responder) =>
  UploadImage.layer.pipe(
    Layer.provideMerge(DouyinTest.layerClient(responder)),
    Layer.provide(ClientToken.layerStatic(Redacted.make(clientToken)))
  )

const decoder = new TextDecoder()

/** The multipart body the upload must send for `bytes` under `boundary`, byte for byte. */
const expectedBody = (boundary: string, bytes: Uint8Array, filename: string, type: string) =>
  Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])

const boundaryOf = (request: DouyinTest.RecordedRequest) => {
  const type = request.headers["content-type"] ?? ""
  const match = /^multipart\/form-data; boundary=(.+)$/.exec(type)
  expect(match, type).not.toBeNull()
  return match![1]!
}

describe("UploadImage", () => {
  it("upload is exactly Endpoint.Handler<typeof descriptor>; convergent errors; the layer needs DouyinClient and ClientToken", () => {
    expectTypeOf<UploadImage.Service["upload"]>().toEqualTypeOf<Endpoint.Handler<typeof UploadImage.descriptor>>()
    expectTypeOf<UploadImage.Error>().toEqualTypeOf<DouyinError.ConvergentError>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof UploadImage.upload>>>().toEqualTypeOf<UploadImage.UploadImage>()
    expectTypeOf<Layer.Layer.Context<typeof UploadImage.layer>>().toEqualTypeOf<
      DouyinClient.DouyinClient | ClientToken.ClientToken
    >()
    expectTypeOf<UploadImage.Output["imageId"]>().toEqualTypeOf<MediaId.ImageId>()
  })

  it.effect("request: POST /tool/imagex/client_upload/, client token, no open_id, one multipart part `image`, byte for byte; response: the recorded sample", () =>
    Effect.gen(function*() {
      const image = samples.png(263, 120)
      const result = yield* UploadImage.upload({ image })
      expect(result).toStrictEqual({ imageId: "@baihq==", width: 111, height: 111, md5: "" })
      const [request] = yield* DouyinTest.requests
      expect(request!.method).toBe("POST")
      expect(request!.url).toBe("https://open.douyin.com/tool/imagex/client_upload/")
      expect(request!.query).toStrictEqual({})
      expect(request!.headers["access-token"]).toBe(clientToken)
      const boundary = boundaryOf(request!)
      expect(boundary).toMatch(/^----effect-douyin-[0-9a-f]{32}$/)
      expect(Buffer.from(request!.bodyBytes!).equals(expectedBody(boundary, image, "image.png", "image/png"))).toBe(true)
      // the other direction: the domain result encodes back to the sample's payload fields
      expect(Schema.encodeSync(UploadImage.Response)(result)).toStrictEqual({
        image_id: "@baihq==",
        width: 111,
        height: 111,
        md5: ""
      })
      // and the wire part decodes to the bytes
      const wire = Schema.encodeSync(UploadImage.Request)({ image })
      expect(wire.image.filename).toBe("image.png")
      expect(Schema.decodeSync(UploadImage.Request)(wire).image).toStrictEqual(image)
    }).pipe(Effect.provide(layer({ "POST /tool/imagex/client_upload/": DouyinTest.json(samples.uploadResponse) }))))

  it.effect("the file name and part type follow the content: jpeg, bmp, webp", () =>
    Effect.gen(function*() {
      const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
      const bmp = new Uint8Array(30).fill(0)
      bmp.set([0x42, 0x4d])
      const webp = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 1, 2])
      for (const image of [jpeg, bmp, webp]) yield* UploadImage.upload({ image })
      const requests = yield* DouyinTest.requests
      const parts = requests.map((r) => /filename="([^"]+)"\r\nContent-Type: ([^\r]+)/.exec(decoder.decode(r.bodyBytes!))!.slice(1))
      expect(parts).toStrictEqual([["image.jpg", "image/jpeg"], ["image.bmp", "image/bmp"], ["image.webp", "image/webp"]])
    }).pipe(Effect.provide(layer([DouyinTest.json(samples.uploadResponse)]))))

  it.effect("a retried attempt gets a fresh boundary (busy, then success): same part, new boundary", () =>
    Effect.gen(function*() {
      const image = samples.png(16, 9)
      yield* UploadImage.upload({ image })
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(2)
      const [b1, b2] = requests.map(boundaryOf)
      expect(b1).not.toBe(b2)
      expect(Buffer.from(requests[0]!.bodyBytes!).equals(expectedBody(b1!, image, "image.png", "image/png"))).toBe(true)
      expect(Buffer.from(requests[1]!.bodyBytes!).equals(expectedBody(b2!, image, "image.png", "image/png"))).toBe(true)
    }).pipe(Effect.provide(
      UploadImage.layer.pipe(
        Layer.provideMerge(DouyinClient.layer),
        Layer.provideMerge(DouyinTest.layer([DouyinTest.errorA(2100004, "system busy"), DouyinTest.json(samples.uploadResponse)])),
        Layer.provide(Retry.layer({ maxAttempts: 2, schedule: Schedule.recurs(1), budget: false })),
        Layer.provide(RateLimit.layerDisabled),
        Layer.provide(AccessToken.layerStatic(Redacted.make("act.unused"))),
        Layer.provide(DouyinConfig.layer()),
        Layer.provide(ClientToken.layerStatic(Redacted.make(clientToken)))
      )
    )))

  it.effect("an invalid-token answer: the client token is refreshed once and the upload sent again with the new token and a new boundary", () =>
    Effect.gen(function*() {
      yield* UploadImage.upload({ image: samples.png(1, 1) })
      const requests = yield* DouyinTest.requests
      expect(requests.map((r) => r.headers["access-token"])).toStrictEqual(["clt.old", "clt.new"])
      expect(boundaryOf(requests[0]!)).not.toBe(boundaryOf(requests[1]!))
    }).pipe(Effect.provide(
      UploadImage.layer.pipe(
        Layer.provideMerge(
          DouyinTest.layerClient([DouyinTest.errorA(2190002, "access_token invalid"), DouyinTest.json(samples.uploadResponse)])
        ),
        Layer.provide(Layer.succeed(ClientToken.ClientToken, {
          clientKey: "ck",
          get: Effect.succeed(Redacted.make("clt.old")),
          invalidate: Effect.void,
          refresh: () => Effect.succeed(Option.some(Redacted.make("clt.new")))
        }))
      )
    )))

  it.effect("bad input → DouyinInvalidInput, zero requests: empty, 10 MB + 1 byte, a GIF named .png, not bytes", () =>
    Effect.gen(function*() {
      const gif = new TextEncoder().encode("GIF89a\x01\x00\x01\x00")
      const tooBig = samples.png(10, 10, UploadImage.maxBytes + 1 - 33)
      expect(tooBig.length).toBe(10 * 1024 * 1024 + 1)
      const cases: ReadonlyArray<readonly [unknown, RegExp]> = [
        [{ image: new Uint8Array(0) }, /empty/],
        [{ image: tooBig }, /10485761 bytes; at most 10485760/],
        [{ image: gif }, /not jpeg, png, bmp or webp/],
        [{ image: "poster.png" }, /Uint8Array/]
      ]
      for (const [input, message] of cases) {
        const error = yield* Effect.flip(UploadImage.upload(input as UploadImage.Input))
        expect(error._tag).toBe("DouyinInvalidInput")
        expect(error.message).toMatch(message)
      }
      // exactly 10 MB is accepted
      yield* UploadImage.upload({ image: samples.png(10, 10, UploadImage.maxBytes - 33) })
      expect(yield* DouyinTest.requests).toHaveLength(1)
    }).pipe(Effect.provide(layer([DouyinTest.json(samples.uploadResponse)]))))

  it.effect("from a file (FileSystem): read and sent; a GIF named poster.png, a missing file and a file over 10 MB are refused unsent", () =>
    Effect.acquireUseRelease(
      Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-upload-"))),
      (dir) =>
        Effect.gen(function*() {
          const good = Path.join(dir, "poster.png")
          const image = samples.png(240, 135)
          Fs.writeFileSync(good, image)
          const fake = Path.join(dir, "fake.png")
          Fs.writeFileSync(fake, "GIF89a\x01\x00\x01\x00")
          const big = Path.join(dir, "big.png")
          Fs.writeFileSync(big, samples.png(1, 1, UploadImage.maxBytes))
          for (const [path, message] of [[fake, /not jpeg/], [Path.join(dir, "missing.png")], [big, /at most 10485760/]] as const) {
            const error = yield* Effect.flip(UploadImage.uploadFile(path))
            expect(error._tag).toBe("DouyinInvalidInput")
            expect(error.message).toContain(path === fake ? "not jpeg" : path)
            if (message !== undefined) expect(error.message).toMatch(message)
          }
          expect(yield* DouyinTest.requests).toHaveLength(0)
          const result = yield* UploadImage.uploadFile(good)
          expect(MessageContent.uploadedImage(result.imageId)).toStrictEqual({ _tag: "Image", mediaId: "@baihq==" })
          const [request] = yield* DouyinTest.requests
          expect(Buffer.from(request!.bodyBytes!).equals(expectedBody(boundaryOf(request!), image, "image.png", "image/png"))).toBe(true)
        }),
      (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
    ).pipe(Effect.provide(Layer.merge(layer([DouyinTest.json(samples.uploadResponse)]), NodeContext.layer))))

  it.effect("from a Stream: chunks joined; more than 10 MB stops the stream unsent; the stream's own error passes through", () =>
    Effect.gen(function*() {
      const image = samples.png(2, 2, 100)
      const chunks = [image.subarray(0, 5), image.subarray(5, 40), image.subarray(40)]
      yield* UploadImage.uploadStream(Stream.fromIterable(chunks))
      const [request] = yield* DouyinTest.requests
      expect(Buffer.from(request!.bodyBytes!).equals(expectedBody(boundaryOf(request!), image, "image.png", "image/png"))).toBe(true)
      let pulled = 0
      const endless = Stream.repeatEffect(Effect.sync(() => {
        pulled++
        return new Uint8Array(1024 * 1024)
      }))
      const tooBig = yield* Effect.flip(UploadImage.uploadStream(endless))
      expect(tooBig._tag).toBe("DouyinInvalidInput")
      expect(pulled).toBe(11)
      const broken = yield* Effect.flip(UploadImage.uploadStream(Stream.fail("disk gone")))
      expect(broken).toBe("disk gone")
      expect(yield* DouyinTest.requests).toHaveLength(1)
    }).pipe(Effect.provide(layer([DouyinTest.json(samples.uploadResponse)]))))
})
