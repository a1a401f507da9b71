# dondoc: multi-stage image. Build: docker build -t dondoc .  (see README, "Operating dondoc")
FROM python:3.12-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# Dependencies first (a layer that changes only with uv.lock), then the project itself.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
RUN uv sync --locked --no-dev

FROM python:3.12-slim
COPY --from=build /usr/local/bin/uv /usr/local/bin/uv
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin dondoc
COPY --from=build --chown=dondoc:dondoc /app /app
WORKDIR /app
USER dondoc
ENV UV_PYTHON_DOWNLOADS=never UV_CACHE_DIR=/tmp/uv-cache \
    DONDOC_WEBHOOK_LISTEN=0.0.0.0 DONDOC_WEBHOOK_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
