#!/bin/sh
# dondoc's one entry: the locked dependencies (a no-op when the image already holds them),
# the schema brought up to date, then the service in the foreground (signals reach it).
# Used by the container image, the systemd unit and CI alike; arguments go to `dondoc run`.
set -eu
cd "$(dirname "$0")/.."
uv sync --locked --no-dev --quiet
.venv/bin/dondoc db upgrade
exec .venv/bin/dondoc run "$@"
