// The graph view (cytoscape): neighbourhood with expand and paging, "why" paths, path finder, exports.
import {
  getJSON, guarded, showStatus, url, badges, downloadWithToken, catalog, TYPE_NAMES, KIND_NAMES, BASIS_NAMES,
  roleName, splitId, period, validity, today, subjectParams,
} from "./api.js";
import { $, h, fill, xmlEscape, download } from "./dom.js";

/** The page refuses to grow a graph beyond the API's hard cap: beyond that it stops being readable anyway. */
const CLIENT_MAX_NODES = 2000;
/** Above this many nodes: no layout animation, no edge labels while panning or zooming. */
const LARGE = 150;
/** Above this many nodes a new graph is drawn as the compact tree of seedPositions; cose would take seconds. */
const RADIAL_ONLY = 400;

let cy = null;
let nav = null;
let mode = "neighbourhood";
/** The last neighbourhood query (for expand, paging and the GraphML/CSV links). */
let query = null;
/** Per node: the offset of the next page of its edges, and whether it has been expanded. */
const paging = new Map();

const COLORS = {
  enterprise: "#4f7fd1", person: "#2a9d8f", black: "#1f1f1f", red: "#c62828", derived: "#7b1fa2",
  suspended: "#e0a100", hl: "#ff7a00", edge: "#9aa5b1",
};

const STYLE = [
  {
    selector: "node",
    style: {
      label: "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "wrap",
      "text-max-width": 120, width: 24, height: 24, "background-color": COLORS.person, color: "#1d2329",
      "border-width": 1, "border-color": "#ffffff", "min-zoomed-font-size": 6,
      "text-background-color": "#ffffff", "text-background-opacity": 0.7, "text-background-padding": 1,
    },
  },
  { selector: "node[subject_type = 'enterprise']", style: { shape: "round-rectangle", "background-color": COLORS.enterprise } },
  { selector: "node[?black]", style: { "background-color": COLORS.black } },
  { selector: "node[?derived]", style: { "background-color": COLORS.derived } },
  { selector: "node[?red]", style: { "border-width": 4, "border-color": COLORS.red } },
  { selector: "node[?suspended]", style: { "border-width": 3, "border-style": "dashed", "border-color": COLORS.suspended } },
  { selector: "node[unseen > 0]", style: { "border-width": 3, "border-style": "double", "border-color": "#5f6b76", "font-weight": "bold" } },
  { selector: "node.center", style: { width: 34, height: 34, "font-size": 12, "font-weight": "bold" } },
  {
    selector: "edge",
    style: {
      width: 1.5, "line-color": COLORS.edge, "curve-style": "bezier", "target-arrow-shape": "triangle",
      "target-arrow-color": COLORS.edge, "arrow-scale": 0.8, label: "data(role_name)", "font-size": 8,
      color: "#66707a", "text-rotation": "autorotate", "min-zoomed-font-size": 8,
    },
  },
  { selector: "edge[!in_force]", style: { "line-style": "dashed", opacity: 0.6 } },
  { selector: "node.hl", style: { "border-width": 5, "border-color": COLORS.hl, "border-style": "solid", "z-index": 10 } },
  { selector: "edge.hl", style: { width: 4, "line-color": COLORS.hl, "target-arrow-color": COLORS.hl, "z-index": 10, opacity: 1 } },
  { selector: ".dim", style: { opacity: 0.2 } },
  { selector: "node:selected", style: { "overlay-color": COLORS.hl, "overlay-opacity": 0.25 } },
];

export function initGraph(navigation) {
  nav = navigation;
  const roles = $("nb-roles");
  for (const [code, name] of Object.entries(catalog.roles)) {
    roles.appendChild(h("label", null, h("input", { type: "checkbox", value: code, checked: true }), ` ${name}`));
  }
  const whyItem = $("why-item");
  for (const [code, name] of Object.entries(catalog.business_items)) whyItem.appendChild(h("option", { value: code }, name));
  $("why-at").value = today();

  document.querySelectorAll(".graph-modes button[data-mode]").forEach((button) =>
    button.addEventListener("click", () => setMode(button.dataset.mode)),
  );
  $("form-neighbourhood").addEventListener("submit", (event) => {
    event.preventDefault();
    loadNeighbourhood($("nb-subject").value);
  });
  $("form-why").addEventListener("submit", (event) => {
    event.preventDefault();
    loadWhy($("why-subject").value);
  });
  $("form-paths").addEventListener("submit", (event) => {
    event.preventDefault();
    loadPaths($("path-from").value, $("path-to").value);
  });
  $("btn-fit").addEventListener("click", () => cy && cy.fit(undefined, 30));
  $("btn-relayout").addEventListener("click", () => {
    if (!cy) return;
    if (cy.nodes().length > LARGE) showStatus("正在运行力导向布局…");
    // Let the message paint before the layout takes the main thread.
    setTimeout(() => layout(cy.elements(), true), 30);
  });
  $("btn-png").addEventListener("click", exportPng);
  $("btn-svg").addEventListener("click", exportSvg);
  updateExportLinks();
}

let cyLarge = false;

/** The cytoscape instance, created when first needed. Large graphs get one that draws less while panning
 * and zooming (edges hidden, a texture of the view): those are options of the instance, so it is rebuilt
 * when a graph crosses the size. */
function ensureCy(large = cyLarge) {
  if (cy && large === cyLarge) return cy;
  if (cy) cy.destroy();
  cy = null;
  cyLarge = large;
  if (typeof window.cytoscape !== "function") {
    fill($("cy"), h("div", { className: "empty", style: "margin:24px" }, "图形库 cytoscape 未安装：请在项目目录运行 bash scripts/ui-assets.sh（需要 Node.js 与 npm），然后刷新本页。"));
    throw new Error("图形库 cytoscape 未安装，无法显示关系图（运行 bash scripts/ui-assets.sh 后刷新）");
  }
  cy = window.cytoscape({
    container: $("cy"),
    style: STYLE,
    minZoom: 0.02,
    maxZoom: 4,
    boxSelectionEnabled: false,
    hideEdgesOnViewport: large,
    textureOnViewport: large,
  });
  cy.on("tap", "node", (event) => onNodeTap(event.target));
  cy.on("tap", "edge", (event) => showEdge(event.target));
  window.credlinkGraph = cy; // for the end-to-end tests and for investigators' own console work
  return cy;
}

export function setMode(next) {
  mode = next;
  document.querySelectorAll(".graph-modes button[data-mode]").forEach((b) => b.classList.toggle("active", b.dataset.mode === next));
  document.querySelectorAll(".mode-form").forEach((form) => (form.hidden = form.dataset.mode !== next));
}

/** Prefill the forms with the current subject (a full id, e.g. person:3204…). */
export function setSubject(id) {
  for (const field of ["nb-subject", "why-subject", "path-from", "group-subject"]) {
    const input = $(field);
    if (input && (!input.value || input.dataset.auto === "1")) {
      input.value = id;
      input.dataset.auto = "1";
    }
  }
}

function nodeData(node) {
  const flags = node.flags || [];
  const name = node.name || node.code;
  return {
    id: node.id,
    name,
    code: node.code,
    subject_type: node.subject_type,
    flags,
    black: flags.includes("black"),
    red: flags.includes("red"),
    derived: flags.includes("derived"),
    suspended: flags.includes("suspended"),
    degree: node.degree ?? null,
    more: node.more ?? 0,
    hop: node.hop ?? null,
    enterprise_status: node.enterprise_status || null,
    unseen: 0,
    label: name.length > 12 ? `${name.slice(0, 11)}…` : name,
  };
}

function edgeData(edge) {
  return {
    id: edge.id, source: edge.source, target: edge.target, role: edge.role,
    role_name: edge.role_name || roleName(edge.role), start: edge.start, end: edge.end,
    ratio: edge.ratio, in_force: edge.in_force !== false,
  };
}

/** Add nodes and edges not yet in the graph; returns the added nodes. */
function merge(nodes, edges) {
  const added = [];
  cy.batch(() => {
    for (const node of nodes) {
      const existing = cy.getElementById(node.id);
      if (existing.nonempty()) {
        // Newer facts about a known node (its degree may now be known).
        if (node.degree != null) existing.data("degree", node.degree);
        continue;
      }
      added.push(cy.add({ group: "nodes", data: nodeData(node) }));
    }
    for (const edge of edges) {
      if (cy.getElementById(edge.id).nonempty()) continue;
      if (cy.getElementById(edge.source).empty() || cy.getElementById(edge.target).empty()) continue;
      cy.add({ group: "edges", data: edgeData(edge) });
    }
  });
  refreshCounts();
  return cy.collection(added);
}

/** "+N" on nodes with edges not shown: their degree less the edges on screen. */
function refreshCounts() {
  cy.batch(() => {
    cy.nodes().forEach((node) => {
      const degree = node.data("degree");
      const unseen = degree == null ? Math.max(0, node.data("more") || 0) : Math.max(0, degree - node.connectedEdges().length);
      if (unseen !== node.data("unseen")) {
        const name = node.data("name");
        const short = name.length > 12 ? `${name.slice(0, 11)}…` : name;
        node.data({ unseen, label: unseen > 0 ? `${short}\n+${unseen}` : short });
      }
    });
  });
  $("graph-count").textContent = `节点 ${cy.nodes().length} · 边 ${cy.edges().length}`;
}

/** Force-directed (cose). Each iteration costs the square of the node count (measured here in headless
 * Chromium: ~17 ms per iteration at 1,000 nodes), so iterations are budgeted to about 3 s, from a good start
 * (the rings of seedPositions), and large graphs are not animated. */
function layout(elements, fit) {
  const count = cy.nodes().length;
  const perIteration = 17 * (count / 1000) ** 2;
  const run = elements.layout({
    name: "cose",
    animate: count <= LARGE ? "end" : false,
    animationDuration: 400,
    randomize: false,
    fit: false,
    padding: 30,
    nodeRepulsion: () => 9000,
    idealEdgeLength: () => 70,
    numIter: Math.round(Math.min(1000, Math.max(30, 3000 / Math.max(perIteration, 0.001)))),
    nodeDimensionsIncludeLabels: count <= LARGE,
  });
  if (fit) run.one("layoutstop", () => cy.fit(undefined, 30));
  run.run();
}

/** Starting positions: a balloon tree from the centre (each node's subtree around it, in a wedge sized by
 * the subtree), which looks much like what cose would settle to on these tree-like neighbourhoods and takes
 * milliseconds. Nodes not reached from the centre go on a ring outside. */
function seedPositions(center) {
  const nodes = cy.nodes();
  const root = center && cy.getElementById(center).nonempty() ? center : nodes.length ? nodes[0].id() : null;
  if (!root) return;
  const children = new Map();
  const seen = new Set([root]);
  let frontier = [root];
  while (frontier.length) {
    const next = [];
    for (const id of frontier) {
      const kids = [];
      cy.getElementById(id).neighborhood("node").forEach((other) => {
        if (!seen.has(other.id())) {
          seen.add(other.id());
          kids.push(other.id());
          next.push(other.id());
        }
      });
      children.set(id, kids);
    }
    frontier = next;
  }
  // Bottom-up: the distance from a node to its children so that their subtrees' circles fit side by side
  // in its wedge (a full circle at the centre, about a half circle elsewhere), and the radius it occupies.
  const distance = new Map();
  const radius = new Map();
  const measure = (id, spread) => {
    const kids = children.get(id) || [];
    let chord = 0;
    let deepest = 0;
    for (const kid of kids) {
      measure(kid, 1.6 * Math.PI);
      chord += 2 * radius.get(kid) + 6;
      deepest = Math.max(deepest, radius.get(kid));
    }
    const d = kids.length ? Math.max(55, chord / spread) : 0;
    distance.set(id, d);
    radius.set(id, kids.length ? d + deepest : 14);
  };
  measure(root, 2 * Math.PI);
  const place = (id, x, y, angle, spread) => {
    cy.getElementById(id).position({ x, y });
    const kids = children.get(id) || [];
    if (!kids.length) return;
    const total = kids.reduce((sum, kid) => sum + radius.get(kid) + 3, 0);
    const d = distance.get(id);
    let from = angle - spread / 2;
    for (const kid of kids) {
      const share = (spread * (radius.get(kid) + 3)) / total;
      const a = from + share / 2;
      place(kid, x + d * Math.cos(a), y + d * Math.sin(a), a, 1.6 * Math.PI);
      from += share;
    }
  };
  // The centre's subtrees are packed around it (largest first, each at the first free spot on a spiral)
  // rather than strung on one ring, which for a person with 80 firms would be a huge, empty circle.
  cy.getElementById(root).position({ x: 0, y: 0 });
  const placed = [{ x: 0, y: 0, r: 30 }];
  const kids = [...(children.get(root) || [])].sort((a, b) => radius.get(b) - radius.get(a));
  let turn = 0;
  for (const kid of kids) {
    const r = radius.get(kid) + 8;
    for (;;) {
      const spiral = 12 * turn;
      const x = spiral * Math.cos(turn);
      const y = spiral * Math.sin(turn);
      if (placed.every((c) => Math.hypot(c.x - x, c.y - y) >= c.r + r)) {
        placed.push({ x, y, r });
        // Its own children circle around it, the gap in their wedge facing the centre.
        place(kid, x, y, Math.atan2(y, x), 1.6 * Math.PI);
        break;
      }
      turn += Math.min(0.5, 10 / Math.max(1, spiral));
    }
  }
  const rest = nodes.filter((node) => !seen.has(node.id()));
  const outer = radius.get(root) + 80;
  rest.forEach((node, index) => {
    const a = (2 * Math.PI * index) / Math.max(1, rest.length);
    node.position({ x: outer * Math.cos(a), y: outer * Math.sin(a) });
  });
}

function replaceGraph(nodes, edges, center) {
  ensureCy(nodes.length > LARGE);
  paging.clear();
  cy.elements().remove();
  merge(nodes, edges);
  if (center) cy.getElementById(center).addClass("center");
  seedPositions(center);
  if (cy.nodes().length > RADIAL_ONLY) {
    // A compact tree at once; the force-directed layout stays one click away (重新布局).
    cy.fit(undefined, 30);
    return true;
  }
  layout(cy.elements(), true);
  return false;
}

function neighbourhoodParams(subject) {
  const roles = [...document.querySelectorAll("#nb-roles input")];
  const chosen = roles.filter((input) => input.checked).map((input) => input.value);
  return {
    ...subjectParams(subject),
    hops: $("nb-hops").value,
    at: $("nb-at").value,
    roles: chosen.length === roles.length ? "" : chosen.join(","),
    max_nodes: $("nb-max").value,
    page_size: $("nb-page").value,
  };
}

export async function loadNeighbourhood(subject) {
  if (!subject || !subject.trim()) return;
  setMode("neighbourhood");
  $("nb-subject").value = subject;
  const params = neighbourhoodParams(subject);
  if (params.roles === "" && [...document.querySelectorAll("#nb-roles input")].every((i) => !i.checked)) {
    return showStatus("请至少选择一种角色类型", "error");
  }
  showStatus("正在加载关联网络…");
  const answer = await guarded(() => { ensureCy(); return getJSON("/v1/graph/neighbourhood", params); });
  if (!answer) return;
  query = params;
  const radial = replaceGraph(answer.nodes, answer.edges, answer.center);
  const hops = Number(answer.hops);
  const pageSize = Number(params.page_size);
  for (const node of answer.nodes) {
    // Interior nodes had their first page of edges followed; the outer ring had none.
    paging.set(node.id, { next: node.hop < hops ? pageSize : 0, expanded: node.hop < hops });
  }
  updateExportLinks();
  const note = radial ? "；节点较多，已按关联树紧凑排列；可点“重新布局”运行力导向布局（需数秒）" : "";
  showStatus(`${answer.message || `已加载 ${answer.nodes.length} 个节点、${answer.edges.length} 条边`}${note}`, answer.truncated ? "error" : "info");
  showNode(cy.getElementById(answer.center));
}

/** Merge the next page of a node's 1-hop neighbourhood into the graph. */
export async function expand(node) {
  if (!query) {
    // A why/path graph: expand with the default neighbourhood settings.
    query = neighbourhoodParams(node.id());
  }
  const state = paging.get(node.id()) || { next: 0, expanded: false };
  const room = CLIENT_MAX_NODES - cy.nodes().length;
  if (room <= 0) return showStatus(`图中已有 ${cy.nodes().length} 个节点，达到上限 ${CLIENT_MAX_NODES}；请缩小范围后重新加载`, "error");
  const { subject_type, code } = splitId(node.id());
  const params = {
    subject: code, subject_type, hops: 1, at: query.at, roles: query.roles,
    page_size: query.page_size, offset: state.next, max_nodes: Math.min(room + 1, 2000),
  };
  const answer = await guarded(() => getJSON("/v1/graph/neighbourhood", params));
  if (!answer) return;
  paging.set(node.id(), { next: state.next + Number(query.page_size), expanded: true });
  const before = cy.nodes().length;
  const centre = node.position();
  const added = merge(answer.nodes, answer.edges);
  added.forEach((child, index) => {
    const angle = (2 * Math.PI * index) / Math.max(1, added.length);
    const radius = 60 + 3 * added.length;
    child.position({ x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) });
  });
  for (const child of answer.nodes) {
    if (!paging.has(child.id)) paging.set(child.id, { next: 0, expanded: false });
  }
  if (added.length && cy.nodes().length <= LARGE) layout(cy.elements(), false);
  showStatus(answer.message || `展开 ${node.data("name")}：新增 ${cy.nodes().length - before} 个节点`, answer.truncated ? "error" : "info");
  showNode(node);
}

function onNodeTap(node) {
  const state = paging.get(node.id());
  showNode(node);
  if ((!state || !state.expanded) && (node.data("unseen") > 0 || node.data("degree") == null)) expand(node);
}

function showNode(node) {
  if (!node || node.empty()) return;
  const data = node.data();
  const unseen = data.unseen || 0;
  const state = paging.get(data.id);
  fill(
    $("side"),
    h("h3", null, data.name),
    h("div", null, badges(data.flags)),
    h(
      "dl",
      null,
      h("dt", null, "类型"), h("dd", null, TYPE_NAMES[data.subject_type] || data.subject_type),
      h("dt", null, "代码"), h("dd", null, data.code),
      data.enterprise_status ? [h("dt", null, "登记状态"), h("dd", null, data.enterprise_status)] : null,
      h("dt", null, "关联数"), h("dd", null, data.degree == null ? "未知" : String(data.degree)),
      h("dt", null, "图中显示"), h("dd", null, `${node.connectedEdges().length} 条${unseen ? `（另有 ${unseen} 条未显示）` : ""}`),
    ),
    h(
      "div",
      { className: "buttons" },
      unseen > 0 || !state || !state.expanded
        ? h("button", { type: "button", id: "btn-expand", onclick: () => expand(node) }, state && state.expanded ? `加载下一页（还有 ${unseen} 条）` : "展开一跳邻居")
        : null,
      h("button", { type: "button", onclick: () => loadNeighbourhood(data.id) }, "以此为中心"),
      h("button", { type: "button", onclick: () => nav.subject(data.id) }, "主体画像"),
      h("button", { type: "button", onclick: () => loadWhy(data.id) }, "为何受限"),
      h("button", { type: "button", onclick: () => { $("path-to").value = data.id; setMode("paths"); } }, "设为路径终点"),
    ),
    h("h3", null, "关联"),
    h(
      "ul",
      { className: "path-list" },
      node.connectedEdges().slice(0, 40).map((edge) => {
        const other = edge.source().id() === data.id ? edge.target() : edge.source();
        return h("li", null, h("button", { type: "button", className: "link", onclick: () => { cy.$(":selected").unselect(); other.select(); showNode(other); } }, other.data("name")), ` · ${edge.data("role_name")}（${period(edge.data("start"), edge.data("end"))}）`);
      }),
    ),
  );
}

function showEdge(edge) {
  const data = edge.data();
  fill(
    $("side"),
    h("h3", null, data.role_name),
    h(
      "dl",
      null,
      h("dt", null, "担任人"), h("dd", null, edge.source().data("name")),
      h("dt", null, "企业"), h("dd", null, edge.target().data("name")),
      h("dt", null, "任职期间"), h("dd", null, period(data.start, data.end)),
      data.ratio != null ? [h("dt", null, "持股比例"), h("dd", null, `${(data.ratio * 100).toFixed(2)}%`)] : null,
      h("dt", null, "当日有效"), h("dd", null, data.in_force ? "是" : "否"),
    ),
  );
}

/** Highlight these ids (nodes and edges); everything else is dimmed. */
function highlight(ids) {
  cy.batch(() => {
    cy.elements().removeClass("hl dim");
    if (!ids.length) return;
    const set = new Set(ids);
    cy.elements().forEach((el) => el.addClass(set.has(el.id()) ? "hl" : "dim"));
  });
}

export async function loadWhy(subject) {
  if (!subject || !subject.trim()) return;
  setMode("why");
  $("why-subject").value = subject;
  showStatus("正在查询受限原因…");
  const answer = await guarded(() => {
    ensureCy();
    return getJSON("/v1/graph/why", { ...subjectParams(subject), at: $("why-at").value, business_item: $("why-item").value });
  });
  if (!answer) return;
  query = null;
  updateExportLinks();
  replaceGraph(answer.nodes, answer.edges, answer.subject);
  highlight([...answer.highlight.nodes, ...answer.highlight.edges]);
  const names = new Map(answer.nodes.map((node) => [node.id, node.name]));
  const subjectName = names.get(answer.subject) || answer.subject;
  fill(
    $("side"),
    h("h3", null, `为何受限：${subjectName}`),
    h("p", { className: "muted" }, `截至 ${answer.at}${$("why-item").value ? `，业务事项：${catalog.business_items[$("why-item").value]}` : ""}`),
    answer.items.length ? null : h("p", null, "该主体在该日没有失信记录或派生失信记录，未受限制。"),
    answer.items.map((item) =>
      h(
        "div",
        { className: `why-item${item.suspended ? " suspended" : ""}` },
        h("div", null, h("span", { className: `badge ${item.via ? "derived" : item.kind === "red" ? "red" : "black"}` }, item.via ? "经关联企业" : KIND_NAMES[item.kind] || item.kind), " ", h("strong", null, item.entry_id), item.suspended ? h("span", { className: "badge suspended" }, "暂停执行") : null),
        h(
          "dl",
          null,
          h("dt", null, "名单类别"), h("dd", null, item.list_type),
          h("dt", null, "认定单位"), h("dd", null, item.department),
          h("dt", null, "认定依据"), h("dd", null, item.basis),
          h("dt", null, "行为日期"), h("dd", null, item.act_date || "—"),
          h("dt", null, "有效期"), h("dd", null, validity(item.valid_from, item.valid_to)),
          item.via
            ? [
                h("dt", null, "经由企业"), h("dd", null, names.get(item.via.enterprise) || item.via.enterprise),
                h("dt", null, "任职"), h("dd", null, `${item.via.role_name || roleName(item.via.role)}（${period(item.via.start, item.via.end)}）`),
                h("dt", null, "派生依据"), h("dd", null, BASIS_NAMES[item.via.holder_basis] || item.via.holder_basis || "—"),
              ]
            : null,
        ),
        item.measures.length
          ? h("ul", null, item.measures.map((m) => h("li", null, `${m.content} — 实施部门：${m.implementing_department}；法律依据：${m.legal_basis}`)))
          : h("p", { className: "muted" }, "该业务事项下无对应措施"),
        h("details", null, h("summary", null, "完整说明"), h("p", null, item.explanation)),
      ),
    ),
  );
  showStatus(answer.items.length ? `找到 ${answer.items.length} 条受限原因，路径已高亮` : "未受限制");
}

export async function loadPaths(from, to) {
  if (!from.trim() || !to.trim()) return;
  setMode("paths");
  $("path-from").value = from;
  $("path-to").value = to;
  const a = subjectParams(from);
  const b = subjectParams(to);
  showStatus("正在查找最短关联路径…");
  const answer = await guarded(() => {
    ensureCy();
    return getJSON("/v1/graph/paths", {
      from: a.subject, from_type: a.subject_type, to: b.subject, to_type: b.subject_type,
      max_hops: $("path-hops").value, at: $("path-at").value,
    });
  });
  if (!answer) return;
  query = null;
  updateExportLinks();
  replaceGraph(answer.nodes, answer.edges, answer.from);
  cy.getElementById(answer.to).addClass("center");
  const all = answer.paths.flatMap((path) => [...path.nodes, ...path.edges]);
  highlight(all);
  const names = new Map(answer.nodes.map((node) => [node.id, node.name]));
  const edges = new Map(answer.edges.map((edge) => [edge.id, edge]));
  fill(
    $("side"),
    h("h3", null, "关联路径"),
    h("p", null, `${names.get(answer.from) || answer.from} ↔ ${names.get(answer.to) || answer.to}`),
    answer.message ? h("p", { className: "muted" }, answer.message) : null,
    answer.paths.length ? h("p", { className: "muted" }, `共 ${answer.paths.length} 条最短路径（${answer.paths[0].length} 跳）；点击一条只高亮该路径`) : null,
    h(
      "ol",
      { className: "path-list" },
      answer.paths.map((path) =>
        h(
          "li",
          null,
          h(
            "button",
            { type: "button", className: "link", onclick: () => highlight([...path.nodes, ...path.edges]) },
            path.nodes.map((id, index) => {
              const edge = edges.get(path.edges[index]);
              return `${names.get(id) || id}${edge ? ` —${edge.role_name || roleName(edge.role)}— ` : ""}`;
            }).join(""),
          ),
        ),
      ),
    ),
    answer.paths.length ? h("button", { type: "button", onclick: () => highlight(all) }, "高亮全部路径") : null,
  );
  showStatus(answer.message || `找到 ${answer.paths.length} 条最短路径，已高亮`, answer.paths.length ? "info" : "error");
}

/** Show a subgraph from an analytics or impact answer, with some ids highlighted. */
export function showSubgraph(nodes, edges, center, highlightIds, side) {
  ensureCy();
  query = null;
  updateExportLinks();
  replaceGraph(nodes, edges, center);
  highlight(highlightIds || []);
  if (side) fill($("side"), side);
}

const EXPORT_NAMES = { "link-graphml": "neighbourhood.graphml", "link-csv-nodes": "neighbourhood-nodes.csv", "link-csv-edges": "neighbourhood-edges.csv" };
let exportsWired = false;

function updateExportLinks() {
  const links = { "link-graphml": ["/v1/graph/neighbourhood.graphml", {}], "link-csv-nodes": ["/v1/graph/neighbourhood.csv", { part: "nodes" }], "link-csv-edges": ["/v1/graph/neighbourhood.csv", { part: "edges" }] };
  if (!exportsWired) {
    // The exports need the token, which a plain link does not send: fetch them and save the answer.
    exportsWired = true;
    for (const id of Object.keys(links)) {
      $(id).addEventListener("click", (event) => {
        event.preventDefault();
        const href = $(id).getAttribute("href");
        if (href) guarded(() => downloadWithToken(href, `credlink-${stamp()}-${EXPORT_NAMES[id]}`));
      });
    }
  }
  for (const [id, [path, extra]] of Object.entries(links)) {
    const link = $(id);
    if (query) {
      link.href = url(path, { ...query, ...extra });
      link.removeAttribute("aria-disabled");
      link.classList.remove("disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
      link.title = "GraphML/CSV 导出当前中心主体的关联网络：请先在“关联网络”中加载";
    }
  }
}

function stamp() {
  return new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "");
}

function exportPng() {
  if (!cy || cy.elements().empty()) return showStatus("图中没有内容可导出", "error");
  const blob = cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff", maxWidth: 8000, maxHeight: 8000 });
  const link = URL.createObjectURL(blob);
  download(`credlink-graph-${stamp()}.png`, link);
  setTimeout(() => URL.revokeObjectURL(link), 10000);
}

/** The view as SVG, written by hand from node positions (vector, editable in office tools). */
export function svgText() {
  const box = cy.elements().boundingBox({ includeLabels: true });
  const pad = 20;
  const width = Math.ceil(box.w + 2 * pad);
  const height = Math.ceil(box.h + 2 * pad);
  const X = (x) => (x - box.x1 + pad).toFixed(1);
  const Y = (y) => (y - box.y1 + pad).toFixed(1);
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  cy.edges().forEach((edge) => {
    const s = edge.source().position();
    const t = edge.target().position();
    const colour = edge.hasClass("hl") ? COLORS.hl : COLORS.edge;
    const dash = edge.data("in_force") ? "" : ` stroke-dasharray="4 3"`;
    const opacity = edge.hasClass("dim") ? ` opacity="0.25"` : "";
    parts.push(`<line x1="${X(s.x)}" y1="${Y(s.y)}" x2="${X(t.x)}" y2="${Y(t.y)}" stroke="${colour}" stroke-width="${edge.hasClass("hl") ? 3 : 1.2}"${dash}${opacity}><title>${xmlEscape(edge.data("role_name"))}</title></line>`);
    parts.push(`<text x="${X((s.x + t.x) / 2)}" y="${Y((s.y + t.y) / 2)}" font-size="7" fill="#66707a" text-anchor="middle"${opacity}>${xmlEscape(edge.data("role_name"))}</text>`);
  });
  cy.nodes().forEach((node) => {
    const p = node.position();
    const d = node.data();
    const fillColour = d.black ? COLORS.black : d.derived ? COLORS.derived : COLORS[d.subject_type] || COLORS.person;
    const stroke = node.hasClass("hl") ? COLORS.hl : d.red ? COLORS.red : d.suspended ? COLORS.suspended : "#ffffff";
    const opacity = node.hasClass("dim") ? ` opacity="0.25"` : "";
    const r = node.hasClass("center") ? 17 : 12;
    const shape = d.subject_type === "enterprise"
      ? `<rect x="${(Number(X(p.x)) - r).toFixed(1)}" y="${(Number(Y(p.y)) - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" rx="4"`
      : `<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="${r}"`;
    parts.push(`<g${opacity}>${shape} fill="${fillColour}" stroke="${stroke}" stroke-width="${stroke === "#ffffff" ? 1 : 3}"/>`);
    const label = d.unseen > 0 ? `${d.name} +${d.unseen}` : d.name;
    parts.push(`<text x="${X(p.x)}" y="${(Number(Y(p.y)) + r + 11).toFixed(1)}" font-size="10" text-anchor="middle" fill="#1d2329">${xmlEscape(label)}</text><title>${xmlEscape(`${d.name} ${d.code}`)}</title></g>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

function exportSvg() {
  if (!cy || cy.elements().empty()) return showStatus("图中没有内容可导出", "error");
  const link = URL.createObjectURL(new Blob([svgText()], { type: "image/svg+xml" }));
  download(`credlink-graph-${stamp()}.svg`, link);
  setTimeout(() => URL.revokeObjectURL(link), 10000);
}

/** Called when the graph tab becomes visible: cytoscape must re-measure its container. */
export function onShown() {
  if (cy) cy.resize();
}

