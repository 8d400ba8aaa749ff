"""The portfolio pages' records under a reading: today's (`asof.Live()`) or as they stood at
the end of a day (`asof.AsOf`), as model instances the templates read alike.

As of a day, a record is an unsaved instance built from its version (simple-history's
`.instance`), and its relations must be the related records' versions of the same day, never
the live rows an ORM relation would read (a partner renamed since, or deleted). So the pages
read rows by keys, one query per model, and put the related records in each instance's
relation cache (`attach`): a template's `commitment.partner.name` then reads no table at all,
today or as of a day. docs/as-of.md, "The partner and project pages".
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Model, Q

from aipdash.history.asof import AsOf, Live

type Reading = Live | AsOf


def instances[M: Model](reading: Reading, model: type[M], *conditions: Q, **lookup: Any) -> list[M]:
    """The records of `model` matching the conditions under `reading`, unordered (the historical
    rows' fields carry the model's names: `partner_id`, `slug`, ...; `id`, not `pk`)."""
    rows = reading.rows(model).filter(*conditions, **lookup)
    if reading.is_live:
        return list(rows)
    return [row.instance for row in rows]


def find[M: Model](reading: Reading, model: type[M], slug: str) -> M | None:
    """The record of `model` whose page is `slug`, under `reading`; None when there was none.
    As of a day, a record whose slug changed later is found by today's slug too (the page of
    today's record, on an earlier day)."""
    found = instances(reading, model, slug=slug)
    if found or reading.is_live:
        return found[0] if found else None
    today = model._default_manager.filter(slug=slug).values_list("id", flat=True).first()
    if today is None:
        return None
    found = instances(reading, model, id=today)
    return found[0] if found else None


def by_id[M: Model](reading: Reading, model: type[M], ids: Iterable[Any]) -> dict[int, M]:
    """The records `ids` of `model` under `reading`, by id (no query when there are none)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return {record.pk: record for record in instances(reading, model, id__in=wanted)}


def attach(records: Sequence[Model], relation: str, related: Mapping[int, Model]) -> None:
    """Each record's `relation` (a foreign key's name; records of one model) set from `related`
    by its key, in the relation cache: no query when a template reads it. A key not in
    `related` reads as None (the related record did not stand then), never as today's row."""
    if not records:
        return
    field = records[0]._meta.get_field(relation)
    for record in records:
        field.set_cached_value(record, related.get(getattr(record, field.attname)))  # type: ignore[union-attr]
