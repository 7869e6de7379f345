"""Files in and out: every import and export of records, people and answers.

Read in this order:

- `widgets.py`: how one cell is read (import) and written (export), in either language or
  by code; `neutralise` for text a spreadsheet would run as a formula.
- `resources.py`: `Column`, `Lines` and the resources each app's `resources.py` builds on;
  the order django-import-export calls their hooks is in `FileResource`'s docstring.
- `uploads.py`: an upload refused by its size while it streams in, and the expiry of
  pending uploads (`PendingUpload` in models.py: a preview's or a background check's file,
  waiting for its owner to confirm).
- `imports.py`: a file read safely into a table, then every row validated and written all
  or nothing (`import_rows`), with a report and the failing rows as a CSV.
- `inserts.py`: a file's new rows, their lines, history and review steps written at once
  (PostgreSQL's COPY).
- `exports.py`: record lists as CSV (PostgreSQL's COPY where it can) and XLSX, with HXL.
- `jobs.py`: the same, for big files, in the task worker.
- `views.py`: the import, template, export and job pages (reached from records.py's
  RecordPages and the apps' views).
"""
