"""`make run`: the web server, a Celery worker, Celery beat and the platform sandbox, together.

Each child runs in its own process group so that Ctrl-C (or SIGTERM) here stops every one of
them, grandchildren included (runserver's autoreloader), and a child that dies takes the others
down with it: a half-running demo (a web server without its worker) is worse than a clear exit.

    python -m config.devrun [--web-port 8000] [--sandbox-port 8001] [--no-setup]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sandbox import api_settings, demo_env

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 10
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
DEMO_LOGINS = (
    "admin@demo.example (Admin), staff@demo.example (Staff), viewer@demo.example (Viewer), "
    "second@demo.example (Admin of Second Brand); password: demo"
)


@dataclass(frozen=True)
class Child:
    name: str
    argv: list[str]


def var_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("HAKOBU_VAR_DIR", BASE_DIR / "var"))


def ensure_var_dirs(root: Path) -> None:
    """The embedded services keep their state here; the filesystem broker needs its folders."""
    for sub in ("mail", "sandbox", "celery/broker", "celery/processed", "media"):
        (root / sub).mkdir(parents=True, exist_ok=True)


def child_env(web_port: int, sandbox_port: int, environ: Mapping[str, str]) -> dict[str, str]:
    """The children's environment: the sandbox stands in for the platforms unless told otherwise."""
    sandbox = f"http://127.0.0.1:{sandbox_port}/"
    env = dict(environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    env.setdefault("SANDBOX_URL", sandbox)
    for name, url in api_settings(sandbox).items():
        env.setdefault(name, url)
    # The sandbox's built-in stores point back at the seeded demo brand (and the seed reads the
    # same credentials), so the pull loops work without a manual step.
    for name, value in demo_env(f"http://127.0.0.1:{web_port}", env).items():
        env.setdefault(name, value)
    env.setdefault("SITE_URL", f"http://127.0.0.1:{web_port}")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def children(python: str, web_port: int, sandbox_port: int, root: Path) -> list[Child]:
    """Beat's schedule file comes from settings (CELERY_BEAT_SCHEDULE_FILENAME, under var/)."""
    celery = [python, "-m", "celery", "-A", "config"]
    sandbox = [
        "--host",
        "127.0.0.1",
        "--port",
        str(sandbox_port),
        "--data-dir",
        str(root / "sandbox"),
    ]
    return [
        Child("web", [python, "manage.py", "runserver", f"127.0.0.1:{web_port}"]),
        Child("worker", [*celery, "worker", "--pool=threads", "--concurrency=4", "-l", "INFO"]),
        Child("beat", [*celery, "beat", "-l", "INFO"]),
        Child("sandbox", [python, "-m", "sandbox", *sandbox]),
    ]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _pump(name: str, stream, width: int) -> None:
    """Copy a child's output to ours, each line prefixed with the child's name."""
    for line in iter(stream.readline, b""):
        sys.stdout.write(f"{name:<{width}} | {line.decode(errors='replace')}")
        sys.stdout.flush()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal the child's whole group, even after the child itself exited (its own children)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def _stop(processes: Mapping[str, subprocess.Popen]) -> None:
    """SIGTERM every child's process group, then SIGKILL what is still there after a grace time."""
    for process in processes.values():
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def supervise(specs: Sequence[Child], env: Mapping[str, str]) -> int:
    """Run the children until a signal (exit 0) or until one of them exits (exit non-zero)."""
    stopping = threading.Event()

    def on_signal(signum, frame) -> None:
        stopping.set()

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    width = max(len(spec.name) for spec in specs)
    processes: dict[str, subprocess.Popen] = {}
    try:
        for spec in specs:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
                spec.argv,
                cwd=BASE_DIR,
                env=dict(env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            processes[spec.name] = process
            threading.Thread(
                target=_pump, args=(spec.name, process.stdout, width), daemon=True
            ).start()
        while not stopping.wait(0.5):
            dead = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
            if dead:
                for name, code in dead.items():
                    print(f"devrun: {name} exited with code {code}; stopping the others.")
                return max(1, *(abs(code) for code in dead.values()))
        print("devrun: stopping…")
        return 0
    finally:
        _stop(processes)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def setup(python: str, env: Mapping[str, str]) -> None:
    """Database up to date and demo data present (both idempotent)."""
    for argv in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run([python, "manage.py", *argv], cwd=BASE_DIR, env=dict(env), check=True)  # noqa: S603


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m config.devrun", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--web-port", type=int, default=8000)
    parser.add_argument("--sandbox-port", type=int, default=8001)
    parser.add_argument("--no-setup", action="store_true", help="skip migrate and seed_demo")
    args = parser.parse_args(argv)

    busy = [port for port in (args.web_port, args.sandbox_port) if not port_is_free(port)]
    if busy:
        print(
            f"devrun: port(s) {', '.join(map(str, busy))} already in use; stop what uses them "
            "or pick others: make run WEB_PORT=8100 SANDBOX_PORT=8101",
            file=sys.stderr,
        )
        return 2
    root = var_dir(os.environ)
    ensure_var_dirs(root)
    env = child_env(args.web_port, args.sandbox_port, os.environ)
    if not args.no_setup:
        try:
            setup(sys.executable, env)
        except subprocess.CalledProcessError as exc:
            print(f"devrun: setup failed ({exc}).", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
    print(
        f"\n  Hakobu:   http://127.0.0.1:{args.web_port}\n"
        f"  Sandbox:  {env['SANDBOX_URL']}  (Ship&co API: {env['SHIPANDCO_API_URL']})\n"
        f"  Logins:   {DEMO_LOGINS}\n"
        f"  Emails:   {root / 'mail'} (and Notifications → Email outbox)\n"
        "  Ctrl-C stops everything.\n",
        flush=True,
    )
    return supervise(children(sys.executable, args.web_port, args.sandbox_port, root), env)


if __name__ == "__main__":
    raise SystemExit(main())
