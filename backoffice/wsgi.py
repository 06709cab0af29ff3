"""WSGI entry point (gunicorn -k gthread): the web process is WSGI, see ARCHITECTURE.md."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings.base")
application = get_wsgi_application()
