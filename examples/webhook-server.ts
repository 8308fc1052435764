/**
 * A Douyin fan-group webhook receiver on a real HTTP server.
 *
 *   DOUYIN_CLIENT_SECRET=… PORT=8080 pnpm tsx examples/webhook-server.ts
 *
 * Then point the app's webhook URL at http://<host>:8080/douyin/webhook. Every delivery is
 * verified against the raw body (X-Douyin-Signature), `verify_webhook` is answered with its
 * challenge, repeats of a Msg-Id are dropped, and each event is acknowledged at once while
 * its handler runs in the background.
 *
 * Try it locally with a signed delivery (started with DOUYIN_CLIENT_SECRET=dev-secret):
 *
 *   body='{"event":"verify_webhook","client_key":"abc","content":{"challenge":12345}}'
 *   sig=$(printf '%s%s' dev-secret "$body" | sha1sum | cut -d' ' -f1)
 *   curl -s -H "X-Douyin-Signature: $sig" -d "$body" http://127.0.0.1:8080/douyin/webhook
 */
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { WebhookConfig, WebhookDedupe, WebhookHandler } from "@effect-douyin/group"
import { Config, Effect, Layer } from "effect"
import { createServer } from "node:http"

// One Effect per event type; a failure here is logged and never changes the 200 Douyin got.
const Webhooks = WebhookHandler.layer({
  GroupMessageReceived: (event) =>
    Effect.log(
      event.content._tag === "Text"
        ? `group ${event.content.conversationShortId}: ${event.senderOpenId} said ${JSON.stringify(event.content.text)}`
        : `group ${event.content.conversationShortId}: ${event.content.messageType} message from ${event.senderOpenId}`
    ),
  GroupMessageSent: (event) => Effect.log(`sent ${event.content.serverMessageId} (${event.content.messageType})`),
  GroupFanJoined: (event) => Effect.log(`${event.memberOpenId} joined fan group ${event.content.imGroupId} of ${event.ownerOpenId}`),
  EntryApplicationChanged: (event) =>
    Effect.log(
      `application ${event.content.applyId} of ${event.applicantOpenId} to ${event.content.groupId} ` +
        `(owner ${event.ownerOpenId}): ${event.content.applyStatus}`
    ),
  MalformedEvent: (event) => Effect.logWarning(`webhook event "${event.event}" did not decode: ${event.issue}`),
  UnknownEvent: (event) => Effect.logWarning(`unhandled webhook event "${event.event}"`)
}).pipe(
  // DOUYIN_CLIENT_SECRET, read as Redacted: it never reaches logs or responses
  Layer.provide(WebhookConfig.layerConfig()),
  Layer.provide(WebhookDedupe.layer)
)

const port = Config.integer("PORT").pipe(Config.withDefault(8080))

const Server = HttpRouter.empty.pipe(
  HttpRouter.post("/douyin/webhook", WebhookHandler.app),
  HttpServer.serve(),
  HttpServer.withLogAddress,
  Layer.provide(Webhooks),
  Layer.provide(
    Layer.unwrapEffect(Effect.map(port, (port) => NodeHttpServer.layer(() => createServer(), { port })))
  )
)

NodeRuntime.runMain(Layer.launch(Server))
