from tests.faults.conftest import private_redis  # noqa: F401 (a fixture shared with the faults)
from tests.faults.test_cache_failsoft import dead_redis  # noqa: F401 (likewise)
