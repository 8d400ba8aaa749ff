# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.charts.alttext import *  # noqa: F403
