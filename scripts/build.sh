#!/usr/bin/env bash
# Build the kiosk machine's bundle: one PyInstaller folder (dist/kiosk/) with kiosk, counter-display and
# kiosk-admin sharing one Qt; then check it with its own selftest, away from the project's virtual environment.
#   bash scripts/build.sh [DIST_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p "${1:-dist}"
dist=$(cd "${1:-dist}" && pwd)
.venv/bin/python -m pip install -q "pyinstaller>=6.3"
work=$(mktemp -d)
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath "$dist" --workpath "$work" kiosk.spec
rm -rf "$work"
echo "build: $(du -sh "$dist/kiosk" | cut -f1) in $dist/kiosk"
# The smoke test runs from another folder with a bare environment: nothing of .venv on the path.
cd "$(mktemp -d)"
env -i PATH=/usr/bin:/bin HOME="$HOME" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
  "$dist/kiosk/kiosk-admin" selftest
