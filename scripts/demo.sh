#!/usr/bin/env bash
# Set everything up, then run the whole office on this machine (SQLite, preview printer).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python scripts/demo.py "$@"
