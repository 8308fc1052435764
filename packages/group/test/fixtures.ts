/**
 * Recorded wire bodies, copied verbatim from docs/wire.md#recorded-samples (responses) and #message-content (request
 * examples). Do not "tidy" them: they are the contract.
 */

/** The `data` of a Shape-A success, as every success sample carries it. */
export const successData = { "error_code": 0, "description": "" }

/**
 * The `extra` the C# samples of create, fans list and send (and the media upload sample) carry,
 * word for word the same in each.
 */
export const sampleExtra = {
  "description": "",
  "sub_error_code": 0,
  "sub_description": "",
  "now": 1648797449,
  "logid": "021648797449846fd1b1111000700600000000000000086dfb920",
  "error_code": 0
}

/** §8.1 Count response — C# IMGroupFansCountResponse.json */
export const countResponse = {
  "extra": {
    "error_code": 0,
    "description": "",
    "sub_error_code": 0,
    "sub_description": "",
    "now": 1666756486,
    "logid": "2022102611544501014017115714020A20"
  },
  "data": successData,
  "left_count": 2
}

/** §8.2 Create response — C# IMGroupFansCreateResponse.json */
export const createResponse = {
  "extra": sampleExtra,
  "data": successData,
  "group_id": "@jebkjeb87hbejfh=="
}

/** §8.3 Fans list response — OFF-DOC partner.open-douyin.com "查询粉丝群" sample */
export const fansListResponse = {
  "extra": sampleExtra,
  "data": successData,
  "group_list": [{
    "exist_num": 1,
    "group_name": "group_name",
    "max_num": 500,
    "description": "description",
    "entry_limit": null,
    "group_id": "@aaaaaa==",
    "status": "Normal",
    "tags": null,
    "avatar_uri": "avatar_uri"
  }]
}

/** §8.4 Audit list response — C# IMGroupEnterAuditGetResponse.json */
export const auditListResponse = {
  "apply_list": {
    "cursor": 1,
    "has_more": false,
    "list": [{
      "apply_id": "@9VwNxuKKBZ03MXG7M8ooWM7912XrPPqCOJdzqQ6lL1kVbfX760zdRmYqig357zEB84GwkVBjbo2eCWCq4V****==",
      "apply_status": 1,
      "create_time": 1676874310259,
      "group_id": "@9VwNxuKKBZ03MXG7M8ooWM7912XrPPmLO5dyrAOnK1UTZ/T/60zdRmYqig357zEBdsFiI4euKz5E1pivD****==",
      "user_id": "29d2f583-7fd6-4daa-b1d4-cfab5c05079Q"
    }]
  },
  "data": successData,
  "extra": {
    "error_code": 0,
    "description": "",
    "sub_error_code": 0,
    "sub_description": "",
    "logid": "20230222103211977B5DF3F5230D43A615",
    "now": 1677033132
  }
}

/** §8.5 Audit set response — C# IMGroupEnterAuditSetResponse.json */
export const auditSetResponse = {
  "data": { "description": "", "error_code": 0 },
  "extra": {
    "description": "",
    "error_code": 0,
    "logid": "20230221211048A33CA419CE0F8E1B4899",
    "now": 1676985049,
    "sub_description": "",
    "sub_error_code": 0
  },
  "success": true
}

/** §8.6 Send group message response — C# IMSendMessageGroupResponse.json */
export const sendResponse = {
  "extra": sampleExtra,
  "data": successData,
  "msg_id": "@c29bfc000+MNggFhRkwGuX1ntuc0RPc0VHKefj/yWEJ8uhd=="
}

/** §8.7 Setting set / setting disable / recall success (reconstructed from OFF-SDK) */
export const envelopeBSuccess = { "err_no": 0, "err_msg": "", "log_id": "2023042115304501022811806509700000" }

/** §8.8 Shape-A error — OFF-DOC "获取粉丝列表" error sample (note `log_id` in `extra`) */
export const shapeAError = {
  "data": { "error_code": 2100005, "description": "Parameter error" },
  "extra": {
    "error_code": 2100005,
    "description": "Parameter error",
    "sub_error_code": 0,
    "sub_description": "",
    "now": 1594015876138,
    "log_id": "2020070614111601022506808001045D59"
  }
}

/** §3 Example `content` for Send (shape per C# sample) */
export const sendRequestBody = { "group_id": "@7aaaa==", "content": { "msg_type": 2, "image": { "media_id": "@aaaa" } } }

/** §3 Example SetGroupSetting body (C# sample, group_id included) */
export const setGroupSettingRequestBody = {
  "group_setting_type": 1,
  "group_id": "@4F8C…",
  "msg_list": [{ "msg_type": 1, "text": { "text": "66666" } }, {
    "msg_type": 10,
    "applet_card": { "card_template_id": "@4F8C…", "schema": "https://z.douyin.com/lktwYRo", "app_id": "ttfa398c06e94401" }
  }]
}
