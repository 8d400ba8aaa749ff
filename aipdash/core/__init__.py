"""The ground floor: what every part of the site stands on and which imports no app of ours.

A Django app with the label "aipdash", so that the migrations 0001-0006, their content types
and permissions keep their app label: middleware, error pages, the request log, throttling,
the fail-soft Redis cache with the data and auth versions, formatting, CSV safety, roles.
"""
