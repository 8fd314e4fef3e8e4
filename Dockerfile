# syntax=docker/dockerfile:1
#
# Early Permanence Quality Mark portal: one image for the web process (gunicorn),
# the Celery worker and Celery beat. docker-compose.yml runs the whole stack.
#
#   docker build -t qualitymark .
#   docker run --rm -e DJANGO_SECRET_KEY=... -e DJANGO_ALLOWED_HOSTS=... -p 8000:8000 qualitymark
#
# The image holds no secret: DJANGO_SECRET_KEY and the service URLs come from the
# environment at run time, and production mode refuses to start without the key.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- Front-end assets: GOV.UK Frontend and the project's Sass, built with Node ------
FROM ${NODE_IMAGE} AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/ static/
RUN npm run build


# --- Runtime ------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=qualitymark.settings \
    DJANGO_ENV=production \
    PORT=8000

# WeasyPrint (certificate PDFs) needs Pango and HarfBuzz from the system, and fonts
# to lay the certificate out with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation2 \
        fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
    && python -m venv "$VIRTUAL_ENV"

WORKDIR /app

# Python dependencies first, from pyproject.toml alone, so this layer is rebuilt
# only when the dependencies change. `pip install .` is a regular (non-editable)
# install of the project as pyproject.toml declares it.
#
# The code itself runs from /app (on PYTHONPATH, ahead of site-packages): the
# settings find templates/, static/ and the descriptor data relative to the
# package (BASE_DIR), and those files are not Python modules a wheel carries.
COPY pyproject.toml ./
RUN pip install .

COPY . .
COPY --from=assets /src/static/build/ static/build/

# Static files are collected at build time with the production storage (hashed,
# compressed names served by WhiteNoise). The key below only lets the settings
# load for this one command; it is not in the final environment.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only-not-a-secret \
        DJANGO_ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput --verbosity 1 \
    && python -m compileall -q /app \
    && mkdir -p /app/var \
    && chown app:app /app/var

USER app

EXPOSE 8000

# /healthz answers 200 while the database is reachable (docker/healthcheck.py sends
# an allowed Host and the proxy's https header, so host checks and the HTTPS
# redirect of production mode do not get in the way).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

CMD ["gunicorn", "--config", "/app/docker/gunicorn.conf.py", "qualitymark.wsgi:application"]
