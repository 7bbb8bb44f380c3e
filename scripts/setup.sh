#!/usr/bin/env bash
# Set up everything this project needs on a fresh Debian machine (or refresh it): system packages,
# a virtual environment in .venv with the project and its tools. Safe to run again; fast when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  espeak-ng sox                                   # voice clips (generation) and audio checks
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0              # Qt's xcb and offscreen platforms
  libpulse0 libasound2                            # Qt Multimedia
  libusb-1.0-0                                    # USB thermal printers
  fonts-dejavu-core
  xvfb matchbox-window-manager openbox xdotool x11-utils x11-apps imagemagick   # the real-display test suite
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

# Reinstall only when the dependency list changed.
stamp=.venv/.kiosk-setup-stamp
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  # face_recognition_models imports pkg_resources: keep a setuptools that still ships it.
  .venv/bin/python -m pip install -q "setuptools<82" wheel
  .venv/bin/python -m pip install -q -e ".[dev]"
  # face_recognition would pull the dlib source build; dlib-bin (a dependency above) provides dlib.
  .venv/bin/python -m pip install -q --no-deps "face_recognition==1.3.0"
  echo "$want" > "$stamp"
fi
echo "setup: ready (.venv)"
