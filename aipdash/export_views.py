# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.dashboard.exports import dashboard_xlsx  # noqa: F401
from aipdash.views import shared_xlsx  # noqa: F401
