// The subject page: profile, roles timeline, direct entries, derived records with paths, the check.
import {
  getJSON, guarded, badges, catalog, TYPE_NAMES, KIND_NAMES, STATUS_NAMES, BASIS_NAMES,
  roleName, splitId, nodeId, period, validity, today,
} from "./api.js";
import { $, h, s, fill, table } from "./dom.js";

let current = null; // {id, profile}
let nav = null;

export function initSubject(navigation) {
  nav = navigation;
  const select = $("check-item");
  for (const [code, name] of Object.entries(catalog.business_items)) select.appendChild(h("option", { value: code }, name));
  $("check-at").value = today();
  $("check-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (current) runCheck(current.id);
  });
  $("btn-open-graph").addEventListener("click", () => current && nav.graph(current.id));
  $("btn-open-why").addEventListener("click", () => current && nav.why(current.id));
  $("btn-open-group").addEventListener("click", () => current && nav.group(current.id));
}

export async function showSubject(id) {
  if (current && current.id === id) return;
  const { subject_type, code } = splitId(id);
  const profile = await guarded(() => getJSON(`/v1/subjects/${encodeURIComponent(code)}`, { subject_type }));
  if (!profile) return;
  const subject = profile.subject;
  const fullId = nodeId(subject.subject_type, subject.code);
  current = { id: fullId, profile };
  $("subject-empty").hidden = true;
  $("subject-view").hidden = false;
  $("subject-name").textContent = subject.name;
  const flagsHolder = h("span");
  fill(
    $("subject-meta"),
    h("span", null, TYPE_NAMES[subject.subject_type]),
    h("span", { className: "code" }, subject.code),
    subject.enterprise_kind ? h("span", null, subject.enterprise_kind) : null,
    subject.enterprise_status ? h("span", null, `登记状态：${subject.enterprise_status}`) : null,
    subject.established ? h("span", null, `成立日期：${subject.established}`) : null,
    subject.region_code ? h("span", null, `行政区划：${subject.region_code}`) : null,
    flagsHolder,
  );
  $("current-subject").textContent = `当前主体：${subject.name}（${subject.code}）`;
  renderTimeline(profile);
  renderEntries(profile);
  renderDerived(profile);
  runCheck(fullId);
  // The list-status badges come with the search answer (flags as of today).
  getJSON("/v1/search", { q: subject.code, limit: 5 })
    .then((answer) => {
      const hit = answer.items.find((item) => item.id === fullId);
      if (hit) fill(flagsHolder, badges(hit.flags));
    })
    .catch(() => {});
  return fullId;
}

export const currentSubject = () => current && current.id;

async function runCheck(id) {
  const { subject_type, code } = splitId(id);
  // The report shows the same check: same business item, same date.
  $("link-report").href = `report.html?${new URLSearchParams({ subject: code, subject_type, at: $("check-at").value, business_item: $("check-item").value })}`;
  const answer = await guarded(() =>
    getJSON(`/v1/subjects/${encodeURIComponent(code)}/check`, {
      subject_type,
      business_item: $("check-item").value,
      at: $("check-at").value,
    }),
  );
  if (answer) fill($("check-result"), renderCheck(answer));
}

export function renderCheck(answer) {
  let verdict;
  if (answer.restricted) verdict = h("div", { className: "verdict restricted" }, "受到限制");
  else if (answer.incentivised) verdict = h("div", { className: "verdict incentivised" }, "享受激励");
  else verdict = h("div", { className: "verdict clear" }, "未受限制");
  return [
    verdict,
    answer.suspended ? h("span", { className: "badge suspended" }, "部分措施暂停执行") : null,
    h("p", null, answer.summary),
    h(
      "ol",
      { className: "check-items" },
      answer.items.map((item) =>
        h(
          "li",
          null,
          h("span", { className: `badge ${item.entry.kind === "black" ? (item.via ? "derived" : "black") : "red"}` }, item.via ? "经关联企业" : KIND_NAMES[item.entry.kind]),
          " ",
          item.explanation,
        ),
      ),
    ),
  ];
}

function subjectLink(subjectType, code, name) {
  return h("button", { type: "button", className: "link", onclick: () => nav.subject(nodeId(subjectType, code)) }, name);
}

function renderTimeline(profile) {
  const holder = $("timeline");
  const isPerson = profile.subject.subject_type === "person";
  const roles = [...profile.roles].sort((a, b) => (a.role + (a.start || "")).localeCompare(b.role + (b.start || "")));
  if (!roles.length) return fill(holder, h("p", { className: "muted" }, "无任职记录"));
  const shown = roles.slice(0, 60);
  const now = today();
  const days = (text) => Date.parse(text) / 86400000;
  const starts = shown.map((r) => r.start).filter(Boolean);
  const ends = shown.map((r) => r.end).filter(Boolean);
  const first = days(starts.length ? starts.reduce((a, b) => (a < b ? a : b)) : now) - 180;
  const last = Math.max(days(now), ...ends.map(days)) + 60;
  const width = 640, labelWidth = 230, rowHeight = 20, top = 18;
  const x = (day) => labelWidth + ((day - first) / (last - first)) * (width - labelWidth - 10);
  const svg = s("svg", { viewBox: `0 0 ${width} ${top + shown.length * rowHeight + 8}`, role: "img", "aria-label": "任职时间线" });
  const firstYear = new Date(first * 86400000).getUTCFullYear() + 1;
  const lastYear = new Date(last * 86400000).getUTCFullYear();
  const step = Math.max(1, Math.ceil((lastYear - firstYear + 1) / 8));
  for (let year = firstYear; year <= lastYear; year += step) {
    const position = x(days(`${year}-01-01`));
    svg.appendChild(s("line", { x1: position, x2: position, y1: top - 4, y2: top + shown.length * rowHeight, stroke: "#e3e7eb" }));
    svg.appendChild(s("text", { x: position, y: 11, "text-anchor": "middle", class: "axis" }, String(year)));
  }
  shown.forEach((role, index) => {
    const y = top + index * rowHeight;
    const other = isPerson ? role.enterprise_name : role.holder_name;
    const label = `${roleName(role.role)} · ${other}`;
    const clipped = label.length > 17 ? `${label.slice(0, 16)}…` : label;
    const text = s("text", { x: 4, y: y + 13, class: "row-label" }, clipped);
    text.appendChild(s("title", null, label));
    svg.appendChild(text);
    const start = role.start ? days(role.start) : first;
    const end = role.end ? days(role.end) : days(now);
    const held = !role.end || role.end >= now;
    const bar = s("rect", {
      x: x(start), y: y + 3, width: Math.max(2, x(end) - x(start)), height: rowHeight - 7, class: "bar",
      fill: held ? "#4f7fd1" : "#a9b8cc", opacity: role.start ? 1 : 0.55,
    });
    bar.appendChild(s("title", null, `${label}：${period(role.start, role.end)}${role.ratio != null ? `，持股 ${(role.ratio * 100).toFixed(1)}%` : ""}`));
    svg.appendChild(bar);
  });
  const position = x(days(now));
  svg.appendChild(s("line", { x1: position, x2: position, y1: top - 4, y2: top + shown.length * rowHeight, class: "today" }));
  fill(
    holder,
    svg,
    h("p", { className: "muted" }, `深色：当前在任；浅色：已卸任；半透明：任职起始日期不详。${roles.length > shown.length ? `仅显示前 ${shown.length} 条（共 ${roles.length} 条）。` : ""}`),
    table(
      ["角色", isPerson ? "企业" : "担任人", "任职期间"],
      shown.map((role) => [
        roleName(role.role),
        isPerson ? subjectLink("enterprise", role.enterprise_uscc, role.enterprise_name) : subjectLink(role.holder_type, role.holder_code, role.holder_name),
        period(role.start, role.end),
      ]),
    ),
  );
}

function renderEntries(profile) {
  fill(
    $("entries"),
    table(
      ["编号", "名单", "类别", "认定单位", "认定依据", "行为日期", "有效期", "状态", ""],
      profile.entries.map((entry) => [
        entry.entry_id,
        h("span", { className: `badge ${entry.kind}` }, KIND_NAMES[entry.kind]),
        entry.list_type,
        entry.department,
        entry.basis,
        entry.act_date || "—",
        validity(entry.valid_from, entry.valid_to),
        STATUS_NAMES[entry.status] || entry.status,
        h("button", { type: "button", className: "link", onclick: () => nav.impact(entry.entry_id) }, "影响预览"),
      ]),
      "无直接名单记录",
    ),
  );
}

function renderDerived(profile) {
  fill(
    $("derived"),
    table(
      ["名单记录", "认定单位", "人员", "经由企业", "角色及任职期间", "派生依据", "派生记录有效期"],
      profile.derived.map((record) => [
        h("span", null, h("span", { className: `badge ${record.entry.kind === "black" ? "derived" : "red"}` }, KIND_NAMES[record.entry.kind]), " ", record.entry.entry_id, h("br"), h("small", { className: "muted" }, record.entry.list_type)),
        record.entry.department,
        subjectLink(record.person.subject_type, record.person.code, record.person.name),
        subjectLink("enterprise", record.path.enterprise_uscc, record.path.enterprise_name),
        `${roleName(record.path.role)}（${period(record.path.role_start, record.path.role_end)}）`,
        BASIS_NAMES[record.path.holder_basis] || record.path.holder_basis,
        validity(record.path.valid_from, record.path.valid_to),
      ]),
      "无派生记录",
    ),
  );
}

