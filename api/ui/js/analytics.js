// Analytics panels (关联圈 / key persons, black groups, multi-black persons, violation alerts) and the impact preview.
import { getJSON, guarded, showStatus, badges, catalog, roleName, period, validity, subjectParams, KIND_NAMES, STATUS_NAMES, BASIS_NAMES } from "./api.js";
import { $, h, fill, table } from "./dom.js";
import { showSubgraph } from "./graph.js";

let nav = null;

export function initAnalytics(navigation) {
  nav = navigation;
  const item = $("viol-item");
  for (const [code, name] of Object.entries(catalog.business_items)) item.appendChild(h("option", { value: code, selected: code === "company_registration" }, name));
  $("form-group").addEventListener("submit", (event) => {
    event.preventDefault();
    loadGroup($("group-subject").value);
  });
  $("form-violations").addEventListener("submit", (event) => {
    event.preventDefault();
    loadViolations();
  });
  $("form-black-groups").addEventListener("submit", (event) => {
    event.preventDefault();
    loadBlackGroups();
  });
  $("form-multi").addEventListener("submit", (event) => {
    event.preventDefault();
    loadMulti();
  });
  $("form-impact").addEventListener("submit", (event) => {
    event.preventDefault();
    loadImpact($("impact-entry").value.trim());
  });
}

const open = (id, name) => h("button", { type: "button", className: "link", onclick: () => nav.subject(id) }, name);

export async function loadGroup(subject) {
  if (!subject || !subject.trim()) return;
  $("group-subject").value = subject;
  const answer = await guarded(() => getJSON("/v1/analytics/group", { ...subjectParams(subject), at: $("group-at").value }));
  if (!answer) return;
  const keyIds = answer.key_persons.slice(0, 5).map((p) => p.id);
  fill(
    $("group-result"),
    h("p", null, `关联圈内企业 ${answer.enterprises.length} 家、人员 ${answer.persons.length} 人。`, answer.message ? h("span", { className: "muted" }, ` ${answer.message}`) : null),
    h(
      "div",
      { className: "buttons" },
      h("button", { type: "button", onclick: () => { showSubgraph([...answer.enterprises, ...answer.persons], answer.edges, answer.subject, keyIds, h("p", null, "关联圈：高亮为前 5 名关键人员（按介数中心度）")); nav.tab("graph"); } }, "在关系图中显示"),
    ),
    h("h3", null, "关键人员"),
    table(
      ["人员", "关联企业数（度）", "介数中心度"],
      answer.key_persons.slice(0, 15).map((p) => [open(p.id, p.name), String(p.degree), Number(p.betweenness).toFixed(3)]),
      "关联圈内没有人员",
    ),
    h("h3", null, "企业"),
    table(
      ["企业", "状态"],
      answer.enterprises.slice(0, 30).map((e) => [open(e.id, e.name), badges(e.flags)]),
    ),
  );
}

const VIOLATIONS_PAGE = 100;

export async function loadViolations(offset = 0) {
  const answer = await guarded(() =>
    getJSON("/v1/analytics/violations", { at: $("viol-at").value, business_item: $("viol-item").value, offset, limit: VIOLATIONS_PAGE }),
  );
  if (!answer) return;
  const shown = answer.items.length;
  const pager = h(
    "p",
    { className: "muted" },
    shown ? `截至 ${answer.at}，共 ${answer.total} 条预警（受限期间就任的排在前面），本页第 ${answer.offset + 1}–${answer.offset + shown} 条 ` : `截至 ${answer.at}，共 ${answer.total} 条预警 `,
    answer.offset > 0 ? h("button", { type: "button", className: "link", onclick: () => loadViolations(Math.max(0, answer.offset - answer.limit)) }, "上一页") : null,
    answer.offset + shown < answer.total ? [" ", h("button", { type: "button", className: "link", onclick: () => loadViolations(answer.offset + answer.limit) }, "下一页")] : null,
  );
  fill(
    $("violations-result"),
    pager,
    table(
      ["人员", "在其他企业担任", "限制（名单记录 · 措施）", ""],
      answer.items.map((item) => [
        h("span", { className: "nowrap" }, open(item.person.id, item.person.name)),
        h(
          "span",
          null,
          open(item.held.enterprise.id, item.held.enterprise.name),
          h("br"),
          h("small", null, `${item.held.role_name || roleName(item.held.role)}，${period(item.held.start, item.held.end)}`),
          item.started_during_restriction ? [" ", h("span", { className: "badge black", title: "该职务在限制期内开始担任" }, "受限期间就任")] : null,
          item.suspended ? [" ", h("span", { className: "badge suspended" }, "暂停")] : null,
        ),
        h(
          "span",
          { title: `${item.restriction.implementing_department}；${item.restriction.legal_basis}` },
          `${item.restriction.entry_id} · ${item.restriction.content}`,
          h("br"),
          h("small", { className: "muted" }, `${item.restriction.implementing_department} · ${validity(item.restriction.valid_from, item.restriction.valid_to)}`),
        ),
        h("details", null, h("summary", null, "说明"), h("small", null, item.alert)),
      ]),
      "没有违规任职预警",
    ),
  );
}

export async function loadBlackGroups() {
  const answer = await guarded(() => getJSON("/v1/analytics/black-groups", { at: $("bg-at").value, min_size: $("bg-min").value }));
  if (!answer) return;
  fill(
    $("black-groups-result"),
    h("p", { className: "muted" }, `截至 ${answer.at}，共 ${answer.groups.length} 个团伙`),
    table(
      ["失信企业", "共同人员", ""],
      answer.groups.map((group) => [
        h("span", null, group.enterprises.map((e, i) => [i ? "、" : "", open(e.id, e.name)])),
        h("span", null, group.persons.map((p, i) => [i ? "、" : "", open(p.id, p.name)])),
        h("button", { type: "button", className: "link", onclick: () => { showGroupGraph(group); } }, "图"),
      ]),
      "没有共享人员的失信企业",
    ),
  );
}

async function showGroupGraph(group) {
  // The groups list carries nodes only; their role edges come from each person's 1-hop neighbourhood.
  const edges = [];
  const ids = new Set([...group.enterprises, ...group.persons].map((n) => n.id));
  for (const person of group.persons.slice(0, 30)) {
    const [subject_type, ...rest] = person.id.split(":");
    const answer = await guarded(() => getJSON("/v1/graph/neighbourhood", { subject: rest.join(":"), subject_type, hops: 1, at: $("bg-at").value }));
    if (answer) edges.push(...answer.edges.filter((e) => ids.has(e.source) && ids.has(e.target)));
  }
  showSubgraph([...group.enterprises, ...group.persons], edges, null, group.persons.map((p) => p.id), h("p", null, "失信企业团伙：高亮为共同人员"));
  nav.tab("graph");
}

export async function loadMulti() {
  const answer = await guarded(() => getJSON("/v1/analytics/multi-black-persons", { at: $("mb-at").value, min_firms: $("mb-min").value }));
  if (!answer) return;
  fill(
    $("multi-result"),
    h("p", { className: "muted" }, `截至 ${answer.at}，共 ${answer.items.length} 人`),
    table(
      ["人员", "关联的失信企业"],
      answer.items.map((item) => [
        open(item.id, item.name),
        h("span", null, item.firms.map((f, i) => [i ? "；" : "", open(f.id, f.name), `（${f.role_name || roleName(f.role)}）`])),
      ]),
      "没有关联多家失信企业的人员",
    ),
  );
}

export async function loadImpact(entryId) {
  if (!entryId) return;
  $("impact-entry").value = entryId;
  const answer = await guarded(() => getJSON("/v1/graph/impact", { entry_id: entryId }));
  if (!answer) return;
  const entry = answer.entry;
  fill(
    $("impact-result"),
    h(
      "p",
      null,
      h("span", { className: `badge ${entry.kind}` }, KIND_NAMES[entry.kind] || entry.kind),
      ` ${entry.entry_id} · ${entry.subject_name || ""} · ${entry.list_type} · ${entry.department} · 状态：${STATUS_NAMES[entry.status] || entry.status}`,
      answer.preview ? h("strong", null, "（预览：尚未生效，以下为生效后将波及的范围，未写入任何数据）") : null,
    ),
    h("div", { className: "buttons" }, h("button", { type: "button", onclick: () => { showSubgraph(answer.nodes, answer.edges, null, answer.persons.map((p) => p.id), h("p", null, `名单记录 ${entry.entry_id} 波及的人员（高亮）`)); nav.tab("graph"); } }, "在关系图中显示")),
    h("h3", null, `波及人员（${answer.persons.length}）`),
    table(
      ["人员", "经由企业", "角色及任职期间", "派生依据", "有效期", "措施"],
      answer.persons.map((p) => [
        open(p.id, p.name),
        answer.nodes.find((n) => n.id === p.enterprise)?.name || p.enterprise,
        `${p.role_name || roleName(p.role)}（${period(p.start, p.end)}）`,
        BASIS_NAMES[p.holder_basis] || p.holder_basis,
        validity(p.valid_from, p.valid_to),
        p.measures.join("、"),
      ]),
      "不波及任何人员",
    ),
    h("h3", null, `措施（${answer.measures.length}）`),
    table(
      ["措施", "对象", "内容", "实施部门", "法律依据"],
      answer.measures.map((m) => [m.measure_id, m.target === "subject" ? "失信主体本身" : roleName(m.target), m.content, m.implementing_department, m.legal_basis]),
    ),
    h("h3", null, "需通知的实施部门"),
    h("p", null, answer.departments.join("、") || "无"),
  );
  showStatus(`名单记录 ${entryId}：波及 ${answer.persons.length} 人、${answer.departments.length} 个部门`);
}

