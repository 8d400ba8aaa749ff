"""The public fields of each kind of portfolio record, in order: the columns of an import or
export file (projects/resources.py) and the fields of the API's records (api/serializers.py).
One list for both, so that a field added to a record reaches the file and the API together.

Each list leaves out what the two deliberately treat apart: a file's row names its parent (a
phase's or a participation's project) where the API nests the record in its parent; the API
names a commitment by its database id (its address, /api/commitments/<id>/) where a file
matches rows by their natural key only.
"""

from aipdash.records.provenance import PROVENANCE_FIELDS

PROJECT = (
    "slug",
    "name",
    "kind",
    "stage",
    "investment",
    "country",
    "region",
    "latitude",
    "longitude",
    "energy_source",
    "capacity_mw",
    "announced_on",
    "expected_online",
    "capital_cost_usd",
    "description",
    *PROVENANCE_FIELDS,
)
PHASE = ("sequence", "name", "stage", "capacity_mw", "expected_online", *PROVENANCE_FIELDS)
PARTICIPATION = ("partner", "role", "stake_percent", *PROVENANCE_FIELDS)
COMMITMENT = (
    "reference",
    "partner",
    "project",
    "instrument",
    "status",
    "amount_usd",
    "committed_on",
    "note",
    *PROVENANCE_FIELDS,
)
NOTE = ("date", "text", "partner", "project", *PROVENANCE_FIELDS)
