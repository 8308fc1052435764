/**
 * The count endpoint's recorded sample body (docs/wire.md#recorded-samples, sample 1): what the benchmark
 * server answers on every call.
 */
export const countSample = JSON.stringify({
  extra: {
    error_code: 0,
    description: "",
    sub_error_code: 0,
    sub_description: "",
    now: 1666756486,
    logid: "2022102611544501014017115714020A20"
  },
  data: { error_code: 0, description: "" },
  left_count: 2
})
