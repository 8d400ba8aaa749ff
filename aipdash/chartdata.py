# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.charts.data import *  # noqa: F403
