"""The Redis cache that fails soft (failsoft.py on client.py), the data version that every
portfolio write replaces (versions.py), the payloads cached under it (payloads.py), and the
auth version that database triggers replace (authversion.py)."""
