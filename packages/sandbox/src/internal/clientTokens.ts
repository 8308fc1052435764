/**
 * The OAuth route of the app's client token (shape C): `POST /oauth/client_token/` with the
 * app's key and secret, `grant_type=client_credential`. Each call issues a new token; only the
 * two newest stay valid (`media.ts`).
 */
import * as envelope from "./envelope.js"
import { issueClientToken } from "./media.js"
import { checkGrant, type OAuthRoute } from "./oauthRoutes.js"

const clientTokenRoute: OAuthRoute["run"] = (state, fields, ctx) => {
  const rejected = checkGrant(state, fields, ctx, "client_credential", "required")
  if (rejected) return rejected
  const [token, expiresIn, next] = issueClientToken(state, ctx.now)
  return [envelope.successC({ access_token: token, expires_in: expiresIn }, ctx.logId), next]
}

export const clientTokenRoutes: Readonly<Record<string, OAuthRoute>> = {
  // JSON as documented, and a form too (no source says it is refused).
  "/oauth/client_token/": { encodings: ["json", "form"], run: clientTokenRoute }
}
