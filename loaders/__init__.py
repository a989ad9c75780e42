"""Import files in (CSV, XLSX) → validated frames (pandas) → the store.

The contract (columns, Chinese header aliases) is :mod:`loaders.contract`, documented for users in
``docs/import-formats.md``; :func:`load_paths` is the import itself.
"""

from __future__ import annotations

from loaders.load import FileReport, LoadReport, OnError, load_paths
from loaders.validate import Problem

__all__ = ["FileReport", "LoadReport", "OnError", "Problem", "load_paths"]
