"""Writing cells a spreadsheet opens safely, in UTF-8 or Shift_JIS: shared by every CSV Hakobu
writes (the list export, and the platforms' order files).

- Formulas: a cell starting with = + - @, a tab or a carriage return is prefixed with a single
  quote, except plain numbers and phone numbers ("+81 3-1234-5678", "-5"): made only of digits,
  spaces and ( ) . - they cannot form a function call, cell reference or DDE link, and quoting
  them would corrupt a phone number.
- Shift_JIS is written as CP932 (what Windows and Excel call Shift_JIS). A character CP932 lacks
  (emoji, variants such as 𠮷) becomes the visible geta mark 〓; an em dash becomes the JIS dash
  ―, the same character in Japanese text.
"""

from __future__ import annotations

import re

SHIFT_JIS_MARKER = "〓"
UTF8 = "utf-8"
SHIFT_JIS = "shift_jis"
CODECS = {UTF8: "utf-8", SHIFT_JIS: "cp932"}
UTF8_BOM = "\ufeff"
_CP932_EQUIVALENTS = str.maketrans({"\u2014": "\u2015"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-][0-9 ().\-]*[0-9][0-9 ().\-]*")


def neutralise_formula(value: str) -> str:
    """Quote a cell a spreadsheet would run as a formula; see the module docstring."""
    if value.startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def fit_cp932(value: str) -> tuple[str, str]:
    """(value writable in CP932, the characters that had to become 〓)."""
    value = value.translate(_CP932_EQUIVALENTS)
    try:
        value.encode("cp932")
    except UnicodeEncodeError:
        pass
    else:
        return value, ""
    kept, lost = [], []
    for char in value:
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            kept.append(SHIFT_JIS_MARKER)
            lost.append(char)
        else:
            kept.append(char)
    return "".join(kept), "".join(lost)


def encode_text(text: str, encoding: str) -> bytes:
    """`text` in `encoding` (UTF8 or SHIFT_JIS); Shift_JIS marks what it cannot hold with 〓."""
    if encoding == SHIFT_JIS:
        return fit_cp932(text)[0].encode("cp932")
    return text.encode("utf-8")
