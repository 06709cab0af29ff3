"""The Django project: settings, URLs, Celery app, admin site, dashboards, runtime config."""

from backoffice.celery import app as celery_app

__all__ = ("celery_app",)
