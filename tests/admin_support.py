"""Run ``kiosk-admin`` as the operator does: a subprocess on a given database (no tests here)."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def admin(url, *args, stdin=None, timeout=60, env=None):
    env = {**os.environ, "KIOSK_DB_URL": url, **(env or {})}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "admin.cli", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)
