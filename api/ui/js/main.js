// The workbench's entry point: tabs, the address (#tab=…&id=…) and the links between views.
import { loadCatalog, guarded, showStatus, clearStatus, today } from "./api.js";
import { $ } from "./dom.js";
import { initSearch } from "./search.js";
import { initSubject, showSubject } from "./subject.js";
import { initGraph, loadNeighbourhood, loadWhy, setSubject, onShown, setMode } from "./graph.js";
import { initAnalytics, loadGroup, loadImpact } from "./analytics.js";
import { ensureLogin, showUser } from "./login.js";

const TABS = ["subject", "graph", "analytics", "impact"];

function showTab(name) {
  for (const tab of TABS) {
    $(`tab-${tab}`).classList.toggle("active", tab === name);
    document.querySelector(`#tabs button[data-tab="${tab}"]`).classList.toggle("active", tab === name);
  }
  if (name === "graph") onShown();
}

function setAddress(tab, id) {
  // Readable addresses: the ":" of a node id stays as it is.
  const hash = `#tab=${tab}${id ? `&id=${encodeURIComponent(id).replace(/%3A/gi, ":")}` : ""}`;
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

let currentId = null;

const nav = {
  tab(name) {
    showTab(name);
    setAddress(name, currentId);
  },
  async subject(id) {
    const full = await showSubject(id);
    if (full) {
      currentId = full;
      setSubject(full);
    }
    showTab("subject");
    setAddress("subject", currentId);
  },
  async graph(id) {
    nav.tab("graph");
    await loadNeighbourhood(id);
  },
  async why(id) {
    nav.tab("graph");
    await loadWhy(id);
  },
  async group(id) {
    nav.tab("analytics");
    await loadGroup(id);
  },
  async impact(entryId) {
    nav.tab("impact");
    await loadImpact(entryId);
  },
};

async function fromAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const tab = TABS.includes(params.get("tab")) ? params.get("tab") : "subject";
  const id = params.get("id");
  if (id) {
    const full = await showSubject(id);
    if (full) {
      currentId = full;
      setSubject(full);
    }
  }
  showTab(tab);
  if (tab === "graph" && currentId) await loadNeighbourhood(currentId);
}

async function start() {
  await ensureLogin();
  showUser();
  await guarded(loadCatalog);
  $("check-at").value = today();
  initSearch((id) => nav.subject(id));
  initSubject(nav);
  initGraph(nav);
  initAnalytics(nav);
  for (const button of document.querySelectorAll("#tabs button[data-tab]")) {
    button.addEventListener("click", () => {
      nav.tab(button.dataset.tab);
      if (button.dataset.tab === "graph" && currentId && !window.credlinkGraph) loadNeighbourhood(currentId);
    });
  }
  $("status").addEventListener("click", clearStatus);
  setMode("neighbourhood");
  await fromAddress();
  document.body.dataset.ready = "1"; // the end-to-end tests wait for this
  if (typeof window.cytoscape !== "function") showStatus("图形库 cytoscape 未安装：关系图不可用。请运行 bash scripts/ui-assets.sh 后刷新本页。", "error");
}

start();
