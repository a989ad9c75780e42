"""The investigators' workbench: a single page of plain HTML/CSS/JS under ``/ui/``, backed by the JSON API.

The files live in ``api/ui/`` and ship with the package. The graph library (cytoscape, from the npm
registry) is copied into ``api/ui/vendor/`` by ``scripts/ui-assets.sh``; when it is missing the page is
still served, with a Chinese notice saying how to install it. Nothing here reaches the network: the
page loads only files of this directory (government intranets are air-gapped).

The files are public (they hold no data); the page logs in (``api/ui/js/login.js``) and sends its token
with every request to the API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from api.auth import public
from api.schemas import ROLE_NAMES
from graph.business_items import BUSINESS_ITEMS

router = APIRouter(include_in_schema=False, dependencies=[public()])

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
VENDOR_FILE = UI_DIR / "vendor" / "cytoscape.min.js"

#: Where the page says the graph library is missing (replaced in the HTML pages at this marker).
VENDOR_MARKER = "<!--vendor-notice-->"
VENDOR_NOTICE = (
    '<div class="vendor-notice" id="vendor-notice" role="alert">'
    "图形库 cytoscape 尚未安装，关系图无法显示。请在项目目录运行 <code>bash scripts/ui-assets.sh</code>"
    "（需要 Node.js 与 npm，从 npm 仓库安装并复制到 api/ui/vendor/），然后刷新本页。"
    "搜索、主体画像与分析功能不受影响。</div>"
)

_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
}

#: The page's own headers: no third-party content may load, nothing is framed elsewhere.
_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'self'"
    ),
}


def _page(name: str) -> HTMLResponse:
    html = (UI_DIR / name).read_text(encoding="utf-8")
    notice = "" if VENDOR_FILE.is_file() else VENDOR_NOTICE
    return HTMLResponse(html.replace(VENDOR_MARKER, notice), headers=_HEADERS)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui")
def ui_without_slash() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/")
def index() -> HTMLResponse:
    return _page("index.html")


@router.get("/ui/catalog.json")
def catalog() -> JSONResponse:
    """Codes and Chinese names the page's selectors show: roles, business items, list-status flags."""
    return JSONResponse(
        {
            "roles": {role.value: name for role, name in ROLE_NAMES.items()},
            "business_items": BUSINESS_ITEMS,
            "flags": {"black": "失信", "red": "守信", "derived": "关联失信", "suspended": "暂停"},
            "vendor_installed": VENDOR_FILE.is_file(),
        },
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/ui/{path:path}")
def asset(path: str) -> Response:
    """A file of ``api/ui/`` (never one outside it); HTML pages get the vendor notice when needed."""
    target = (UI_DIR / path).resolve()
    if not target.is_relative_to(UI_DIR) or not target.is_file():
        return JSONResponse({"detail": "页面或文件不存在", "code": "not_found"}, status_code=404)
    if target.suffix == ".html":
        return _page(str(target.relative_to(UI_DIR)))
    media_type = _MEDIA_TYPES.get(target.suffix, "application/octet-stream")
    return FileResponse(target, media_type=media_type, headers=_HEADERS)
