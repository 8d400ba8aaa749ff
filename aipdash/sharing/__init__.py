"""Shared links: read-only views of the dashboard for people without a login. A Django app
(label "sharing"): models.py, services.py (create, resolve, scope, rotate, revoke, prune),
forms.py, views.py and urls.py (the /shares/ and /s/<token>/ pages), admin.py and the
prune_share_links command."""
