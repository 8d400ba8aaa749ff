# TEMPORARY: removed at the merge of issue 14 (see MOVES.md).
from aipdash.dashboard.selectors import *  # noqa: F403
from aipdash.dashboard.selectors.capacity import *  # noqa: F403
from aipdash.dashboard.selectors.commitments import *  # noqa: F403
from aipdash.dashboard.selectors.common import *  # noqa: F403
from aipdash.dashboard.selectors.headline import *  # noqa: F403
from aipdash.dashboard.selectors.markets import *  # noqa: F403
