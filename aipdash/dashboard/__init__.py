"""The dashboard: its filter vocabulary (filters), selectors, cached chart blocks (blocks),
warm fast path (fastpath), views, exports and urls."""

import importlib


# TEMPORARY (removed at the merge of issue 14): `from aipdash import dashboard` then
# `dashboard.chart(...)` reads `aipdash.dashboard.blocks` (the CSV helpers: `exports`). Looked up
# on first use, so that importing `aipdash.dashboard.filters` loads no selector.
def __getattr__(name):
    for module in ("blocks", "exports"):
        found = importlib.import_module(f"aipdash.dashboard.{module}")
        if hasattr(found, name):
            return getattr(found, name)
    raise AttributeError(name)
