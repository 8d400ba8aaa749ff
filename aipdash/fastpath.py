# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.dashboard.fastpath import *  # noqa: F403
