/**
 * Message content checks (docs/wire.md#message-content): `{ msg_type, <one variant> }`, the variant's
 * required fields present.
 */
import { type Body, int, invalid, isRejection, type Rejection, str, unknownFields } from "./request.js"

const variantOf: Readonly<Record<number, string>> = {
  1: "text",
  2: "image",
  3: "video",
  8: "retain_consult_card",
  10: "applet_card",
  11: "applet_coupon"
}

/** The `msg_type`s a group message may carry. */
export const sendTypes = [1, 2, 3, 8, 10]
/** The `msg_type`s a group setting's message list may carry. */
export const settingTypes = [1, 10, 11]

/** The fields each variant takes (docs/wire.md#message-content). */
const variantFields: Readonly<Record<number, ReadonlyArray<string>>> = {
  1: ["text"],
  2: ["media_id"],
  3: ["item_id"],
  8: ["card_id"],
  10: ["card_template_id", "app_id", "path", "query", "schema", "card_id"],
  11: ["activity_id", "coupon_meta_id"]
}

const checkVariant = (msgType: number, v: unknown, lenient: boolean): Rejection | undefined => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return invalid(`${variantOf[msgType]} must be an object`)
  }
  const o = v as Body
  const unknown = lenient ? [] : unknownFields(o, variantFields[msgType] ?? [])
  if (unknown.length > 0) return invalid(`${variantOf[msgType]} does not take ${unknown.join(", ")}`)
  const need = (...keys: ReadonlyArray<string>) => {
    for (const k of keys) {
      const r = str(o, k)
      if (isRejection(r)) return invalid(`${variantOf[msgType]}.${k} is required`)
    }
    return undefined
  }
  switch (msgType) {
    case 1:
      return need("text")
    case 2:
      return need("media_id")
    case 3:
      return need("item_id")
    case 8:
      return need("card_id")
    case 10: {
      const missing = need("card_template_id", "app_id")
      if (missing) return missing
      const path = o["path"] !== undefined
      const schema = o["schema"] !== undefined
      if (path && schema) return invalid("applet_card.path and applet_card.schema are mutually exclusive")
      if (!path && !schema) return invalid("applet_card needs path or schema")
      for (const k of ["path", "schema", "query", "card_id"]) {
        if (o[k] !== undefined && typeof o[k] !== "string") return invalid(`applet_card.${k} must be a string`)
      }
      return undefined
    }
    case 11: {
      const a = int(o["activity_id"], "applet_coupon.activity_id")
      if (isRejection(a)) return a
      const m = int(o["coupon_meta_id"], "applet_coupon.coupon_meta_id")
      return isRejection(m) ? m : undefined
    }
  }
  return invalid(`msg_type ${msgType} is not supported`)
}

/** `{ msg_type, <one variant> }`, nothing else (the Go client's all-variants body is rejected). */
export const checkContent = (
  content: unknown,
  allowed: ReadonlyArray<number>,
  where: string,
  lenient: boolean
): Rejection | undefined => {
  if (typeof content !== "object" || content === null || Array.isArray(content)) {
    return invalid(`${where} must be an object`)
  }
  const o = content as Body
  const msgType = int(o["msg_type"], `${where}.msg_type`, allowed)
  if (isRejection(msgType)) return msgType
  const key = variantOf[msgType]!
  const extra = Object.keys(o).filter((k) => k !== "msg_type" && k !== key)
  if (extra.length > 0) {
    return invalid(`${where} must carry only msg_type and ${key}; unexpected: ${extra.join(", ")}`)
  }
  return checkVariant(msgType, o[key], lenient)
}
