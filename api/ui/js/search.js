// The search box: id, code or partial Chinese name, with list-status badges; arrows + Enter or a click opens one.
import { getJSON, badges, TYPE_NAMES, guarded } from "./api.js";
import { $, h, fill } from "./dom.js";

let timer = null;
let active = -1;
let items = [];
let sequence = 0;

export function initSearch(onOpen) {
  const input = $("search-input");
  const list = $("search-results");

  const close = () => {
    list.hidden = true;
    active = -1;
  };
  const open = (item) => {
    close();
    input.blur();
    onOpen(item.id);
  };
  const render = (answer) => {
    items = answer.items;
    active = items.length ? 0 : -1;
    fill(
      list,
      items.map((item, index) =>
        h(
          "li",
          { className: index === active ? "active" : "", dataset: { id: item.id }, onmousedown: (event) => { event.preventDefault(); open(item); } },
          h("span", { className: "kind" }, TYPE_NAMES[item.subject_type] || item.subject_type),
          h("span", { className: "name" }, item.name),
          h("span", { className: "code" }, item.code),
          item.enterprise_status ? h("span", { className: "kind" }, item.enterprise_status) : null,
          badges(item.flags),
        ),
      ),
      items.length ? null : h("li", { className: "note" }, `未找到与“${answer.query}”匹配的主体`),
      answer.truncated ? h("li", { className: "note" }, "结果较多，仅显示前若干条；请输入更完整的名称或代码") : null,
    );
    list.hidden = false;
  };
  const search = async () => {
    const query = input.value.trim();
    if (!query) return close();
    const mine = ++sequence;
    const answer = await guarded(() => getJSON("/v1/search", { q: query, limit: 20 }));
    if (answer && mine === sequence) render(answer);
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 220);
  });
  input.addEventListener("keydown", (event) => {
    const rows = list.querySelectorAll("li[data-id]");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!rows.length) return;
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : rows.length - 1)) % rows.length;
      rows.forEach((row, index) => row.classList.toggle("active", index === active));
    } else if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      if (!list.hidden && active >= 0 && items[active]) open(items[active]);
      else search();
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  input.addEventListener("focus", () => {
    if (items.length && input.value.trim()) list.hidden = false;
  });
}
