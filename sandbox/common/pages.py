"""The look shared by the emulators' web pages: one style sheet, a red "not the real X" banner,
and flash messages carried across a POST → 303 → GET in a cookie scoped to the emulator.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import quote, unquote

from sandbox.common.web import Request, Response

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{background:#b00020;color:#fff;padding:8px 16px}header b{font-size:16px}
main{padding:8px 16px}table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.flash{background:#e8f5e9;padding:6px}.err{background:#fdecea}
code{background:#f3f3f3;padding:1px 3px}form.inline{display:inline}
section{margin:12px 0}h2{font-size:16px;margin:8px 0 4px}"""


def layout(title: str, banner: str, body: str, flash: str = "", error: bool = False) -> str:
    """A whole page; ``title`` is plain text, ``banner`` and ``body`` are already HTML."""
    note = f'<p class="flash{" err" if error else ""}">{html.escape(flash)}</p>' if flash else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>
<header>{banner}</header>
<main>{note}{body}</main></body></html>"""


def flash_redirect(
    request: Request, cookie: str, flash: str, headers: Sequence[tuple[str, str]] = ()
) -> Response:
    """303 to the emulator's root page, carrying ``flash`` in the ``cookie`` cookie."""
    flash_cookie = request.cookie_header(cookie, quote(flash[:1500], safe=""))
    return Response(303, b"", [("Location", request.script_name + "/"), flash_cookie, *headers])


def take_flash(request: Request, cookie: str) -> tuple[str, list[tuple[str, str]]]:
    """The pending flash message and the header that clears it (none when there is none)."""
    flash = unquote(request.cookies().get(cookie, ""))
    return flash, ([request.cookie_header(cookie, "", clear=True)] if flash else [])
