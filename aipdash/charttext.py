# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.charts.text import *  # noqa: F403
