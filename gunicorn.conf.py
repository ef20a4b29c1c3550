"""gunicorn's settings for Kiezmarkt's web process. gunicorn reads this file from its working
directory: /app in the image (docker-compose's `web`), the repository root elsewhere, and
benchmarks/booking.py measures with it.

Threads, because a request spends much of its time waiting for PostgreSQL; several processes,
because Python runs one thread at a time per process. Of the mixes tried on the 2-core
development machine, 3 processes x 4 threads served the most bookings per second (2 x 8 about
a fifth fewer, 4 x 4 the same). With more cores, raise WEB_CONCURRENCY (about 1.5 x cores).
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# Seconds an idle keep-alive connection stays open, for a proxy in front (or the benchmark).
keepalive = 30
# The access log (docker-compose turns it on) loses the secrets in link paths.
logger_class = "marketplace.gunicorn_logging.RedactingLogger"
