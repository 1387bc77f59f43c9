"""CLI: ``python -m sandbox --host 127.0.0.1 --port 8001 --data-dir var/sandbox``.

Runs the offline platform emulators in the foreground so Hakobu can be demonstrated without the
internet. Without ``--data-dir`` (or ``SANDBOX_DATA_DIR``) state lives in memory only.
"""

from __future__ import annotations

import argparse
import os
import sys

from sandbox import shipandco, shipstation, webshipper
from sandbox.server import build_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("SANDBOX_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8001")))
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("SANDBOX_DATA_DIR") or None,
        help="directory for <platform>.json state files (default: in memory)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    parser.add_argument(
        "--no-auto-refresh",
        action="store_true",
        help="do not refresh ShipStation custom stores in the background",
    )
    args = parser.parse_args(argv)

    try:
        server = build_server(
            args.host,
            args.port,
            args.data_dir,
            quiet=args.quiet,
            background=not args.no_auto_refresh,
        )
    except ValueError as exc:  # a malformed demo setting (SANDBOX_SHIPSTATION_STORE_*)
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    emulator = server.get_app().emulators[shipstation.PREFIX]  # type: ignore[attr-defined]
    demo = emulator.state.demo_store
    base = f"http://{args.host}:{server.server_port}"
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print("sandbox: WARNING: listening beyond loopback; it has no real security.", flush=True)
    print(
        f"Hakobu sandbox on {base}/  (state: {args.data_dir or 'in memory'})\n"
        f"  Ship&co UI:  {base}{shipandco.PREFIX}/\n"
        f"  Ship&co API: SHIPANDCO_API_URL={base}{shipandco.PREFIX}{shipandco.API_ROOTS[0]}/\n"
        f"  tokens:      {shipandco.DEFAULT_TOKEN}  |  {shipandco.SECOND_TOKEN}\n"
        f"  ShipStation UI: {base}{shipstation.PREFIX}/\n"
        f"  ShipStation API: SHIPSTATION_V1_API_URL={base}{shipstation.PREFIX}{shipstation.V1_ROOT}/"
        f"  SHIPSTATION_V2_API_URL={base}{shipstation.PREFIX}{shipstation.V2_ROOT}/\n"
        + "".join(
            f"  account {n}: V1 {a['v1_key']} / {a['v1_secret']}  V2 {a['v2_key']}\n"
            for n, a in shipstation.ACCOUNTS.items()
        )
        + f"  Webshipper UI: {base}{webshipper.PREFIX}/\n"
        + f"  Webshipper API: WEBSHIPPER_API_URL={base}{webshipper.PREFIX}/{webshipper.API_PATH}\n"
        + "".join(f"  account {n}: token {a['token']}\n" for n, a in webshipper.ACCOUNTS.items())
        + (
            f"  account {shipstation.DEMO_ACCOUNT} Custom Store: {demo['url']}"
            f"  (user {demo['username']})\n"
            if demo
            else ""
        ),
        end="",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("sandbox: stopping", file=sys.stderr)
    finally:
        server.get_app().close()  # type: ignore[attr-defined]
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
