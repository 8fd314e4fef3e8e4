"""Gunicorn settings for the web container (`gunicorn --config docker/gunicorn.conf.py`).

Each value can be changed from the environment without rebuilding the image.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = f"0.0.0.0:{_int('PORT', 8000)}"  # noqa: S104 - inside a container

# Threaded workers: requests that wait on the database or S3 do not hold a whole
# process. WEB_CONCURRENCY is the usual knob; the default suits a small container.
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 4)

# A request that takes longer than this is killed and logged; uploads and PDFs
# are handled by Celery, so web requests should be quick.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5

# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Heartbeat files on tmpfs: a container's overlay file system can stall them.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - only gunicorn's own worker heartbeat files
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
