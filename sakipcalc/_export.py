"""Realisation data out, in the long layout :func:`~sakipcalc.load_data` reads back.

``write_data(data, "realisasi.csv", locale="id")`` writes one row per value:
``name, category, period, value``. Numbers are written in the locale's format
(``75.695``, ``13,32``), an explicitly missing value as ``-``, grades as their
labels. Reading the file back with the same locale gives exactly the same
:class:`~sakipcalc.DataSet` values: that round trip is tested.

CSV: UTF-8 with a byte-order mark (so that Excel reads it as UTF-8), ``;``
between fields for ``id`` (what Excel uses where the decimal separator is a
comma) and ``,`` for ``en``. XLSX (needs openpyxl): one sheet named
``realisasi``; a number with at most 15 significant digits is a number cell
(Excel keeps 15), a longer one is written as locale text so that no digit is
lost. Text cells are escaped against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path

from ._exact import own_context
from ._spec import DataSet, DataValue, Grade
from .i18n import Locale, format_number

__all__ = ["data_rows", "write_data"]

_HEADER = ("name", "category", "period", "value")
_MAX_NUMBER_CELL_DIGITS = 15


def data_rows(data: DataSet) -> Iterator[tuple[str, str, str, DataValue]]:
    """(name, category, period, value) for every value, in period, name, category order."""
    for period in sorted(data.values, key=_period_key):
        values = data.values[period]
        for name in sorted(values):
            value = values[name]
            if isinstance(value, Mapping):
                for category, cell in value.items():
                    yield name, category, period, cell
            else:
                yield name, "", period, value


def _period_key(period: str) -> tuple[str, str]:
    return period[:4], period[4:]


def _text(value: DataValue, locale: Locale) -> str:
    if value is None:
        return "-"
    if isinstance(value, Grade):
        return value.label
    if isinstance(value, Decimal):
        return format_number(value, locale, grouping=True)
    raise TypeError(f"not a single data value: {value!r}")  # pragma: no cover


@own_context  # numbers are written in sakipcalc's Decimal context, not the caller's
def write_data(
    data: DataSet, destination: str | os.PathLike[str], *, locale: Locale = "en"
) -> None:
    """Write ``data`` as ``.csv`` or ``.xlsx`` (chosen by the file's suffix)."""
    path = Path(destination)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_text(_csv(data, locale), encoding="utf-8-sig", newline="")
    elif suffix == ".xlsx":
        _xlsx(data, path, locale)
    else:
        raise ValueError(
            f"cannot write data as {suffix or 'a file without suffix'}: use .csv or .xlsx"
        )


def _csv(data: DataSet, locale: Locale) -> str:
    from .render._safety import spreadsheet_text

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if locale == "id" else ",", lineterminator="\r\n")
    writer.writerow(_HEADER)
    for name, category, period, value in data_rows(data):
        writer.writerow(
            [spreadsheet_text(name), spreadsheet_text(category), period, _text(value, locale)]
        )
    return out.getvalue()


def _xlsx(data: DataSet, path: Path, locale: Locale) -> None:
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise ImportError('writing XLSX needs openpyxl: pip install "sakipcalc[xlsx]"') from exc
    from .render._safety import spreadsheet_text

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "realisasi"
    sheet.append(list(_HEADER))
    for row, (name, category, period, value) in enumerate(data_rows(data), start=2):
        sheet.cell(row=row, column=1, value=spreadsheet_text(name))
        if category:
            sheet.cell(row=row, column=2, value=spreadsheet_text(category))
        sheet.cell(row=row, column=3, value=period)
        cell = sheet.cell(row=row, column=4)
        if isinstance(value, Decimal) and len(value.as_tuple().digits) <= _MAX_NUMBER_CELL_DIGITS:
            # The exact digits typed as a number (openpyxl would round a Decimal
            # through "%.16g" of a float).
            cell.value = format(value, "f")
            cell.data_type = "n"
        else:
            cell.value = _text(value, locale)
    sheet.freeze_panes = "A2"
    workbook.save(path)
