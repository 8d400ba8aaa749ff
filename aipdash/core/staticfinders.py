"""A static files finder that serves plotly.js from the installed `plotly` package.

plotly.min.js (4.8 MB) is not copied into git: the Python package `plotly` bundles it, at the very
version its figures are built for. This finder exposes exactly one file of that package,
`vendor/plotly/plotly.min.js`, to `{% static %}`, `findstatic`, `collectstatic`, the development
server and WhiteNoise, and nothing else of the package's data folder (its `widgetbundle.js` and
`datasets/` stay out of STATIC_ROOT).
"""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, overload

import plotly
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder, searched_locations
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILENAME = "plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PrefixedStorage(FileSystemStorage):
    """A storage whose files collectstatic and WhiteNoise put under its `prefix` (they read the
    attribute where a storage has one, as on FileSystemFinder's)."""

    prefix: str


class PlotlyJsFinder(BaseFinder):
    """Finds `vendor/plotly/plotly.min.js` in the installed `plotly` package."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = PrefixedStorage(location=PACKAGE_DATA)
        self.storage.prefix = PREFIX

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        if not (PACKAGE_DATA / FILENAME).is_file():
            return [
                Error(
                    f"{FILENAME} is missing from the installed plotly package ({PACKAGE_DATA}).",
                    hint="Reinstall the `plotly` package (uv sync).",
                    id="aipdash.E001",
                )
            ]
        return []

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str] | None:
        if str(PACKAGE_DATA) not in searched_locations:
            searched_locations.append(str(PACKAGE_DATA))
        if path == f"{PREFIX}/{FILENAME}" and (PACKAGE_DATA / FILENAME).is_file():
            match = str(PACKAGE_DATA / FILENAME)
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, PrefixedStorage]]:
        if (PACKAGE_DATA / FILENAME).is_file() and not utils.matches_patterns(
            FILENAME, ignore_patterns or []
        ):
            yield FILENAME, self.storage
