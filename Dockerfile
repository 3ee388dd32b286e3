# Coach: one image for the app (`coach serve`), the workers (`coach worker`) and migrations (`coach db upgrade`).
# Build: docker build -t coach .     Run the whole topology: docker compose up (see docs/production.md).

# ---- the browser app: static/ built with npm --------------------------------------------------
FROM node:22-slim AS web
WORKDIR /src/static
COPY static/package.json static/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/ ./
RUN npm run build

# ---- the wheel: src/, alembic/ and the web build in one package, plus uv.lock's pins ------------
FROM python:3.11-slim AS wheel
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PYTHON_DOWNLOADS=never
# The uv the Makefile pins (pyproject's [tool.uv] required-version).
RUN pip install uv==0.13.9
WORKDIR /src
COPY pyproject.toml uv.lock README.md ./
# Exactly the versions (and hashes) uv.lock pins for the app's dependencies, without the dev extra.
RUN uv export --frozen --no-emit-project --format requirements-txt --output-file /dist/requirements.txt
COPY src/ src/
COPY alembic/ alembic/
COPY --from=web /src/static/dist static/dist
# The wheel carries the migrations as coach/migrations and the web build as coach/web (pyproject.toml).
RUN uv build --wheel --out-dir /dist

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
# Dependencies first (a layer that survives code changes): uv.lock's pins, hash-checked.
COPY --from=wheel /dist/requirements.txt /tmp/requirements.txt
RUN pip install --no-deps --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt
# Then the project itself, non-editable: no source tree in the image, only site-packages/coach.
COPY --from=wheel /dist/coach-*.whl /tmp/
RUN pip install --no-deps /tmp/coach-*.whl && rm /tmp/coach-*.whl \
    && useradd --system --uid 10001 --home-dir /app coach
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
