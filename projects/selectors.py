# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.portfolio.selectors.projects import *  # noqa: F403
