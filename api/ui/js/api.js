// The JSON API the page is built on (same origin), the shared catalogue and the small labels every view uses.
import { $, h } from "./dom.js";
import { token, forget, ensureLogin, purpose } from "./login.js";

export class ApiError extends Error {
  constructor(status, detail, code) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

/** GET a JSON endpoint; `params` with empty values are left out. Errors carry the API's Chinese detail. */
export async function getJSON(path, params = {}) {
  const response = await authorizedFetch(url(path, params), { Accept: "application/json" });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    let detail = body && typeof body.detail === "string" ? body.detail : null;
    if (!detail && response.status === 404) detail = "接口不存在（服务端版本是否已包含该功能？）";
    throw new ApiError(response.status, detail || `请求失败（HTTP ${response.status}）`, body && body.code);
  }
  return body;
}

/** fetch with this tab's token. A 401 (expired, revoked, logged out elsewhere) asks for a new login and
 * reloads the page once logged in (the address keeps the view). */
export async function authorizedFetch(address, headers = {}) {
  const current = token();
  const stated = purpose();
  const sent = { ...headers };
  if (current) sent.Authorization = `Bearer ${current}`;
  // HTTP header values are Latin-1: the (Chinese) purpose goes URL-encoded, the server decodes it.
  if (stated) sent["X-Purpose"] = encodeURIComponent(stated);
  const response = await fetch(address, { headers: sent });
  if (response.status === 401) {
    forget();
    ensureLogin("登录已过期或凭证无效，请重新登录").then(() => location.reload());
  }
  return response;
}

/** Download a file of the API (GraphML, CSV) with the token: a plain link would carry none. */
export async function downloadWithToken(address, filename) {
  const response = await authorizedFetch(address);
  if (!response.ok) throw new ApiError(response.status, `导出失败（HTTP ${response.status}）`, null);
  const link = URL.createObjectURL(await response.blob());
  const anchor = h("a", { href: link, download: filename });
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(link), 10_000);
}

export function url(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

let statusTimer = null;
/** A short message under the tabs; errors stay until the next message. */
export function showStatus(message, kind = "info") {
  const el = $("status");
  el.textContent = message;
  el.className = `status ${kind}`;
  el.hidden = false;
  clearTimeout(statusTimer);
  if (kind !== "error") statusTimer = setTimeout(() => (el.hidden = true), 4000);
}
export function clearStatus() {
  $("status").hidden = true;
}

/** Run an async action, showing its error (in Chinese) instead of failing silently. */
export async function guarded(action) {
  try {
    return await action();
  } catch (error) {
    showStatus(error instanceof ApiError ? error.message : `出错了：${error.message || error}`, "error");
    return undefined;
  }
}

export const catalog = { roles: {}, business_items: {}, flags: {}, vendor_installed: true };
export async function loadCatalog() {
  Object.assign(catalog, await getJSON("catalog.json"));
}

export const FLAG_ORDER = ["black", "derived", "red", "suspended"];
const FLAG_NAMES = { black: "失信", red: "守信", derived: "关联失信", suspended: "暂停" };

export function badges(flags) {
  const list = FLAG_ORDER.filter((flag) => (flags || []).includes(flag));
  return h("span", { className: "badges" }, list.map((flag) => h("span", { className: `badge ${flag}`, title: flagTitle(flag) }, FLAG_NAMES[flag])));
}
function flagTitle(flag) {
  return {
    black: "列入失信黑名单",
    red: "列入守信红名单",
    derived: "经其任职企业派生的失信记录",
    suspended: "异议核实中，措施暂停执行",
  }[flag];
}

export const TYPE_NAMES = { enterprise: "企业", person: "人员" };
export const roleName = (role) => catalog.roles[role] || role;
export const itemName = (item) => catalog.business_items[item] || item;
export const KIND_NAMES = { black: "黑名单", red: "红名单" };
export const STATUS_NAMES = {
  draft: "草稿", publicised: "公示中", effective: "生效", under_verification: "异议核实中",
  expired: "已到期", repaired: "已修复", revoked: "已撤销", removed: "已移出",
};
export const BASIS_NAMES = { act_date: "行为发生时在任", current: "当前在任" };

/** "person:3204…" → {subject_type, code}. */
export function splitId(id) {
  const at = id.indexOf(":");
  return at < 0 ? { subject_type: null, code: id } : { subject_type: id.slice(0, at), code: id.slice(at + 1) };
}
export const nodeId = (subjectType, code) => `${subjectType}:${code}`;

export const period = (start, end) => `${start || "不详"} 至 ${end || "今"}`;
/** A validity period: an open end is indefinite (长期), not "until today". */
export const validity = (from, to) => `${from || "不详"} 至 ${to || "长期"}`;
export const today = () => new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);

/** Read a subject typed in a form field: a bare code, or "person:code" / "enterprise:code". */
export function subjectParams(text, prefix = "") {
  const value = text.trim();
  const { subject_type, code } = value.startsWith("person:") || value.startsWith("enterprise:") ? splitId(value) : { subject_type: null, code: value };
  return { [`${prefix}subject`]: code, [`${prefix}subject_type`]: subject_type };
}
