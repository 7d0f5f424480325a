"""Gunicorn settings for `make serve`; every value can be overridden by the environment.

BIND (or PORT, on the loopback interface) says where to listen: a reverse proxy on the
same machine reaches 127.0.0.1; set BIND=0.0.0.0:8000 when it runs elsewhere.
WEB_CONCURRENCY sets the number of worker processes.
"""

import multiprocessing
import os

wsgi_app = "app:app"

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# The usual 2 x cores + 1, capped: every worker holds its own pool of database
# connections (up to 10 on PostgreSQL), and a big machine must not exhaust the server's
# max_connections with one node.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so a slow leak cannot grow forever; the jitter keeps
# them from restarting all at once.
max_requests = 2000
max_requests_jitter = 200

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

# Trust X-Forwarded-* only from the local proxy; the app's own TRUSTED_PROXIES decides
# how many hops of X-Forwarded-For to believe.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
