"""Bulk import in the admin: upload a CSV or XLSX file, see what each row would do, confirm.

Built on django-import-export's ImportMixin, with the portfolio's rules:

- the preview lists every row of the file, row by row: created, updated, unchanged or refused,
  with the reasons of each refusal (field: message) and the old → new value of each change;
- all or nothing: one refused row and the confirm button is not offered, and the confirming
  request imports again in one transaction that rolls back on any refused row (the file may
  have become invalid since its preview: a partner deleted meanwhile, say);
- a confirmation writes only over what its preview showed: the preview notes each row's
  saved record and its version (or that there was none), signed into the confirm form; a row
  whose record was changed, created or deleted since refuses the whole confirmation, which
  names the records, who and when, and previews the file again;
- files up to settings.IMPORT_MAX_UPLOAD_BYTES, read within the row and size bounds; the
  format is read from the file's extension when the editor does not choose it; a confirm form
  whose hidden fields were tampered with is refused (400);
- a template file per kind (CSV and XLSX: the header row and one example row);
- no inline script or style (the CSP is strict): our own template, no HTML diff from the
  library, no format-guessing script.

One module a job: reading.py (a file into rows, within bounds), forms.py (the upload form and
the signed confirm form), preview.py (the preview table), conflicts.py (what changed since the
preview: who, when, before → after), downloads.py (template files, rows exported for
re-import) and admin.py (PortfolioImportMixin, which joins them in the admin's import pages).
The resources (projects/resources.py) do the checking, the history rows and the change reason.
"""
