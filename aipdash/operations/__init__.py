"""Portfolio operations: backup (export and import of the whole portfolio, backup.py), the
admin's bulk import (imports/: reading, preview, confirmation, admin pages), demo data and
the synthetic generator (demo/), and their commands."""
