"""Text for a terminal: control characters spelled out, so that they are seen, not obeyed.

A leaf module, so that :mod:`sakipcalc.errors` (which formats every message)
can use it without importing the renderers. Keys, cell text and file names
come from files of unknown origin: an ``ESC ] 0 ; … BEL`` sequence in a YAML
key must not retitle or rewrite the user's terminal when a message quotes it.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

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
