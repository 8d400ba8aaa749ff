"""TEMPORARY (issue 14): moved to aipdash.core.staticfinders; this old path is an alias of it
until the merge rewrites the imports (MOVES.md)."""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("aipdash.core.staticfinders")
