"""Scale benchmark: a brand of 200,000 notes on PostgreSQL, each operation against its limit.

    make bench-scale                      # full size (PostgreSQL; about 3-5 minutes)
    .venv/bin/python bench/scale.py --small   # a few thousand notes (what .ci/run runs)

Needs PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/hakobu_bench); the
benchmark creates and drops test_<name> beside it. Every figure is a ratio within one run, so
the machine's speed cancels out. The data (see scale_data) is written with COPY.

Full size checks the targets of issue 12 and exits non-zero when one fails. The small size runs
every operation to keep the benchmark working, and checks only what does not depend on size
(queries per page constant); its ratios are printed, not judged.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hakobu_bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

from bench import scale_ops  # noqa: E402
from bench.scale_data import finish, make_brand  # noqa: E402
from bench.scale_report import Report  # noqa: E402

SIZES = {
    "full": {
        "big": 200_000,
        "mid": 20_000,
        "small": 200,
        "writeback": 20_000,
        "export_small": 10_000,
        "export_large": 100_000,
        "imports": 10_000,
        "deep_row": 100_000,  # page 4,000 at 25 a page
    },
    "small": {
        "big": 4_000,
        "mid": 400,
        "small": 200,
        "writeback": 300,
        "export_small": 200,
        "export_large": 2_000,
        "imports": 300,
        "deep_row": 2_000,
    },
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a few thousand notes (CI)")
    args = parser.parse_args()
    size = SIZES["small" if args.small else "full"]
    if connection.vendor != "postgresql":
        print("The scale benchmark needs PostgreSQL (set DATABASE_URL).", file=sys.stderr)
        return 2
    settings.DELIVERY_NOTE_IMPORT_ASYNC_ROWS = 10**9  # the import runs inline, measured whole
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tempfile.mkdtemp(prefix="hakobu-scale-")},
        },
    }
    report = Report(judged=not args.small)
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        big = make_brand("big", size["big"], 1)
        mid = make_brand("mid", size["mid"], 10_000_001)
        small = make_brand("small", size["small"], 20_000_001)
        finish()
        # As config/wsgi.py does in each worker: start-up objects out of the collector's reach.
        gc.collect()
        gc.freeze()
        report.note(
            f"data: {size['big']:,} + {size['mid']:,} + {size['small']:,} notes "
            f"({3 * (size['big'] + size['mid'] + size['small']):,} lines) written with COPY in "
            f"{time.perf_counter() - started:.1f} s"
        )
        scale_ops.reads(report, big, small, size)
        scale_ops.export(report, big, size)
        scale_ops.writeback(report, big, size)
        scale_ops.imports(report, mid, size)
        scale_ops.isolation(report, big, mid, small)
    finally:
        teardown_databases(old_config, verbosity=0)
    return report.print()


if __name__ == "__main__":
    sys.exit(main())
