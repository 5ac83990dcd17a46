"""What kind of thing a path names, for messages that say so.

A FIFO or a device given where a file is expected exists; calling it "not
found" sends the user looking for a typo that is not there.
"""

from __future__ import annotations

import os
import stat

__all__ = ["kind_of_mode", "special_kind"]


def special_kind(path: str | os.PathLike[str]) -> str | None:
    """``"a named pipe (FIFO)"``, ``"a character device"`` … for what is neither file nor directory.

    None for a regular file, a directory, or a path that does not exist.
    Symlinks are followed.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return kind_of_mode(mode)


def kind_of_mode(mode: int) -> str | None:
    """What a file of this ``st_mode`` is, for messages; None for files and directories."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"  # pragma: no cover - doors, whiteouts
