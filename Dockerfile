# Coach: one image for the app (`coach serve`), the workers (`coach worker`) and migrations (`coach db upgrade`).
# Build: docker build -t coach .     Run the whole topology: docker compose up (see docs/production.md).

# ---- the browser app: static/ built with npm --------------------------------------------------
FROM node:22-slim AS web
WORKDIR /src/static
COPY static/package.json static/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/ ./
RUN npm run build

# ---- the Python app ---------------------------------------------------------------------------
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    COACH_ENV=prod \
    COACH_HOST=0.0.0.0 \
    COACH_PORT=8000
WORKDIR /app
# Dependencies first (a layer that survives code changes), then the project itself.
COPY pyproject.toml README.md ./
COPY src/ src/
COPY alembic/ alembic/
COPY alembic.ini ./
# Editable on purpose: migrations (alembic/) and static/dist are found relative to src/coach,
# so the package must run from /app/src, not from site-packages.
RUN pip install -e . && useradd --system --uid 10001 --home-dir /app coach
# create_app serves static/dist next to the source tree (src/coach/../../static/dist).
COPY --from=web /src/static/dist static/dist
USER coach
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"COACH_PORT\", \"8000\")}/health', timeout=2)"
# `coach serve` closes sockets with 1012 and drains evaluations on SIGTERM; compose's stop_grace_period covers it.
STOPSIGNAL SIGTERM
ENTRYPOINT ["coach"]
CMD ["serve"]

# ---- the code runner (`coach runner`): the app plus bubblewrap and the toolchains candidates use --
# Debian's python3 on purpose: the sandbox shows only /usr, never the image's /usr/local Python.
FROM app AS runner
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap python3 nodejs default-jdk-headless golang-go \
    && rm -rf /var/lib/apt/lists/*
USER coach
CMD ["runner"]

# ---- the default target: the app image above ----------------------------------------------------
FROM app
