"""Hints for issues: "did you mean" and short listings of known names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def first_few(names: Iterable[str], limit: int = 6) -> str:
    """The first ``limit`` names in sorted order, with an ellipsis when there are more."""
    items = sorted(names)
    shown = ", ".join(items[:limit])
    return shown + (", …" if len(items) > limit else "")
