# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.portfolio.timeline import *  # noqa: F403
