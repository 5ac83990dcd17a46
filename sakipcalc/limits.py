"""Documented limits on what one spec may declare, in one place.

Each limit is far above what a real LAKIP needs (Tanah Laut 2022, a full
report, declares about 60 indicators, 190 links and breakdowns of up to 40
categories) and low enough that every command on a spec within them finishes
in seconds. A spec over a limit is refused while it is validated, before any
formula is compiled or any data parsed, with the file, line and column of the
first item over it.

Other limits live beside the code they bound (formula length and depth in
:mod:`sakipcalc.formula`, files and their sizes in ``_files``, printed messages
in :mod:`sakipcalc.errors`, data numbers of at most 40 digits in ``_types``).
``specs/README.md`` (section *Limits*) lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LONG_TEXT_FIELDS",
    "MAX_CATEGORIES",
    "MAX_FORMULAS",
    "MAX_GENERATED_CATEGORIES",
    "MAX_LINKS",
    "MAX_NAME_LENGTH",
    "MAX_TEXT_LENGTH",
    "Limits",
]

#: Characters in an id, name, unit, label or other short text.
MAX_NAME_LENGTH = 500

#: Characters in a description, a note or a source: the fields of :data:`LONG_TEXT_FIELDS`.
MAX_TEXT_LENGTH = 10_000

#: Fields whose text may run to :data:`MAX_TEXT_LENGTH` (formulas have their own limit).
LONG_TEXT_FIELDS = frozenset({"description", "note", "source"})

#: Categories of one breakdown (or listed by one variable).
MAX_CATEGORIES = 100_000

#: Formulas of one spec: indicators with a ``formula`` and ``reported`` entries with an ``expr``.
MAX_FORMULAS = 5_000

#: Cascading links (``links:``) of one spec.
MAX_LINKS = 20_000

#: Categories of one breakdown that ``sakipcalc test`` (:mod:`sakipcalc.testing`)
#: generates data for; a larger breakdown is reported as too large to generate.
MAX_GENERATED_CATEGORIES = 200


@dataclass(frozen=True, slots=True)
class Limits:
    """Raised limits for one load of a spec you trust, such as a generated national spec.

    ``sakipcalc.load(path, limits=Limits(max_spec_bytes=64 * 2**20, max_formulas=200_000))``.
    A field left as None keeps its documented default; the defaults are for specs
    from anyone, and a service validating uploaded specs should keep them.
    """

    max_files: int | None = None  # spec files read, imports included (default 500)
    max_spec_bytes: int | None = None  # their sizes added up (default 4 MiB)
    max_formulas: int | None = None  # default MAX_FORMULAS
    max_links: int | None = None  # default MAX_LINKS
