"""Checks on what callers pass to the public functions, with messages naming the argument.

``evaluate("specs/x", period="2022")`` would otherwise fail deep inside with
``'str' object has no attribute 'indicators'``. Each check raises
:class:`~sakipcalc.errors.ArgumentError` (a :class:`SakipError` and a
:class:`TypeError`) naming the argument, what it must be and what it was.
Only types are checked here: values (a malformed period, an unknown name)
keep their own messages.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ._spec import DataSet, Spec
from .errors import ArgumentError
from .i18n import LOCALES, Locale

__all__ = [
    "require_data",
    "require_locale",
    "require_paths",
    "require_period",
    "require_spec",
]


def _what(value: object) -> str:
    """``str '2022'``, ``dict``, ``None``: the type, and a short value for scalars."""
    if value is None:
        return "None"
    kind = type(value).__name__
    if isinstance(value, (str, int, float, bytes)):
        shown = repr(value)
        return f"{kind} {shown if len(shown) <= 40 else shown[:37] + '...'}"
    return kind


def require_spec(value: object, name: str = "spec") -> Spec:
    """``value`` if it is a loaded :class:`Spec`."""
    if isinstance(value, Spec):
        return value
    hint = (
        f"; load it first: sakipcalc.load({value!r})"
        if isinstance(value, (str, os.PathLike))
        else ""
    )
    raise ArgumentError(f"{name} must be a Spec from sakipcalc.load(), not {_what(value)}{hint}")


def require_data(value: object, name: str = "data") -> DataSet | None:
    """``value`` if it is a :class:`DataSet` or None (the spec's own data)."""
    if value is None or isinstance(value, DataSet):
        return value
    hint = "; wrap it: DataSet({'2022': {...}})" if isinstance(value, dict) else ""
    raise ArgumentError(
        f"{name} must be a DataSet or None (the spec's own data), not {_what(value)}{hint}"
    )


def require_period(value: object, name: str = "period") -> str:
    """``value`` if it is a string; whether it is a valid period is checked where it is parsed."""
    if isinstance(value, str):
        return value
    hint = f"; write it as text: {name}='{value}'" if isinstance(value, int) else ""
    raise ArgumentError(
        f"{name} must be a string such as '2022' or '2022-Q3', not {_what(value)}{hint}"
    )


def require_paths(values: Sequence[Any], name: str = "paths") -> None:
    """Every value a path: ``str`` or ``os.PathLike`` (``pathlib.Path``)."""
    for number, value in enumerate(values, 1):
        if not isinstance(value, (str, os.PathLike)):
            hint = (
                "; give the paths as separate arguments: load(*paths)"
                if isinstance(value, (list, tuple))
                else ""
            )
            raise ArgumentError(
                f"{name} must be file or directory paths (str or pathlib.Path); "
                f"path {number} is {_what(value)}{hint}"
            )


def require_locale(value: object, name: str = "locale") -> Locale | None:
    """``value`` if it is None or one of :data:`~sakipcalc.i18n.LOCALES`."""
    if value is None:
        return None
    for locale in LOCALES:
        if value == locale and isinstance(value, str):
            return locale
    shown = repr(value) if isinstance(value, str) else _what(value)
    raise ArgumentError(f"{name} must be one of {', '.join(LOCALES)} or None, not {shown}")
