"""A static files finder that serves plotly.js from the installed `plotly` package.

plotly.min.js (4.8 MB) is not copied into git: the Python package `plotly` bundles it, at the very
version its figures are built for. This finder exposes exactly one file of that package,
`vendor/plotly/plotly.min.js`, to `{% static %}`, `findstatic`, `collectstatic`, the development
server and WhiteNoise, and nothing else of the package's data folder (its `widgetbundle.js` and
`datasets/` stay out of STATIC_ROOT).
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder, searched_locations
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILENAME = "plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyJsFinder(BaseFinder):
    """Finds `vendor/plotly/plotly.min.js` in the installed `plotly` package."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=PACKAGE_DATA)
        # collectstatic and WhiteNoise put a storage's files under its `prefix`.
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        if not (PACKAGE_DATA / FILENAME).is_file():
            return [
                Error(
                    f"{FILENAME} is missing from the installed plotly package ({PACKAGE_DATA}).",
                    hint="Reinstall the `plotly` package (uv sync).",
                    id="aipdash.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        if str(PACKAGE_DATA) not in searched_locations:
            searched_locations.append(str(PACKAGE_DATA))
        if path == f"{PREFIX}/{FILENAME}" and (PACKAGE_DATA / FILENAME).is_file():
            match = str(PACKAGE_DATA / FILENAME)
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns):
        if (PACKAGE_DATA / FILENAME).is_file() and not utils.matches_patterns(
            FILENAME, ignore_patterns or []
        ):
            yield FILENAME, self.storage
