"""`python -m printer ...`: real processes, plain-word messages, exit codes."""
import subprocess
import sys
from pathlib import Path

from PIL import Image

from printer import encode_ticket
from tests.escpos_fake import FakeEscposPrinter, parse_job
from tests.printer_support import make_ticket

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "printer", *args], capture_output=True, text=True,
                          cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)


def test_render_then_send_then_status(tmp_path):
    ticket = make_ticket()
    (tmp_path / "t.json").write_text(ticket.to_json(), encoding="utf-8")
    out = run("render", "--ticket", "t.json", "--width", "384", "--out", "t.bin", "--png", "t.png", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "A023" in out.stdout
    assert (tmp_path / "t.bin").read_bytes() == encode_ticket(ticket, 384)
    assert Image.open(tmp_path / "t.png").size[0] == 384

    with FakeEscposPrinter() as fake:
        sent = run("send", "--device", fake.url, "--timeout", "0.5", "t.bin", cwd=tmp_path)
        fake.state = "paper_out"
        status = run("status", "--device", fake.url, "--timeout", "0.5", cwd=tmp_path)
    assert sent.returncode == 0 and "Đã in phiếu" in sent.stdout and "Ticket printed" in sent.stdout
    assert encode_ticket(ticket, 384) in fake.jobs[0]
    assert status.returncode == 1 and "hết giấy" in status.stdout and "out of paper" in status.stdout


def test_test_page_and_bad_inputs(tmp_path):
    with FakeEscposPrinter() as fake:
        page = run("test-page", "--device", fake.url, "--timeout", "0.5", cwd=tmp_path)
    assert page.returncode == 0
    assert [c[0] for c in parse_job(fake.jobs[0][12:-12])][0] == "ESC @"

    (tmp_path / "bad.json").write_text('{"label": "A1"}', encoding="utf-8")
    bad = run("render", "--ticket", "bad.json", "--out", "x.bin", cwd=tmp_path)
    assert bad.returncode == 2 and "missing fields" in bad.stderr and "Thiếu trường" in bad.stderr
    missing = run("render", "--ticket", "nope.json", "--out", "x.bin", cwd=tmp_path)
    assert missing.returncode == 2 and "Không đọc được" in missing.stderr
    url = run("status", "--device", "printer-in-the-corner", cwd=tmp_path)
    assert url.returncode == 2 and "invalid printer address" in url.stderr
    with FakeEscposPrinter(fault="refuse") as fake:
        refused = run("status", "--device", fake.url, "--timeout", "0.5", cwd=tmp_path)
    assert refused.returncode == 1 and "refused" in refused.stdout
    assert "Traceback" not in bad.stderr + missing.stderr + url.stderr + refused.stderr
