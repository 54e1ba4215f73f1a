# syntax=docker/dockerfile:1
# The PanelApp image. Web (gunicorn), worker and beat (Celery), and the migrate and collectstatic
# Jobs all run it; the operator chooses the command. Build it from the repository root:
#
#   docker build -f Dockerfile.app -t registry.example.org/panelapp/panelapp:0.1.0 .
#
# tests/packaging/test_image_install.py runs this file's install steps into a fresh environment
# and starts the commands it produces, so keep every path in the RUN lines behind the ENV names
# below (APP_HOME, UV_PROJECT_ENVIRONMENT).
#
# Deliberate scanner exception for the whole file (checkov reads these comments):
# checkov:skip=CKV_DOCKER_2:Kubernetes ignores HEALTHCHECK; the operator gives web pods HTTP probes on /version/, and worker and beat serve no HTTP at all.

# ---- builder: resolve nothing, install exactly uv.lock ------------------------------------------
FROM python:3.11.14-slim-bookworm AS builder

ENV UV_VERSION=0.13.9 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_NO_CACHE=1 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    APP_HOME=/app \
    UV_PROJECT_ENVIRONMENT=/opt/venv

# uv itself comes from PyPI at a pinned version; it installs the locked dependencies.
RUN python -m pip install "uv==${UV_VERSION}"

WORKDIR ${APP_HOME}

# Dependencies first: this layer is rebuilt only when the lock changes. Every wheel is checked
# against the hash in uv.lock; psycopg2-binary and the rest ship wheels, so no compiler is needed.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --extra app --no-install-project

# Then the project, installed in place: Django's settings find templates, static files and data
# next to the code (BASE_DIR is the app/ folder), so the code stays a source tree at APP_HOME.
COPY app/ app/
RUN uv sync --frozen --no-dev --extra app

# ---- the image: the Python runtime, the environment, the code, and nothing else ------------------
FROM python:3.11.14-slim-bookworm

ENV APP_HOME=/app \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=panelapp.settings.docker-aws

# uid and gid 1000: the user the operator's pod security context runs PanelApp as. The PostgreSQL
# client (pg_dump, pg_restore) is what panelapp-backup and panelapp-restore run; it comes from the
# base's own Debian suite (bookworm: client 15), which dumps servers up to version 15. For a newer
# server, build with PG_CLIENT_PACKAGE set to a client at least as new as the server.
ARG PG_CLIENT_PACKAGE=postgresql-client-15
# hadolint ignore=DL3008 # the client follows the suite's security updates: no Debian revision pin
RUN groupadd --system --gid 1000 panelapp \
    && useradd --system --uid 1000 --gid panelapp --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin panelapp \
    && apt-get update \
    && apt-get install -y --no-install-recommends "${PG_CLIENT_PACKAGE}" \
    && rm -rf /var/lib/apt/lists/*

# Owned by root and read-only to the app: the pods run with a read-only root filesystem anyway.
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app/app /app/app

WORKDIR ${APP_HOME}/app
USER 1000:1000
EXPOSE 8080

# The commands the operator runs: panelapp-web, panelapp-worker, panelapp-beat, panelapp-migrate,
# panelapp-collectstatic (and panelapp-check, panelapp-manage for operations).
CMD ["panelapp-web"]
