"""Pure figure builders: `ChartData` in, a Plotly figure dict, a card or a workbook out; no ORM
and no request. See `build` for the conventions every figure keeps."""

# TEMPORARY (removed at the merge of issue 14): `from aipdash import charts; charts.build(...)`
# and the old module's names keep working for the files not moved yet.
from aipdash.charts.build import BUILDERS, build, figure_json  # noqa: F401
from aipdash.charts.catalogue import EMPTY_TEXT, PAGE_EMPTY_TEXT, TITLES, UNITS  # noqa: F401
from aipdash.charts.dashboard_figures import *  # noqa: F403
from aipdash.charts.dashboard_figures import MAP_MAX_DIAMETER, MAP_MIN_DIAMETER  # noqa: F401
from aipdash.charts.page_figures import *  # noqa: F403
from aipdash.charts.theme import *  # noqa: F403
