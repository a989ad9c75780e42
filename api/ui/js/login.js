// Logging in: the user's name and password for a bearer token (POST /v1/auth/token, the OAuth2 password
// flow). The token lives in sessionStorage — this tab only, gone when it is closed — and api.js sends it
// on every request. An expired or revoked token (401) brings the form back.
import { $, h } from "./dom.js";

const TOKEN_KEY = "credlink.token";
const USER_KEY = "credlink.user";

export const token = () => sessionStorage.getItem(TOKEN_KEY);
export const userName = () => sessionStorage.getItem(USER_KEY) || "";

export function forget() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  sessionStorage.removeItem("credlink.purpose");
}

/** Ask for a token; resolves with nothing, or throws an Error with the API's Chinese message. */
export async function logIn(username, password) {
  const response = await fetch("/v1/auth/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams({ username, password }),
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok || !body || !body.access_token) {
    const detail = body && typeof body.detail === "string" ? body.detail : `登录失败（HTTP ${response.status}）`;
    throw new Error(detail);
  }
  sessionStorage.setItem(TOKEN_KEY, body.access_token);
  sessionStorage.setItem(USER_KEY, username);
}

let pending = null;

/** Resolves once there is a token: at once if this tab has one, else after the user logs in. */
export function ensureLogin(message = "") {
  if (token()) return Promise.resolve();
  if (pending) return pending;
  pending = new Promise((resolve) => {
    const error = h("p", { className: "login-error", id: "login-error", role: "alert", hidden: !message }, message);
    const name = h("input", { id: "login-user", name: "username", autocomplete: "username", required: true });
    const secret = h("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
    const submit = h("button", { type: "submit", id: "login-submit" }, "登录");
    const form = h(
      "form",
      { className: "login-card", id: "login-form" },
      h("h2", null, "credlink 联合奖惩调查工作台"),
      h("p", { className: "muted" }, "请使用信用管理部门分配的账号登录。"),
      h("label", null, "用户名", name),
      h("label", null, "密码", secret),
      error,
      submit,
    );
    const overlay = h("div", { className: "login-overlay", id: "login" }, form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      error.hidden = true;
      try {
        await logIn(name.value.trim(), secret.value);
        overlay.remove();
        pending = null;
        resolve();
      } catch (failure) {
        error.textContent = failure.message;
        error.hidden = false;
        secret.value = "";
        secret.focus();
      } finally {
        submit.disabled = false;
      }
    });
    document.body.appendChild(overlay);
    name.focus();
  });
  return pending;
}

const PURPOSE_KEY = "credlink.purpose";
/** The stated purpose of this tab's queries (sent as X-Purpose; unmasked personal data needs one). */
export const purpose = () => sessionStorage.getItem(PURPOSE_KEY) || "";

/** The name, the purpose of the queries and a logout button in the top bar (the workbench's #user-box). */
export function showUser() {
  const box = $("user-box");
  if (!box) return;
  const stated = h("input", {
    id: "purpose",
    type: "text",
    value: purpose(),
    maxlength: 200,
    placeholder: "查询用途（如案件编号）",
    title: "调查人员查看完整身份信息须说明用途；随每次查询提交并记入审计日志",
    "aria-label": "查询用途",
  });
  stated.addEventListener("change", () => {
    const text = stated.value.trim();
    if (text) sessionStorage.setItem(PURPOSE_KEY, text);
    else sessionStorage.removeItem(PURPOSE_KEY);
  });
  box.replaceChildren(
    stated,
    h("span", { id: "user-name" }, userName() ? `当前用户：${userName()}` : "已登录"),
    h("button", { type: "button", id: "btn-logout", onclick: () => { forget(); location.reload(); } }, "退出登录"),
  );
}
