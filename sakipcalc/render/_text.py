"""Renderers for evaluation reports: terminal table, Markdown and JSON.

The table and Markdown take a ``locale`` (``"en"`` or ``"id"``): headings come
from :func:`sakipcalc.i18n.label` and numbers from
:func:`._format.number_text` (``41.42`` or ``41,42``). JSON is the same
in every locale and keeps every Decimal as a string so that no consumer turns
it into a binary float by accident.

Text from the spec (names, units, category names) is untrusted: control
characters are spelled out (see :mod:`._safety`) so that a spec cannot send
escape sequences to a terminal, and Markdown escapes pipes, backslashes and
line breaks so that a name cannot break a table, and ``&``, ``<`` and ``>``
so that a name cannot carry HTML into it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from .._jsonable import to_jsonable
from ..i18n import Locale, label
from ..results import (
    AgreementItemResult,
    CategoryRef,
    EvaluationReport,
    Figure,
    IndicatorResult,
)
from ._format import (
    category_text,
    figure_text,
    in_decimal_context,
    number_text,
    reason_text,
    target_text,
    walk_budget,
)
from ._safety import printable

__all__ = ["render_json", "render_markdown", "render_table", "to_jsonable"]


def _list_cell(names: Sequence[str], limit: int = 4) -> str:
    """A short list for a table cell: the first few names, then how many more."""
    shown = ", ".join(names[:limit])
    return shown + (f", … (+{len(names) - limit})" if len(names) > limit else "")


@in_decimal_context
def render_json(report: EvaluationReport) -> str:
    return json.dumps(to_jsonable(report), ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------ shared helpers
# Used by the CSV and XLSX renderers too.


def _has_efficiency(report: EvaluationReport) -> bool:
    return any(line.efficiency is not None for line, _, _ in walk_budget(report.budget))


def _warning_summary(report: EvaluationReport, locale: Locale) -> str | None:
    if not report.warnings:
        return None
    # The full list is one command away; a report readers scan should not drown in it.
    codes: dict[str, int] = {}
    for warning in report.warnings:
        codes[warning.code] = codes.get(warning.code, 0) + 1
    summary = ", ".join(f"{count} {code}" for code, count in sorted(codes.items()))
    return f"{label('warnings', locale)}: {summary} {label('warnings_hint', locale)}"


# ------------------------------------------------------------ terminal table

# Band colours (a scale's ``colour:``) as ANSI SGR codes; 208 is the xterm-256 orange.
_ANSI_COLOURS: dict[str, str] = {
    "red": "31",
    "orange": "38;5;208",
    "yellow": "33",
    "lightgreen": "92",
    "green": "32",
    "darkgreen": "32",
    "blue": "34",
    "lightblue": "94",
    "cyan": "36",
    "magenta": "35",
    "grey": "90",
    "gray": "90",
}
_RESET = "\x1b[0m"
_MAX_COLUMN = 400


def _ansi(category: CategoryRef | None, figure: Figure | None) -> str | None:
    """The SGR code for an achievement cell, or None to leave it plain."""
    if category is None or category.colour is None or figure is None or not figure.ok:
        return None
    key = re.sub(r"[\s_-]", "", category.colour).lower()
    return _ANSI_COLOURS.get(key)


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: frozenset[int],
    colours: Sequence[Mapping[int, str]] = (),
) -> str:
    """An aligned table; columns in ``right`` are right-aligned; ``colours[row][col]`` is SGR."""
    headers = [printable(h) for h in headers]
    cells = [[printable(c) for c in row] for row in rows]
    # A column is as wide as its widest cell, up to _MAX_COLUMN: a longer cell is
    # printed whole but does not pad every other row (one 200,000-character unit
    # would otherwise make the table rows × 200,000 characters).
    widths = [
        min(max([len(h), *(len(r[i]) for r in cells)]), _MAX_COLUMN) for i, h in enumerate(headers)
    ]

    def line(row: Sequence[str], colour: Mapping[int, str]) -> str:
        parts = []
        for i, text in enumerate(row):
            pad = " " * max(widths[i] - len(text), 0)
            if i in colour and text:
                text = f"\x1b[{colour[i]}m{text}{_RESET}"
            parts.append(pad + text if i in right else text + pad)
        return "  ".join(parts).rstrip()

    out = [line(headers, {}), "  ".join("-" * w for w in widths)]
    out.extend(line(r, colours[n] if n < len(colours) else {}) for n, r in enumerate(cells))
    return "\n".join(out)


def _indicator_table(
    report: EvaluationReport, locale: Locale, colour: bool
) -> tuple[list[str], list[tuple[str, ...]], list[dict[int, str]]]:
    headers = [
        label(key, locale)
        for key in ("indicator", "unit", "target", "realisation", "achievement", "category", "note")
    ]
    rows: list[tuple[str, ...]] = []
    colours: list[dict[int, str]] = []
    for result in report.indicators:
        rows.append(
            (
                result.indicator,
                result.unit,
                target_text(result.target, locale),
                figure_text(result.realisation, locale),
                figure_text(result.achievement, locale),
                category_text(result.category),
                reason_text((result.realisation, result.achievement)),
            )
        )
        code = _ansi(result.category, result.achievement) if colour else None
        colours.append({4: code} if code else {})
    return headers, rows, colours


@in_decimal_context
def render_table(report: EvaluationReport, *, locale: Locale = "en", colour: bool = False) -> str:
    """An aligned text table of every indicator, then roll-ups and budget.

    With ``colour=True`` each achievement figure is drawn in its category's
    band colour (ANSI escapes); the caller decides whether the stream wants
    colour (a terminal, no ``NO_COLOR``). Headings are in ``locale``, numbers
    use its decimal separator (``41,42`` in ``id``).
    """
    period = label("period", locale).lower()
    title = printable(f"{report.spec_name} — {period} {report.period}")
    headers, rows, colours = _indicator_table(report, locale, colour)
    parts = [
        title,
        "=" * len(title),
        "",
        _table(headers, rows, right=frozenset({2, 3, 4}), colours=colours),
    ]
    if report.rollups:
        parts += ["", label("rollups", locale), ""]
        rollup_rows = []
        rollup_colours: list[dict[int, str]] = []
        for r in report.rollups:
            rollup_rows.append(
                (
                    r.kind,
                    r.id,
                    r.rule,
                    figure_text(r.achievement, locale),
                    category_text(r.category),
                    _list_cell(r.excluded),
                )
            )
            code = _ansi(r.category, r.achievement) if colour else None
            rollup_colours.append({3: code} if code else {})
        keys = ("kind", "id", "rule", "achievement", "category", "excluded")
        parts.append(
            _table(
                [label(k, locale) for k in keys],
                rollup_rows,
                right=frozenset({3}),
                colours=rollup_colours,
            )
        )
    if report.budget:
        parts += ["", label("budget", locale), ""]
        efficiency = _has_efficiency(report)
        budget_keys: tuple[str, ...] = ("budget_line", "level", "ceiling", "spent", "absorption")
        if efficiency:
            budget_keys += ("efficiency", "category")
        budget_rows = []
        budget_colours: list[dict[int, str]] = []
        for line, _, depth in walk_budget(report.budget):
            row = [
                "  " * depth + line.id,
                line.level,
                number_text(line.ceiling, locale),
                number_text(line.spent, locale),
                figure_text(line.absorption, locale),
            ]
            code = None
            if efficiency:
                row += [
                    figure_text(line.efficiency, locale),
                    category_text(line.efficiency_category),
                ]
                code = _ansi(line.efficiency_category, line.efficiency) if colour else None
            budget_rows.append(row)
            budget_colours.append({5: code} if code else {})
        parts.append(
            _table(
                [label(k, locale) for k in budget_keys],
                budget_rows,
                right=frozenset({2, 3, 4, 5}),
                colours=budget_colours,
            )
        )
    summary = _warning_summary(report, locale)
    if summary is not None:
        parts += ["", printable(summary)]
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------ Markdown

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _md(text: str) -> str:
    """Text for a Markdown table cell or heading, inert as HTML and as table syntax.

    ``&``, ``<`` and ``>`` become entities (Markdown passes raw HTML through,
    so a name must not become a tag), ``|`` and ``\\`` are escaped, and line
    breaks become ``<br>``.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return printable(_LINE_BREAK.sub("<br>", text))


def _md_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: frozenset[int]
) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    for row in rows:
        lines.append("| " + " | ".join(_md(c) for c in row) + " |")
    return lines


_ITEM_KEYS = (
    "indicator",
    "name",
    "unit",
    "target",
    "realisation",
    "achievement",
    "category",
    "note",
)
_ITEM_RIGHT = frozenset({3, 4, 5})


def _item_row(item: IndicatorResult | AgreementItemResult, locale: Locale) -> tuple[str, ...]:
    return (
        item.indicator,
        item.name,
        item.unit,
        target_text(item.target, locale),
        figure_text(item.realisation, locale),
        figure_text(item.achievement, locale),
        category_text(item.category),
        reason_text((item.realisation, item.achievement)),
    )


@in_decimal_context
def render_markdown(report: EvaluationReport, *, locale: Locale = "en") -> str:
    """A Markdown (GitHub-flavoured) report: indicators, roll-ups, agreements per official, budget.

    Headings are in ``locale`` and numbers use its decimal separator; Rupiah
    amounts are grouped (``12.364.293.866`` in ``id``).
    """

    def heading(key: str) -> list[str]:
        return ["", f"## {label(key, locale)}", ""]

    lines = [f"# {_md(report.spec_name)} — {report.period}"]
    if report.agency:
        lines += ["", f"{label('agency', locale)}: {_md(report.agency)}"]
    lines += heading("indicators")
    lines += _md_table(
        [label(k, locale) for k in _ITEM_KEYS],
        [_item_row(result, locale) for result in report.indicators],
        _ITEM_RIGHT,
    )
    if report.rollups:
        lines += heading("rollups")
        keys = ("kind", "id", "name", "rule", "achievement", "category", "excluded")
        lines += _md_table(
            [label(k, locale) for k in keys],
            [
                (
                    r.kind,
                    r.id,
                    r.name,
                    r.rule,
                    figure_text(r.achievement, locale),
                    category_text(r.category),
                    _list_cell(r.excluded),
                )
                for r in report.rollups
            ],
            frozenset({4}),
        )
    if report.agreements:
        lines += heading("agreements")
        for agreement in report.agreements:
            official = agreement.official or agreement.org_unit_name
            if lines[-1]:
                lines.append("")
            lines += [
                f"### {_md(official)} — {_md(agreement.org_unit_name)}",
                "",
                f"{label('agreement', locale)} `{agreement.id}` · "
                f"{label('year', locale)} {agreement.year} · "
                f"{label('level', locale)} {_md(agreement.level)}",
                "",
            ]
            lines += _md_table(
                [label(k, locale) for k in _ITEM_KEYS],
                [_item_row(item, locale) for item in agreement.items],
                _ITEM_RIGHT,
            )
            rollup = figure_text(agreement.rollup, locale)
            if not agreement.rollup.ok:
                rollup += f" ({_md(reason_text((agreement.rollup,)))})"
            lines += ["", f"**{label('agreement_rollup', locale)}**: {rollup}"]
    if report.budget:
        lines += heading("budget")
        efficiency = _has_efficiency(report)
        budget_keys: tuple[str, ...] = (
            "budget_line",
            "name",
            "level",
            "ceiling",
            "spent",
            "absorption",
        )
        if efficiency:
            budget_keys += ("efficiency", "category")
        rows = []
        for line, _, _ in walk_budget(report.budget):
            row = [
                line.id,
                line.name,
                line.level,
                number_text(line.ceiling, locale, grouping=True),
                number_text(line.spent, locale, grouping=True),
                figure_text(line.absorption, locale),
            ]
            if efficiency:
                row += [
                    figure_text(line.efficiency, locale),
                    category_text(line.efficiency_category),
                ]
            rows.append(row)
        lines += _md_table([label(k, locale) for k in budget_keys], rows, frozenset({3, 4, 5, 6}))
    summary = _warning_summary(report, locale)
    if summary is not None:
        lines += ["", _md(summary)]
    return "\n".join(lines) + "\n"
