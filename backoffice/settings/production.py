"""Production settings: secrets required from the environment; passes ``manage.py check --deploy``."""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from backoffice.settings.base import *  # noqa: F403
from backoffice.settings.base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY (>= 50 characters) is required in production")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required in production")
try:  # fail at start, not on the first secret read
    [Fernet(key.encode()) for key in FIELD_ENCRYPTION_KEYS]
except ValueError:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS: each key must be a Fernet key") from None
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Static files (admin CSS/JS, collected into var/static at image build) are served by the web
# process itself through WhiteNoise (in base MIDDLEWARE): no separate file server is needed.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
