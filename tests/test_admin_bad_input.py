"""Bad input from people stays inside kiosk-admin's contract (issue 12): a clear message and the documented
exit code (1 refused by the queue, 2 bad input, 3 database unreachable), never a traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

BIG = "99999999999999999999"
LONG = "X" * 5000


@pytest.fixture(scope="module")
def ready(tmp_path_factory):
    from db import init_db
    folder = tmp_path_factory.mktemp("admin-bad")
    url = f"sqlite:///{folder / 'q.sqlite3'}"
    init_db(url, always_open=True).close()
    not_utf8 = folder / "latin1.toml"
    not_utf8.write_bytes('office = "Trung t\xe2m"\n'.encode("latin-1"))
    (folder / "a-folder.toml").mkdir()
    job = folder / "job.bin"
    job.write_bytes(b"\x1b@hello\n")
    return url, folder


# (arguments, expected exit code); {url} is the database, {dir} the test folder
CASES = [
    (["call", BIG], 2), (["recall", BIG], 2), (["finish", "-" + BIG], 2), (["pause", BIG], 2),
    (["call", "1", "--label", LONG], 2), (["reactivate", LONG], 2), (["transfer", "A001", LONG], 2),
    (["issue", LONG], 2), (["issue", "ZZZ"], 1), (["issue", "HT", "--procedure", LONG], 2),
    (["issue", "HT", "--procedure", "NOPE"], 1), (["transfer", "A999", "ZZZ"], 1),
    (["events", "--since", BIG], 2), (["events", "--since", "-1"], 2),
    (["officer", "add", LONG, "--pin", "135792"], 2), (["officer", "add", "", "--pin", "135792"], 2),
    (["officer", "unlock", "--counter", BIG], 2), (["officer", "unlock", LONG], 2),
    (["call", "1", "--label", "Z999"], 1), (["reactivate", "A001"], 1), (["call", "0"], 2),
    (["face", "forget", BIG], 2), (["privacy", "purge", "--months", BIG], 2),
    (["privacy", "purge", "--months", "-5"], 2),
    (["printer", "status", "--device", "nonsense://"], 2), (["printer", "status", "--timeout", "nan"], 2),
    (["printer", "send", "{dir}/job.bin", "--device", "tcp://256.1.1.1:99999"], 2),
    (["printer", "send", "{dir}/missing.bin", "--device", "preview://{dir}/out"], 2),
    (["printer", "status", "--timeout", BIG], 2),
    (["--config", "{dir}/latin1.toml", "status"], 2), (["--config", "{dir}/a-folder.toml", "status"], 2),
    (["--config", "{dir}/absent.toml", "status"], 2),
    (["--db", "not a url", "status"], 2), (["--db", "postgresql://u@host:notaport/db", "status"], 2),
    (["--db", "mysql://x@y/z", "status"], 2), (["--db", "sqlite:///{dir}/nowhere/deep/q.sqlite3", "status"], 3),
    (["--db", "sqlite:///{dir}/a-folder.toml", "status"], 3),
    # found by hand in the issue-12 audit: both echoed the whole input back (10,000 and 30,000 characters)
    (["report", "--from", "2026-01-01", "--to", "2026-01-02", "--office", LONG], 2),
    (["printer", "test-page", "--device", "preview://" + LONG], 2),
]


def run(args, url, folder):
    argv = [a.replace("{url}", url).replace("{dir}", str(folder)) for a in args]
    if not any(a == "--db" for a in argv):
        argv = ["--db", url, *argv]
    return subprocess.run([sys.executable, "-m", "admin", *argv], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(folder), "KIOSK_CONFIG": ""})


def test_bad_cli_input_gets_the_documented_exit_code_and_no_traceback(ready):
    url, folder = ready
    problems = []
    for args, code in CASES:
        r = run(args, url, folder)
        shown = " ".join(a[:30] for a in args)
        if "Traceback" in r.stderr or "Traceback" in r.stdout:
            problems.append(f"{shown}: traceback\n{r.stderr[-600:]}")
        elif r.returncode != code:
            problems.append(f"{shown}: exit {r.returncode}, expected {code}: {r.stderr.strip()[-300:]}")
        elif not r.stderr.strip():
            problems.append(f"{shown}: no message")
        elif len(r.stderr) > 2000:
            problems.append(f"{shown}: {len(r.stderr)} characters of message (an echo of the input?)")
    assert not problems, "\n".join(problems)
