"""`make run`'s supervisor: the sandbox wiring, and all-or-nothing process handling."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from config import devrun

BASE_DIR = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie awaiting its parent is gone for our purpose.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def wait_gone(pid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def sleeper_with_grandchild(pid_file: Path) -> list[str]:
    """A child that starts a grandchild (as runserver's reloader does) and records both pids."""
    code = textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(pid_file)!r}, "w").write(f"{{os.getpid()}} {{grandchild.pid}}")
        time.sleep(60)
        """
    )
    return [sys.executable, "-c", code]


def test_children_point_at_the_sandbox_unless_configured():
    env = devrun.child_env(8000, 8001, {"SHIPANDCO_API_URL": "https://real.example/api/"})
    assert env["SHIPANDCO_API_URL"] == "https://real.example/api/"
    assert env["SANDBOX_URL"] == "http://127.0.0.1:8001/"
    default = devrun.child_env(8100, 8101, {})
    assert default["SHIPANDCO_API_URL"] == "http://127.0.0.1:8101/shipandco/v1/"
    assert default["SITE_URL"] == "http://127.0.0.1:8100"


def test_runs_web_worker_beat_and_sandbox(tmp_path):
    specs = {c.name: c.argv for c in devrun.children(sys.executable, 8000, 8001, tmp_path)}
    assert specs["web"][1:] == ["manage.py", "runserver", "127.0.0.1:8000"]
    assert specs["worker"][1:6] == ["-m", "celery", "-A", "config", "worker"]
    assert specs["beat"][1:6] == ["-m", "celery", "-A", "config", "beat"]
    assert specs["sandbox"][1:] == [
        "-m", "sandbox", "--host", "127.0.0.1", "--port", "8001",
        "--data-dir", str(tmp_path / "sandbox"),
    ]  # fmt: skip


def test_one_child_dying_stops_the_others(tmp_path):
    pid_file = tmp_path / "pids"
    specs = [
        devrun.Child("long", sleeper_with_grandchild(pid_file)),
        devrun.Child(
            "short",
            [
                sys.executable,
                "-c",
                f"import os, time\nwhile not os.path.exists({str(pid_file)!r}): time.sleep(0.05)\n"
                "raise SystemExit(3)",
            ],
        ),
    ]
    started = time.monotonic()
    code = devrun.supervise(specs, os.environ)

    assert code == 3
    child, grandchild = map(int, pid_file.read_text().split())
    assert wait_gone(child) and wait_gone(grandchild)
    assert time.monotonic() - started < devrun.STOP_TIMEOUT_SECONDS + 5
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers restored


def test_sigterm_stops_everything_and_exits_zero(tmp_path):
    pid_file = tmp_path / "pids"
    script = textwrap.dedent(
        f"""
        import sys
        from config import devrun
        spec = devrun.Child("long", {sleeper_with_grandchild(pid_file)!r})
        sys.exit(devrun.supervise([spec], {{}}))
        """
    )
    runner = subprocess.Popen([sys.executable, "-c", script], cwd=BASE_DIR)
    deadline = time.monotonic() + 15
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    runner.send_signal(signal.SIGTERM)

    assert runner.wait(timeout=20) == 0
    child, grandchild = map(int, pid_file.read_text().split())
    assert wait_gone(child) and wait_gone(grandchild)


def test_refuses_busy_ports(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert (
            devrun.main(["--web-port", str(port), "--sandbox-port", str(port), "--no-setup"]) == 2
        )
    assert "already in use" in capsys.readouterr().err


def test_the_sandbox_store_points_back_at_the_web_server():
    env = devrun.child_env(8100, 8101, {})
    assert env["SANDBOX_SHIPSTATION_STORE_URL"] == (
        "http://127.0.0.1:8100/inbound/shipstation/demo-shipstation-store-token/"
    )
    assert env["SANDBOX_SHIPSTATION_STORE_TOKEN"] == "demo-shipstation-store-token"
    chosen = devrun.child_env(8100, 8101, {"SANDBOX_SHIPSTATION_STORE_TOKEN": "mine"})
    assert chosen["SANDBOX_SHIPSTATION_STORE_URL"].endswith("/inbound/shipstation/mine/")
