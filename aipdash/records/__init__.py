"""The records kernel under every portfolio model: provenance (where a figure comes from),
optimistic locking, staleness, the one registry of portfolio models (registry.py) that cache
invalidation, "what changed", backup and the groups' grants read, and the admin mixins.

Imports the ground floor (aipdash.core) only; partners and projects build on it."""
