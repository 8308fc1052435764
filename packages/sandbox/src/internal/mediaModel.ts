/**
 * What the sandbox keeps for the media and card endpoints: uploaded images, lead cards,
 * mini-program card templates, and the app's client tokens in the order they were issued
 * (Douyin keeps only the two newest valid). Plain immutable data, part of the sandbox state.
 */
import * as HashMap from "effect/HashMap"

export interface Image {
  readonly seq: number
  readonly imageId: string
  readonly width: number
  readonly height: number
  readonly format: string
  readonly size: number
  readonly md5: string
}

export interface LeadCard {
  readonly seq: number
  readonly cardId: string
  readonly ownerOpenId: string
  readonly title: string
  readonly mediaId: string
  readonly components: ReadonlyArray<number>
  /** 0 approved, 1 in review, 2 rejected. */
  readonly status: number
}

export interface AppletTemplate {
  readonly seq: number
  readonly cardTemplateId: string
  readonly cardType: number
  readonly title: string
  readonly content: string
  readonly mediaId: string
  readonly appId: string | undefined
  /** 0 pending, 1 approved, 2 rejected. */
  readonly status: number
  /** Epoch seconds. */
  readonly createTime: number
  readonly updateTime: number
}

export interface ClientToken {
  readonly token: string
  /** Epoch ms. */
  readonly issuedAt: number
  readonly expiresAt: number
}

export interface MediaState {
  readonly images: HashMap.HashMap<string, Image>
  readonly leadCards: HashMap.HashMap<string, LeadCard>
  /** Ids of deleted cards and templates: deleting again succeeds (convergent). */
  readonly deleted: HashMap.HashMap<string, true>
  readonly templates: HashMap.HashMap<string, AppletTemplate>
  /** Oldest first. */
  readonly clientTokens: ReadonlyArray<ClientToken>
}

export const emptyMedia: MediaState = {
  images: HashMap.empty(),
  leadCards: HashMap.empty(),
  deleted: HashMap.empty(),
  templates: HashMap.empty(),
  clientTokens: []
}

/** How long an older client token stays valid after a newer one is issued (Douyin: 5 minutes). */
export const clientTokenGraceMillis = 5 * 60 * 1000
