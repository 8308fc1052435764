export * as WebhookConfig from "./WebhookConfig.js"
export * as WebhookEvent from "./WebhookEvent.js"
export * as WebhookSignature from "./WebhookSignature.js"
