"""Digests and alerts by email (issue 19): a user subscribes a saved view of the dashboard to a
daily or weekly digest and to alerts.

models.py (Subscription, SentMail, AlertCursor), access.py (the view checked at save and at
send), changes.py (what changed in a view over a window, from the audit trail), digest.py (a
digest's content), alerts.py (the alerts of a window), mails.py (the text and HTML message),
sending.py (recorded before sent: safe to retry), schedule.py (what is due; the worker's
minute chore), tasks.py and signals.py (the alerts' task enqueued on commit), tokens.py (the
unsubscribe link), views.py (/subscriptions/, /unsubscribe/<token>/).
"""
