# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.portfolio.views import partner_detail

detail = partner_detail
