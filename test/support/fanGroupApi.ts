/**
 * The nine fan-group endpoint services as one layer (`FanGroupApi.layer`) over a given
 * `DouyinClient` layer (the recording `DouyinTest` client, the sandbox's client), which stays in
 * the context for the test to read (its recorded requests, the sandbox's admin).
 */
import * as Group from "@effect-douyin/group"
import { Layer } from "effect"

/** `FanGroupApi.layer` (or `api`) provided by `client`, whose own services it keeps. */
export const over = <ROut, E, RIn>(
  client: Layer.Layer<ROut, E, RIn>,
  api: typeof Group.FanGroupApi.layer = Group.FanGroupApi.layer
) => api.pipe(Layer.provideMerge(client))

/** The nine endpoint modules `FanGroupApi.layer` provides: quota, create, list, send, recall, set, disable, applications, review. */
export const endpoints = [
  Group.FanGroupQuota,
  Group.CreateFanGroup,
  Group.ListFanGroups,
  Group.SendGroupMessage,
  Group.RecallGroupMessage,
  Group.SetGroupSetting,
  Group.DisableGroupSetting,
  Group.ListEntryApplications,
  Group.ReviewEntryApplication
] as const
