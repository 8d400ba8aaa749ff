"""TEMPORARY (issue 14): split into aipdash/core/cache/versions.py (the data version) and
aipdash/core/cache/payloads.py (cached payloads); re-exported here until the merge (MOVES.md)."""

from aipdash.core.cache.payloads import (  # noqa: F401
    LOCAL_ENTRIES,
    PAYLOAD_TTL,
    _cached,
    _local,
    _local_lock,
    cache_key,
    cached,
)
from aipdash.core.cache.versions import *  # noqa: F403
from aipdash.core.cache.versions import (  # noqa: F401
    DATA,
    RETRY_BUMP_AFTER,
    VERSION_KEY,
    Version,
    _bump,
    _failed,
    _request,
    _request_finished,
    _request_started,
    _State,
)
