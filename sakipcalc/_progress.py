"""A dependency-free, single-line progress bar for long loops.

``progress(items, total=…, label=…, stream=sys.stderr)`` yields the items
unchanged. On a terminal it draws ``label [#####-----]  12/40`` on one line,
redrawn in place with a carriage return and erased when the loop ends (or is
left early), so that nothing of it remains in the output. On anything that is
not a terminal (a pipe, a file, a ``StringIO``, CI logs) it writes nothing at
all.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["progress"]

T = TypeVar("T")

_BAR_WIDTH = 24
_LABEL_WIDTH = 32
_INTERVAL = 0.1  # seconds between redraws, so that fast loops are not slowed by drawing


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or unusual streams
        return False


def _line(label: str, done: int, total: int | None) -> str:
    if len(label) > _LABEL_WIDTH:
        label = label[: _LABEL_WIDTH - 1] + "…"
    if total is None or total <= 0:
        return f"{label} {done}"
    done_clamped = min(done, total)
    filled = _BAR_WIDTH * done_clamped // total
    bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
    width = len(str(total))
    return f"{label} [{bar}] {done:>{width}}/{total}"


def progress(
    items: Iterable[T],
    *,
    total: int | None,
    label: str,
    stream: TextIO,
) -> Iterator[T]:
    """Yield ``items``, drawing a progress bar on ``stream`` if (and only if) it is a terminal.

    ``total`` is the number of items when known (a bar and ``n/total``), or
    None (a running count). Redraws are limited to ten a second, plus the
    first and the last state.
    """
    if not _is_terminal(stream):
        yield from items
        return
    shown = 0  # length of the line on screen, to erase it

    def draw(done: int) -> None:
        nonlocal shown
        text = _line(label, done, total)
        stream.write("\r" + text + " " * max(0, shown - len(text)))
        stream.flush()
        shown = len(text)

    done = 0
    last = time.monotonic()
    draw(0)
    try:
        for item in items:
            yield item
            done += 1
            now = time.monotonic()
            if now - last >= _INTERVAL or done == total:
                draw(done)
                last = now
    finally:
        # Leave the line as it was found: the bar is feedback, not output.
        stream.write("\r" + " " * shown + "\r")
        stream.flush()
