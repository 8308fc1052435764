/**
 * The inspector page served at `GET /sandbox/`: plain HTML and a small script that reads the
 * admin API (`snapshot`, `deliveries`) every half second and shows the sandbox's clock (moved
 * by `advanceClock`), groups, members' applications, messages (recalled ones marked) and
 * webhook deliveries.
 */
export const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Douyin sandbox inspector</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}.recalled{text-decoration:line-through;color:#888}</style>
</head><body>
<h1>Douyin sandbox</h1>
<p>sandbox clock: <time id="clock"></time></p>
<h2>Groups</h2><table id="groups"><thead><tr><th>group_id</th><th>name</th><th>owner</th><th>members</th><th>audit</th></tr></thead><tbody></tbody></table>
<h2>Applications</h2><table id="applications"><thead><tr><th>apply_id</th><th>group_id</th><th>user</th><th>status</th></tr></thead><tbody></tbody></table>
<h2>Messages</h2><table id="messages"><thead><tr><th>msg_id</th><th>group_id</th><th>sender</th><th>content</th><th>state</th><th>sent at</th></tr></thead><tbody></tbody></table>
<h2>Webhook deliveries</h2><table id="deliveries"><thead><tr><th>Msg-Id</th><th>event</th><th>status</th><th>attempts</th><th>last HTTP status</th></tr></thead><tbody></tbody></table>
<p id="updated"></p>
<script>
const admin = (op) => fetch("/sandbox/admin", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ op }) }).then((r) => r.json()).then((j) => j.result)
const fill = (id, rows) => {
  const body = document.querySelector("#" + id + " tbody")
  body.replaceChildren(...rows.map(([cells, cls, key]) => {
    const tr = document.createElement("tr")
    if (cls) tr.className = cls
    if (key) tr.dataset.id = key
    for (const c of cells) { const td = document.createElement("td"); td.textContent = String(c); tr.append(td) }
    return tr
  }))
}
const status = { 1: "pending", 2: "approved", 3: "rejected" }
const refresh = async () => {
  const [s, d] = await Promise.all([admin("snapshot"), admin("deliveries")])
  document.getElementById("clock").textContent = new Date(s.now).toISOString()
  fill("groups", s.groups.map((g) => [[g.groupId, g.groupName, g.ownerOpenId, g.existNum + "/" + g.maxNum, g.openAuditSwitch ? "on" : "off"], "", g.groupId]))
  fill("applications", s.applications.map((a) => [[a.applyId, a.groupId, a.userId, status[a.status]], "", a.applyId]))
  fill("messages", s.messages.map((m) => [[m.msgId, m.groupId, m.senderOpenId, JSON.stringify(m.content), m.recalled ? "recalled" : "sent", new Date(m.sentAt).toISOString()], m.recalled ? "recalled" : "", m.msgId]))
  fill("deliveries", d.map((x) => [[x.msgId, x.event, x.status, x.attempts, x.lastStatus], "", x.msgId]))
  document.getElementById("updated").textContent = "updated " + new Date().toISOString()
}
const loop = () => refresh().catch(() => {}).finally(() => setTimeout(loop, 500))
loop()
</script></body></html>`
