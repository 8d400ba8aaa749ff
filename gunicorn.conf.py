"""gunicorn settings: `gunicorn aipdash.wsgi` run from the repository root reads this file.

Production defaults, each overridable by the environment (bench/run sets the bind address, the
pid file and the log file of its own server):

| variable                | default          | meaning                                    |
| ----------------------- | ---------------- | ------------------------------------------ |
| `GUNICORN_BIND`         | `127.0.0.1:8000` | address to listen on                       |
| `WEB_CONCURRENCY`       | 2                | worker processes (one per core here)       |
| `GUNICORN_WORKER_CLASS` | `gthread`        | `gthread` or `sync`                        |
| `GUNICORN_THREADS`      | 4                | threads per worker (gthread only)          |
| `GUNICORN_TIMEOUT`      | 30               | seconds before a silent worker is replaced |
| `GUNICORN_PIDFILE`      | none             | where the master writes its pid            |
| `GUNICORN_ERRORLOG`     | `-` (stderr)     | the server's own log                       |
| `GUNICORN_ACCESSLOG`    | none (off)       | a line per request (`-`: stdout)           |
| `LOG_FORMAT`            | `json`           | `json` or `text`, as the app's log lines   |

Why gthread: a worker thread waiting on PostgreSQL or Redis lets another thread of the same
process run, HTTP keep-alive is supported (a sync worker closes every connection), and a slow
client does not hold a whole process. Python work is still bound by the GIL, so two processes
on two cores give the CPU parallelism; the threads only fill I/O waits. bench/run measures both
classes with `--worker-class` (see README, "Benchmarks").
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4")) if worker_class == "gthread" else 1
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
# Off by default: the app logs every request (aipdash.request) and so does the load balancer.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
# gunicorn's lines in the app's shape (LOG_FORMAT), each access line with its request id.
logger_class = "aipdash.core.gunicornlog.GunicornLogger"
wsgi_app = "aipdash.wsgi:application"
