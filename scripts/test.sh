#!/usr/bin/env bash
# Set everything up, then run the whole test suite (Qt offscreen) and the import contracts.
# PostgreSQL tests run when KIOSK_TEST_PG_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1/test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/lint-imports
.venv/bin/ruff check --quiet .
exec .venv/bin/python -m pytest "$@"
