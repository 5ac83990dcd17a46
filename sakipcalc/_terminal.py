"""Text for a terminal: control characters spelled out, so that they are seen, not obeyed.

A leaf module, so that :mod:`sakipcalc.errors` (which formats every message)
can use it without importing the renderers. Keys, cell text and file names
come from files of unknown origin: an ``ESC ] 0 ; … BEL`` sequence in a YAML
key must not retitle or rewrite the user's terminal when a message quotes it.
"""

from __future__ import annotations

import re

__all__ = ["printable", "printable_json", "printable_lines"]

# C0 controls (tab and newline included: a message is one line), DEL, C1
# controls, and the bidirectional embeddings, overrides and isolates that
# reorder what is shown.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _spell(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters spelled out (``\\x1b``, ``\\n``) for a terminal."""
    return _UNPRINTABLE.sub(_spell, text)


def printable_lines(text: str) -> str:
    """:func:`printable` for each line: a multi-line text keeps its line breaks."""
    return "\n".join(printable(line) for line in text.split("\n"))


# JSON escapes C0 controls itself; DEL, C1 and the bidirectional controls it leaves raw.
_JSON_UNPRINTABLE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable_json(text: str) -> str:
    """JSON text with the controls JSON leaves raw written as ``\\u009b``: the same value."""
    return _JSON_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
