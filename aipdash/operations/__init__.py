"""Portfolio operations: backup (export and import of the whole portfolio, backup.py), the
admin's bulk import (imports.py, reading files within bounds in importfiles.py), demo data and
the synthetic generator (demo/), and their commands."""
