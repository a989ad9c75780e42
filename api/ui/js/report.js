// The printable subject report: profile, check, why (paths, measures, legal basis), roles, entries, derived.
import { getJSON, loadCatalog, catalog, ApiError, TYPE_NAMES, KIND_NAMES, STATUS_NAMES, BASIS_NAMES, roleName, period, validity, today } from "./api.js";
import { $, h, fill, table } from "./dom.js";
import { renderCheck } from "./subject.js";
import { ensureLogin } from "./login.js";

async function main() {
  $("btn-print").addEventListener("click", () => window.print());
  const params = new URLSearchParams(location.search);
  const code = params.get("subject");
  const subjectType = params.get("subject_type") || "";
  const at = params.get("at") || today();
  const businessItem = params.get("business_item") || "";
  if (!code) {
    fill($("r-profile"), h("p", null, "缺少参数 subject：请从工作台的主体画像页打开报告。"));
    return;
  }
  await ensureLogin();
  try {
    await loadCatalog();
    const profile = await getJSON(`/v1/subjects/${encodeURIComponent(code)}`, { subject_type: subjectType });
    const subject = profile.subject;
    document.title = `${subject.name} · 主体信用关联报告`;
    $("r-title").textContent = `${subject.name} 信用关联报告`;
    $("r-meta").textContent = `报告日期 ${today()} · 核查日期 ${at} · 业务事项：${businessItem ? catalog.business_items[businessItem] || businessItem : "全部"}`;
    fill(
      $("r-profile"),
      h(
        "dl",
        null,
        h("dt", null, "名称"), h("dd", null, subject.name),
        h("dt", null, "类型"), h("dd", null, TYPE_NAMES[subject.subject_type]),
        h("dt", null, subject.subject_type === "enterprise" ? "统一社会信用代码" : "身份证号码"), h("dd", null, subject.code),
        subject.enterprise_kind ? [h("dt", null, "企业类型"), h("dd", null, subject.enterprise_kind)] : null,
        subject.enterprise_status ? [h("dt", null, "登记状态"), h("dd", null, subject.enterprise_status)] : null,
        subject.established ? [h("dt", null, "成立日期"), h("dd", null, subject.established)] : null,
      ),
    );
    const check = await getJSON(`/v1/subjects/${encodeURIComponent(subject.code)}/check`, { subject_type: subject.subject_type, at, business_item: businessItem });
    fill($("r-check"), renderCheck(check));
    fill($("r-why"), await why(subject, at, businessItem));
    const isPerson = subject.subject_type === "person";
    fill(
      $("r-roles"),
      table(
        ["角色", isPerson ? "企业" : "担任人", "任职期间"],
        profile.roles.map((r) => [roleName(r.role), isPerson ? `${r.enterprise_name}（${r.enterprise_uscc}）` : `${r.holder_name}（${r.holder_code}）`, period(r.start, r.end)]),
        "无任职记录",
      ),
    );
    fill(
      $("r-entries"),
      table(
        ["编号", "名单", "类别", "认定单位", "认定依据", "行为日期", "有效期", "状态"],
        profile.entries.map((e) => [e.entry_id, KIND_NAMES[e.kind], e.list_type, e.department, e.basis, e.act_date || "—", validity(e.valid_from, e.valid_to), STATUS_NAMES[e.status] || e.status]),
        "无直接名单记录",
      ),
    );
    fill(
      $("r-derived"),
      table(
        ["名单记录", "认定单位", "人员", "经由企业", "角色及任职期间", "派生依据", "有效期"],
        profile.derived.map((d) => [d.entry.entry_id, d.entry.department, d.person.name, d.path.enterprise_name, `${roleName(d.path.role)}（${period(d.path.role_start, d.path.role_end)}）`, BASIS_NAMES[d.path.holder_basis] || d.path.holder_basis, validity(d.path.valid_from, d.path.valid_to)]),
        "无派生记录",
      ),
    );
    document.body.dataset.ready = "1";
  } catch (error) {
    const box = $("status");
    box.hidden = false;
    box.className = "status error";
    box.textContent = error instanceof ApiError ? error.message : `报告生成失败：${error.message || error}`;
  }
}

async function why(subject, at, businessItem) {
  let answer;
  try {
    answer = await getJSON("/v1/graph/why", { subject: subject.code, subject_type: subject.subject_type, at, business_item: businessItem });
  } catch (error) {
    return h("p", { className: "muted" }, `无法获取受限原因：${error.message}`);
  }
  if (!answer.items.length) return h("p", null, "该主体在核查日期没有失信记录或派生失信记录。");
  const names = new Map(answer.nodes.map((n) => [n.id, n.name]));
  return answer.items.map((item) =>
    h(
      "div",
      { className: "why-block" },
      h("p", null, h("strong", null, item.entry_id), `（${KIND_NAMES[item.kind] || item.kind}${item.suspended ? "，异议核实中，暂停执行" : ""}）：${item.explanation}`),
      h(
        "dl",
        null,
        h("dt", null, "认定单位"), h("dd", null, item.department),
        h("dt", null, "认定依据"), h("dd", null, item.basis),
        h("dt", null, "行为日期"), h("dd", null, item.act_date || "—"),
        h("dt", null, "有效期"), h("dd", null, validity(item.valid_from, item.valid_to)),
        item.via ? [h("dt", null, "路径"), h("dd", null, `${names.get(item.via.enterprise) || item.via.enterprise} —${item.via.role_name || roleName(item.via.role)}（${period(item.via.start, item.via.end)}，${BASIS_NAMES[item.via.holder_basis] || ""}）— ${subject.name}`)] : null,
      ),
      table(["措施", "实施部门", "法律依据"], item.measures.map((m) => [m.content, m.implementing_department, m.legal_basis]), "无对应措施"),
    ),
  );
}

main();
