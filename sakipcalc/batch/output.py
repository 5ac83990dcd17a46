"""The batch tables written out: Parquet, CSV or one XLSX workbook, all or nothing.

``-o OUT.parquet`` (or ``.csv``) writes the per-unit results to ``OUT.parquet``,
the spec's roll-ups per unit to ``OUT.rollups.parquet`` and, with a units
file, the roll-ups over the hierarchy to ``OUT.hierarchy.parquet``: three
tables of different shapes stay three files, each readable on its own.
``-o OUT.xlsx`` writes one workbook with a sheet for each.

Parquet keeps the exact decimal types. CSV writes decimals as their digits;
lists (missing inputs, members) are joined with ``"; "`` and the category
counts read ``tinggi: 3; sedang: 1``. XLSX number cells hold the exact
digits (the report's own cells, :mod:`sakipcalc.render._xlsx`), shown with
the places the figure was rounded to.

Every table is computed before anything is written; the files are written
beside their targets and renamed into place one inside the other, so a
failure while writing any of them leaves none. This module is the batch
command's output end (it sits with ``cli``, after ``render``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any, TextIO

from .._atomic import write_atomically
from .._progress import progress
from .._spec import Spec
from ..errors import OutputError
from ..rounding import effective_rounding

__all__ = ["SUFFIXES", "XLSX_MAX_ROWS", "output_paths", "refuse_inputs", "write_tables"]

SUFFIXES = (".parquet", ".csv", ".xlsx")


def output_paths(output: Path, names: list[str]) -> dict[str, Path]:
    """Where each table goes: ``results`` at ``output``, the others beside it."""
    if output.suffix.lower() == ".xlsx":
        return dict.fromkeys(names, output)
    stem, suffix = output.name[: -len(output.suffix)], output.suffix
    return {
        name: output if name == "results" else output.with_name(f"{stem}.{name}{suffix}")
        for name in names
    }


def refuse_inputs(output: Path, inputs: Mapping[str | None, str]) -> None:
    """Raise OutputError when a file the run would write is one it reads (name → role)."""
    for path in set(output_paths(output, ["results", "rollups", "hierarchy"]).values()):
        if not path.exists():
            continue
        for name, role in inputs.items():
            try:
                same = name is not None and os.path.samefile(path, name)
            except (OSError, ValueError):
                continue
            if same:
                raise OutputError(
                    f"-o {output} would overwrite {role} of this run ({path}); "
                    f"choose another output file"
                )


XLSX_MAX_ROWS = 1_048_576  # a worksheet's limit, the heading row included


def write_tables(
    spec: Spec, tables: Mapping[str, Any], output: Path, *, stream: TextIO | None = None
) -> list[Path]:
    """Write ``tables`` (name → Arrow table, ``results`` first); the paths written.

    ``stream`` shows a progress bar over the XLSX rows, when it is a terminal.
    """
    paths = output_paths(output, list(tables))
    if output.suffix.lower() == ".xlsx":
        for name, table in tables.items():
            if table.num_rows >= XLSX_MAX_ROWS:
                raise OutputError(
                    f"-o {output}: the {name} table has {table.num_rows} rows, more than an "
                    f"XLSX sheet holds ({XLSX_MAX_ROWS - 1}); write .parquet or .csv"
                )
        write_atomically(output, lambda path: _xlsx(spec, tables, path, stream))
        return [output]
    writers: list[tuple[Path, Callable[[Path], None]]] = []
    for name, table in tables.items():
        writers.append((paths[name], _writer(table, output.suffix.lower())))
    _nested(writers)
    return [path for path, _ in writers]


def _nested(writers: list[tuple[Path, Callable[[Path], None]]]) -> None:
    # Each file is renamed into place only after the ones after it were: an error
    # while writing any of them leaves none of them written.
    if not writers:
        return
    (path, write), rest = writers[0], writers[1:]

    def produce(temporary: Path) -> None:
        write(temporary)
        _nested(rest)

    write_atomically(path, produce)


def _writer(table: Any, suffix: str) -> Callable[[Path], None]:
    def parquet(path: Path) -> None:
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

        pq.write_table(table, path)

    def csv(path: Path) -> None:
        import pyarrow.csv as pcsv  # type: ignore[import-untyped,unused-ignore]

        pcsv.write_csv(flat_table(table), path)

    return parquet if suffix == ".parquet" else csv


def flat_table(table: Any) -> Any:
    """Lists as ``"; "``-joined text, category counts as ``label: n``: for CSV."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    for index, field in enumerate(table.schema):
        if not pa.types.is_list(field.type):
            continue
        if pa.types.is_struct(field.type.value_type):
            text = pa.array(
                ["; ".join(f"{c['category']}: {c['units']}" for c in cell or []) for cell in
                 table.column(index).to_pylist()],
                pa.string(),
            )  # fmt: skip
        else:
            text = pc.binary_join(table.column(index), "; ")
        table = table.set_column(index, pa.field(field.name, pa.string()), text)
    return table


# ------------------------------------------------------------------ XLSX

_ROUNDED = ("realisation", "achievement", "min_achievement", "max_achievement")
_WHOLE = ("realisation_num", "realisation_den", "achievement_num", "achievement_den")


def _places(spec: Spec) -> Callable[[Mapping[str, Any]], int]:
    """The places a row's rounded figures were rounded to."""
    base = spec.info.rounding
    by_indicator = {
        i: effective_rounding(base, ind.rounding).places for i, ind in spec.indicators.items()
    }

    def places(row: Mapping[str, Any]) -> int:
        if "indicator" in row:
            return by_indicator[row["indicator"]]
        if row.get("kind") == "indicator":
            return by_indicator[row["id"]]
        return base.places

    return places


def _xlsx(spec: Spec, tables: Mapping[str, Any], path: Path, stream: TextIO | None) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]
    from openpyxl.styles import Font  # type: ignore[import-untyped,unused-ignore]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

    from ..render._safety import xlsx_text
    from ..render._xlsx import NumberCell, places_format, put_cell, sheet_title

    places_of = _places(spec)
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for name, table in tables.items():
        sheet: Any = workbook.create_sheet(sheet_title(name))
        headings = list(table.schema.names)
        sheet.append([xlsx_text(h) for h in headings])
        for cell in sheet[1]:
            cell.font = bold
        flat = flat_table(table)
        rows: Iterable[dict[str, Any]] = flat.to_pylist()
        if stream is not None:
            rows = progress(rows, total=flat.num_rows, label=f"xlsx {name}", stream=stream)
        for row_number, row in enumerate(rows, start=2):
            places = places_of(row)
            for column, heading in enumerate(headings, start=1):
                value = row[heading]
                if value is None or value == "":
                    continue  # an empty list is an empty cell, as a missing figure
                cell = sheet.cell(row=row_number, column=column)
                if isinstance(value, Decimal):
                    exact = _at_places(value, places) if heading in _ROUNDED else value
                    fmt = places_format(exact) if heading in _ROUNDED else "0"
                    put_cell(cell, NumberCell(exact, fmt if heading not in _WHOLE else "0"))
                elif isinstance(value, int):
                    put_cell(cell, value)
                else:
                    put_cell(cell, str(value))
        sheet.freeze_panes = "A2"
        last = get_column_letter(len(headings))
        sheet.auto_filter.ref = f"A1:{last}{flat.num_rows + 1}"
    workbook.save(path)


def _at_places(value: Decimal, places: int) -> Decimal:
    """``value`` (rounded to ``places`` already) written with exactly ``places`` decimals."""
    with localcontext(prec=200):
        return Decimal(int(value.scaleb(places))).scaleb(-places)
