"""The portfolio on a past day (issue 18), read from the audit trail: django-simple-history's
historical tables, which keep every version of every portfolio record.

- asof.py: the rows of each portfolio model as they stood at a moment (the end of a day in
  the site's time zone, or a share link's frozen instant), as querysets of historical rows that
  the dashboard's selectors group as they group today's rows;
- dates.py: the `as_of` and `compare` dates of a view, parsed and checked (pure);
- notes.py: the dated notes a view shows (the partnership's, and those about a partner or
  project the view includes), as they stood;
- writing.py: versions written with a date of their own (the demo's past; records that came in
  without any history row, which `complete()` gives one so that they never vanish from the
  past).

A layer of its own under the features (dashboard, portfolio pages, sharing, audit, operations
all read the past) and over the records: docs/as-of.md says how and why.
"""
