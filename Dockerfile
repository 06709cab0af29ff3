# Fleet server image: one image for web, worker, beat, streams and sim (docker-compose.yml gives
# each its command). Build: `docker compose build` (or `docker build -t fleet .`).

# ---- build: compile wheels (mysqlclient needs a compiler and the MariaDB client headers) -------
FROM python:3.12-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential pkg-config libmariadb-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml ./
COPY kernel ./kernel
COPY backoffice ./backoffice
COPY accounts ./accounts
COPY orders ./orders
COPY notifications ./notifications
COPY trading ./trading
COPY exchange_sim ./exchange_sim
COPY client_desktop ./client_desktop
COPY devtools ./devtools
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# ---- runtime ------------------------------------------------------------------------------------
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=backoffice.settings.production
# libmariadb3: mysqlclient's runtime library; nothing else from the OS is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmariadb3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin fleet
COPY --from=build /wheels /wheels
# `pip install .` from the wheels built above: the project and every dependency of pyproject.toml.
RUN pip install --no-cache-dir --no-index --find-links /wheels /wheels/*.whl && rm -rf /wheels

# The source tree is what runs (PYTHONPATH=/app wins over the installed copy): settings find
# locale/ and var/ relative to it. var/ is the only writable directory (static files live there).
WORKDIR /app
COPY manage.py ./
COPY locale ./locale
COPY kernel ./kernel
COPY backoffice ./backoffice
COPY accounts ./accounts
COPY orders ./orders
COPY notifications ./notifications
COPY trading ./trading
COPY exchange_sim ./exchange_sim
COPY client_desktop ./client_desktop
COPY devtools ./devtools

# collectstatic with build-only values (never used at run time, not kept in the image):
# production settings refuse to load without them.
RUN SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1rZXktYnVpbGQtb25seSE= \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var /app/var/metrics \
    && chown -R fleet:fleet /app/var

USER fleet
EXPOSE 8000
CMD ["gunicorn", "-c", "python:backoffice.gunicorn_conf", "backoffice.wsgi"]
