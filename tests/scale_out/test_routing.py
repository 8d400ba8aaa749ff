"""Where reads go (aipdash/core/replicas.py), without a replica server: the parts that decide.
The real servers are in test_replica.py."""

import pytest
from django.db import connection

from aipdash.core import replicas
from aipdash.core.cache import versions
from aipdash.core.replicas import ReplicaRouter
from partners.models import Partner


def test_wal_positions_order_as_postgresql_does():
    assert replicas.parse_lsn("0/16B3748") < replicas.parse_lsn("0/16B3749")
    assert replicas.parse_lsn("0/FFFFFFFF") < replicas.parse_lsn("1/0")
    assert replicas.parse_lsn("16/B374D848") == (0x16 << 32) + 0xB374D848


@pytest.mark.django_db
def test_without_replicas_a_version_carries_no_position_and_no_replica_is_chosen():
    token = versions.new_token()
    assert "@" not in token
    assert versions.wal_position(token) is None
    assert versions.wal_position(f"{token}@1f") == 0x1F
    assert replicas.choose(0x1F) is None


@pytest.fixture
def one_replica(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica1"])


def test_the_router_sends_only_a_replica_computation_to_the_replica(one_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Partner) == "default"
    assert replicas.compute(None, lambda: router.db_for_read(Partner)) == "default"
    with replicas._reading_from("replica1"):
        assert router.db_for_read(Partner) == "replica1"
        assert router.db_for_write(Partner) == "default"  # writes: the primary, always
        # Nested computations keep the outer choice.
        assert replicas.compute(None, lambda: router.db_for_read(Partner)) == "replica1"
    assert router.db_for_read(Partner) == "default"
    assert router.allow_migrate("replica1", "partners") is False
    assert router.allow_migrate("default", "partners") is None


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(one_replica):
    # The test's own transaction: read-your-writes within it, whatever the version says.
    assert connection.in_atomic_block
    assert replicas.choose(0) is None


@pytest.mark.django_db
def test_healthz_lists_replicas_only_when_there_are_some(client):
    assert "replicas" not in client.get("/healthz").json()
