"""Gunicorn configuration for the web process (``gunicorn -c python:backoffice.gunicorn_conf
backoffice.wsgi``): gthread workers, and a logger class that puts the secret redaction filter on
gunicorn's own error and access log handlers (they are not configured through Django's LOGGING)."""

import os

from gunicorn.glogging import Logger

from kernel.logging import RedactSecretsFilter

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn >= 25 opens a control socket under $HOME by default: unused here, unwritable for the
# container's user, and shared by every gunicorn of one user on a machine.
control_socket_disable = True


class RedactingLogger(Logger):
    """Gunicorn's logger with the redaction filter on every handler it sets up."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactSecretsFilter())


logger_class = RedactingLogger


def child_exit(server, worker) -> None:
    """prometheus-client multiprocess mode: forget the dead worker's live-gauge files (its
    counters stay summed). Only when PROMETHEUS_MULTIPROC_DIR is set (docs/operations.md)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        from kernel.metrics import process_id

        multiprocess.mark_process_dead(process_id(worker.pid))
