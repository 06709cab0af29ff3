"""The Celery app. Redis broker, late acknowledgement (see docs/decisions.md), beat schedules in the
database (django-celery-beat) so operators edit them in the admin; the defaults are declared once in
``backoffice.schedules`` and installed by ``manage.py sync_schedules``."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from kernel.logging import install_everywhere

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings.base")

app = Celery("backoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The worker and beat replace the root handlers with their own: put the redaction filter on them.
after_setup_logger.connect(install_everywhere, weak=False)
after_setup_task_logger.connect(install_everywhere, weak=False)
