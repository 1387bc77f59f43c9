"""Telling the page that a file download arrived.

A file answer leaves the page as it is, so the page cannot see it. The list's form sends a random
`download_token`; the file's response sets it in a short-lived cookie the page's script can read
(static/js/bulk-actions.js), which then reloads the list: notes a download marked Shipping
requested show so without a reload. Only a short token made of letters and digits is echoed.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponseBase

FIELD = "download_token"
COOKIE = "hakobu_download"
_TOKEN = re.compile(r"[A-Za-z0-9]{6,64}")


def mark_download(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Set the download cookie on `response` when the request carried a valid token."""
    token = request.POST.get(FIELD) or request.GET.get(FIELD) or ""
    if _TOKEN.fullmatch(token):
        response.set_cookie(COOKIE, token, max_age=120, samesite="Lax", httponly=False)
    return response
