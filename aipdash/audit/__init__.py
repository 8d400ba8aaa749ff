"""The audit trail: history rows for bulk writes (history.py) and "since your last visit"
(changes.py)."""
