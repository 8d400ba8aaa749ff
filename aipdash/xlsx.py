# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.charts.xlsx import *  # noqa: F403
