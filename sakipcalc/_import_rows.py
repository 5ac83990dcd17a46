"""Table rows turned into raw data values, checked against the spec as they are read.

The header names the columns (in English or Indonesian, any case); each other
row gives one value of one name, category and period. A row is checked for a
repeated key, a missing or unexpected category, and a value of the kind its
name takes; :mod:`sakipcalc._data` validates the values as spec data after.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._hints import suggest
from ._import_tables import (
    ALIASES,
    COLUMNS_HINT,
    FIELDS,
    Cell,
    ImportIssues,
    RawSource,
    Table,
    describe_cell,
    plain_text,
)
from ._import_values import ValueReader
from ._source import Mark, PathKey, SourceDoc
from ._spec import Origin, Spec
from .errors import Location
from .i18n import Locale
from .models import Domain

__all__ = ["TableReader"]


class TableReader:
    """Reads the tables of one import against one spec."""

    def __init__(self, spec: Spec, locale: Locale | None, issues: ImportIssues) -> None:
        self.spec = spec
        self.issues = issues
        self.values = ValueReader(issues, locale)

    def read(self, table: Table) -> RawSource | None:
        """The table's values, or None when its header is wrong (issues say why)."""
        if not table.rows:
            self.issues.error(
                "import-header",
                "no header row: the file is empty",
                Location(table.file),
                hint=COLUMNS_HINT,
            )
            return None
        header = table.rows[0]
        columns = self._header(table, header)
        if columns is None:
            return None
        width = max((c.column for c in header if not c.blank), default=0)
        doc = SourceDoc(table.file, None)
        source = RawSource(doc)
        seen: dict[tuple[str, str, str | None], Location] = {}
        for cells in table.rows[1:]:
            self._read_row(table, cells, columns, width, doc, source, seen)
        return source

    def _header(self, table: Table, header: list[Cell]) -> dict[str, int] | None:
        """Field name -> column number, or None (with issues) when the header is wrong."""
        columns: dict[str, int] = {}
        names: dict[str, str] = {}
        last = max((c.column for c in header if not c.blank), default=0)
        ok = True
        row = header[0].row
        for cell in header:
            if cell.column > last:
                break
            where = Location(table.file, row, cell.column)
            text = plain_text(cell.value).strip()
            if not text:
                self.issues.error(
                    "import-header",
                    f"column {cell.column} has no header",
                    where,
                    hint=COLUMNS_HINT,
                )
                ok = False
                continue
            field_name = ALIASES.get(text.casefold())
            if field_name is None:
                self.issues.error(
                    "import-header",
                    f"unknown column '{text}'",
                    where,
                    hint=suggest(text.casefold(), ALIASES) or COLUMNS_HINT,
                )
                ok = False
            elif field_name in columns:
                self.issues.error(
                    "import-header",
                    f"columns '{names[field_name]}' and '{text}' both give the {field_name}",
                    where,
                )
                ok = False
            else:
                columns[field_name] = cell.column
                names[field_name] = text
        missing = [f for f in FIELDS if f not in columns]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            self.issues.error(
                "import-header",
                f"missing column{plural} {', '.join(repr(m) for m in missing)}",
                Location(table.file, row, 1),
                hint=COLUMNS_HINT,
            )
            ok = False
        return columns if ok else None

    def _read_row(
        self,
        table: Table,
        cells: list[Cell],
        columns: Mapping[str, int],
        width: int,
        doc: SourceDoc,
        source: RawSource,
        seen: dict[tuple[str, str, str | None], Location],
    ) -> None:
        row = cells[0].row
        by_column = {c.column: c for c in cells}

        def cell_of(name: str) -> Cell:
            column = columns[name]
            return by_column.get(column) or Cell(None, row, column)

        def at(cell: Cell) -> Location:
            return Location(table.file, cell.row, cell.column)

        extra = [c for c in cells if c.column > width and not c.blank]
        if extra:
            self.issues.error(
                "import-row",
                f"row {row} has a value in column {extra[0].column}, which has no header",
                at(extra[0]),
                hint="a value with a decimal comma must be quoted in a comma-separated file "
                "(\"13,32\"), or use ';' as the delimiter"
                if not table.sheet
                else None,
            )
            return
        ok = True
        name_cell, category_cell = cell_of("name"), cell_of("category")
        period_cell, value_cell = cell_of("period"), cell_of("value")
        name = plain_text(name_cell.value).strip()
        if name_cell.blank:
            self.issues.error(
                "import-value", "empty name", at(name_cell), hint="give a variable or indicator id"
            )
            ok = False
        category = plain_text(category_cell.value).strip() or None
        period = self.values.read_period(period_cell, at(period_cell))
        ok = ok and period is not None
        if value_cell.blank:
            self.issues.error(
                "import-value",
                "empty value",
                at(value_cell),
                hint="write - for a value that is missing; an empty cell is neither 0 nor missing"
                + (
                    "; a formula cell is empty until Excel or LibreOffice has calculated and saved it"
                    if table.sheet
                    else ""
                ),
            )
            ok = False
        for cell in (name_cell, category_cell):
            if cell.error or (not cell.blank and not isinstance(cell.value, str)):
                self.issues.error(
                    "import-value",
                    f"expected text, got {describe_cell(cell)}",
                    at(cell),
                )
                ok = False
        if not ok or period is None:
            return
        key = (period, name, category)
        if key in seen:
            what = f"'{name}'" + (f" category '{category}'" if category else "")
            self.issues.error(
                "duplicate-data",
                f"{what} in period {period} is already given in row {seen[key].line} "
                f"({self.issues.where(seen[key])})",
                at(name_cell),
                ("data", period, name, *((category,) if category else ())),
                hint="keep one row for each name, category and period",
            )
            return
        seen[key] = at(name_cell)

        variable = self.spec.variables.get(name)
        indicator = self.spec.indicators.get(name)
        breakdown = variable.breakdown if variable is not None else None
        if breakdown is not None and category is None:
            known = self.spec.variable_categories(name)
            self.issues.error(
                "expected-breakdown",
                f"'{name}' is broken down by '{breakdown}'; give the category",
                at(category_cell),
                ("data", period, name),
                hint=f"categories: {', '.join(known[:6])}{', …' if len(known) > 6 else ''}",
            )
            return
        if breakdown is None and category is not None and (variable or indicator) is not None:
            self.issues.error(
                "expected-number",
                f"'{name}' has no categories; leave the category empty",
                at(category_cell),
                ("data", period, name),
            )
            return
        if variable is not None and variable.domain is Domain.GRADE:
            kind = "grade"
        elif indicator is not None and indicator.scale is not None:
            kind = "number_or_grade"
        elif variable is None and indicator is None:
            kind = "unknown"  # reported once per name and period by the loader
        else:
            kind = "number"
        ok, value = self.values.read_value(
            value_cell,
            kind,
            at(value_cell),
            ("data", period, name, *((category,) if category else ())),
        )
        if not ok:
            return

        path: PathKey = ("data", period, name)
        bucket = source.data.setdefault(period, {})
        name_mark = Mark(name_cell.row, name_cell.column)
        value_mark = Mark(value_cell.row, value_cell.column)
        if category is None:
            if name in bucket:  # an unknown name given with and without categories
                return
            doc.marks[path] = value_mark
            doc.key_marks[path] = name_mark
            bucket[name] = (value, Origin(doc, path))
            return
        if name not in bucket:
            doc.marks[path] = name_mark
            doc.key_marks[path] = name_mark
            bucket[name] = ({}, Origin(doc, path))
        cells_of = bucket[name][0]
        if not isinstance(cells_of, dict):
            return  # an unknown name given with and without categories
        cells_of[category] = value
        doc.marks[(*path, category)] = value_mark
        doc.key_marks[(*path, category)] = Mark(category_cell.row, category_cell.column)
