"""TEMPORARY (issue 14): moved to aipdash.operations.demo; each old module here is an alias of
its new one until the merge rewrites the imports (MOVES.md)."""
