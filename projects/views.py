# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.portfolio.views import coordinates, project_detail  # noqa: F401

detail = project_detail
