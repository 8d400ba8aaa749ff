"""Work that outlives a request: jobs that users start, run by a worker, with a page each.

A job is a row of `Job` (models.py): who started it, what kind (kinds.py), its state (queued,
running, done, failed), its progress (done of total, a line in words), its result (a small JSON
value and files in `JobFile`), and the lease of the worker running it. `services.start_job`
writes the row and puts a task on Django's task queue (`django.tasks`, the database backend of
django-tasks-db: the queue is a table, no new service); `manage.py run_worker` (worker.py) takes
each task exactly once and runs it (runner.py), beating the job's lease every second. A worker
killed mid-job stops beating; any worker's reaper then retries the job or fails it with a
message (services.reap_lost_jobs). Finished jobs are pruned after JOB_RESULT_DAYS by the
workers themselves (and `manage.py prune_jobs`).

On SQLite (a first run) the job tables live in a file of their own (router.py): SQLite has one
writer per file, and an import's long transaction would otherwise stop every progress write.

Pages (views.py): a job's page with its progress bar (htmx polls a signed address costing one
query), the result to download (its owner only), and "My jobs".
"""
