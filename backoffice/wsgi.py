"""WSGI entry point (gunicorn -k gthread): the web process is WSGI, see docs/products.md §A.

The event-order pull — every client, every second — is answered in front of Django
(``orders.hotpath.HotPaths``); every other request goes through Django as usual.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings.base")
django_application = get_wsgi_application()

from orders.hotpath import HotPaths  # noqa: E402  (needs the configured Django app)

application = HotPaths(django_application)
