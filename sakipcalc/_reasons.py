"""Why a figure has no value, and what ``check`` found, in Indonesian: one translation table.

The engine states reasons in English (the canonical text: JSON, ``check``
JSON, tests). Reports in ``id`` print them through :func:`translate`, which
matches each reason against the patterns below. A reason may be built from
others (``realisation is not computable: <reason>``, reasons joined by
``"; "``); groups named ``r…`` are reasons themselves and are translated in
turn. A test walks the engine's sources and checks that every reason it can
build has a pattern here, so a new English reason cannot reach an
Indonesian report untranslated without a failing test.

Identifiers, formulas and periods pass through unchanged; a decimal number in
a group named ``n…`` takes the Indonesian decimal comma.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["PATTERNS", "WARNINGS", "localise_decimals", "translate", "translate_trace"]

_Rule = tuple[re.Pattern[str], str]


def _rule(pattern: str, template: str) -> _Rule:
    return re.compile(pattern, re.DOTALL), template


_ID_ = r"[^']+"

#: (English pattern, Indonesian template); the first pattern that matches the
#: whole text wins. Templates use the groups' names in braces.
PATTERNS: tuple[_Rule, ...] = (
    # ---- missing data (results.Figure.missing_data)
    _rule(
        r"missing data: (?P<names>[^;()]+?)(?: \((?P<what>[^;()]+)\))?",
        "data belum tersedia: {names} {what}",
    ),
    _rule(r"no target for (?P<period>\S+)", "tidak ada target untuk {period}"),
    _rule(r"no target", "tidak ada target"),
    # ---- achievement
    _rule(
        r"(?P<arithmetic>.+): a negative achievement is refused \('negative: not_computable'\)",
        "{arithmetic}: capaian negatif ditolak ('negative: not_computable')",
    ),
    _rule(r"realisation is not computable: (?P<r>.+)", "realisasi tidak dapat dihitung: {r}"),
    _rule(
        rf"'(?P<label>{_ID_})' is not a grade of scale '(?P<scale>{_ID_})'",
        "'{label}' bukan predikat pada skala '{scale}'",
    ),
    _rule(
        rf"score (?P<n>\S+) falls in no band of scale '(?P<scale>{_ID_})'",
        "nilai {n} tidak masuk rentang mana pun pada skala '{scale}'",
    ),
    _rule(
        r"a range cannot be compared on a grade scale",
        "target berupa rentang tidak dapat dibandingkan pada skala predikat",
    ),
    _rule(
        r"a grade target needs the indicator's grade scale",
        "target berupa predikat memerlukan skala predikat indikator",
    ),
    _rule(
        r"zero target: achievement against a target of (?P<n>\S+) cannot be computed "
        r"\(declare 'zero_target' to set a policy\)",
        "tidak dapat dihitung: target bernilai {n} "
        "(tetapkan 'zero_target' untuk mengatur kebijakannya)",
    ),
    _rule(
        r"negative target (?P<n>\S+): ratio rules such as R / T invert below zero, so the "
        r"achievement cannot be computed; express the target as a non-negative quantity",
        "tidak dapat dihitung: target negatif {n} (rumus rasio seperti R / T terbalik di "
        "bawah nol); nyatakan target sebagai besaran yang tidak negatif",
    ),
    _rule(
        r"zero realisation: T / R is undefined when the realisation is 0",
        "tidak dapat dihitung: T / R tidak terdefinisi bila realisasi bernilai 0",
    ),
    _rule(
        r"(?P<r>.+) \(outside (?P<nlow>\S+)–(?P<nhigh>\S+)\)",
        "{r} (di luar rentang {nlow}–{nhigh})",
    ),
    # ---- roll-ups
    _rule(
        r"no member has a computable achievement",
        "tidak ada anggota yang capaiannya dapat dihitung",
    ),
    _rule(
        rf"indicator '(?P<id>{_ID_})' declares no weight", "indikator '{id}' tidak memiliki bobot"
    ),
    _rule(r"the weights sum to 0", "tidak dapat dihitung: jumlah bobot bernilai 0"),
    _rule(
        r"ratio of sums needs additive higher-is-better indicators with numeric targets; "
        rf"'(?P<id>{_ID_})' is not one",
        "rasio jumlah memerlukan indikator aditif yang makin tinggi makin baik dengan target "
        "angka; '{id}' tidak demikian",
    ),
    _rule(
        r"zero denominator: the targets sum to 0",
        "tidak dapat dihitung: penyebut (jumlah target) bernilai 0",
    ),
    # ---- budget
    _rule(
        r"zero denominator: the ceiling \(pagu\) is 0",
        "tidak dapat dihitung: penyebut (pagu) bernilai 0",
    ),
    _rule(r"absorption is not computable: (?P<r>.+)", "penyerapan tidak dapat dihitung: {r}"),
    _rule(
        r"an achievement of a linked indicator is not computable",
        "capaian salah satu indikator terkait tidak dapat dihitung",
    ),
    # ---- formulas
    _rule(
        rf"'(?P<id>{_ID_})' is not computable \((?P<r>.+)\)",
        "'{id}' tidak dapat dihitung ({r})",
    ),
    _rule(
        r"zero denominator: (?P<expr>.+) is 0",
        "tidak dapat dihitung: penyebut {expr} bernilai 0",
    ),
    _rule(
        r"arithmetic out of range: (?P<expr>.+) is too small to hold exactly",
        "aritmetika di luar jangkauan: {expr} terlalu kecil untuk disimpan dengan tepat",
    ),
    _rule(
        r"arithmetic out of range: (?P<expr>.+) overflows",
        "aritmetika di luar jangkauan: {expr} terlalu besar",
    ),
    _rule(
        r"arithmetic not exact: (?P<expr>.+) needs more than (?P<digits>\S+) "
        r"significant digits",
        "aritmetika tidak eksak: {expr} memerlukan lebih dari {digits} angka penting",
    ),
    _rule(
        r"undefined arithmetic, such as 0 \*\* 0: (?P<expr>.+)",
        "aritmetika tidak terdefinisi, misalnya 0 ** 0: {expr}",
    ),
    _rule(
        r"a quarter is not computable: (?P<r>.+)", "salah satu triwulan tidak dapat dihitung: {r}"
    ),
    _rule(
        r"no quarter rule: the year is not built from its quarters",
        "tidak ada aturan triwulan: nilai tahunan tidak dibentuk dari triwulan",
    ),
    _rule(
        r"the quarters are grades \((?P<g>[^)]*)\): only 'quarters: last' makes a year of grades",
        "nilai triwulan berupa predikat ({g}): hanya 'quarters: last' membentuk predikat tahunan",
    ),
    # ---- check: reasons and notes of discrepancies
    _rule(r"the spec has no budget for (?P<year>\S+)", "spec tidak memuat anggaran tahun {year}"),
    _rule(rf"no budget line '(?P<id>{_ID_})'", "tidak ada baris anggaran '{id}'"),
    _rule(r"zero ceiling", "tidak dapat dihitung: pagu bernilai 0"),
    _rule(r"differs by (?P<n>\S+)", "selisih {n}"),
    _rule(
        r"the printed target differs from the plan's \(Renstra\) target",
        "target yang dicetak berbeda dengan target Renstra",
    ),
    _rule(
        rf"the printed target differs from the target signed in '(?P<id>{_ID_})'",
        "target yang dicetak berbeda dengan target yang ditandatangani dalam '{id}'",
    ),
    _rule(
        rf"Perjanjian Kinerja '(?P<id>{_ID_})' targets (?P<nt>[^;]+); "
        r"the plan \(Renstra\) targets (?P<np>.+)",
        "Perjanjian Kinerja '{id}' menargetkan {nt}; Renstra menargetkan {np}",
    ),
    _rule(
        r"the plan has no target for (?P<period>\S+); (?P<source>.+) prints (?P<nt>[^ ]+)",
        "Renstra tidak memuat target {period}; {source} mencetak {nt}",
    ),
    _rule(
        r"matches (?P<modes>[a-z_, ]+) rounding, not the declared (?P<mode>[a-z_]+)"
        r"(?:; (?P<r>.+))?",
        "cocok dengan {modes}, bukan {mode} yang ditetapkan; {r}",
    ),
    _rule(
        r"it follows from the printed realisation (?P<nr>.+)",
        "mengikuti realisasi yang dicetak {nr}",
    ),
    _rule(
        r"the declared total is not the sum of its parts",
        "jumlah yang dicetak bukan jumlah rinciannya",
    ),
    _rule(
        r"the declared total is not the sum of its programs",
        "jumlah yang dicetak bukan jumlah programnya",
    ),
)

# The spec's warnings a report lists (validation), in the same table.
WARNINGS: tuple[_Rule, ...] = (
    _rule(
        rf"'(?P<a>{_ID_})' \((?P<u>[^)]*)\) supports '(?P<b>{_ID_})' \((?P<v>[^)]*)\): "
        r"the units differ",
        "'{a}' ({u}) mendukung '{b}' ({v}): satuannya berbeda",
    ),
    _rule(
        r"target (?P<n>\S+) is negative: ratio rules such as R / T invert below zero, so its "
        r"achievement will be 'not computable'",
        "target {n} negatif: rumus rasio seperti R / T terbalik di bawah nol, sehingga "
        "capaiannya tidak dapat dihitung",
    ),
    _rule(
        r"agreement year (?P<year>\S+) is outside the plan (?P<start>\S+)–(?P<end>\S+)",
        "tahun perjanjian {year} di luar periode Renstra {start}–{end}",
    ),
    _rule(
        rf"the ceiling of '(?P<id>{_ID_})' is declared as (?P<n1>\S+), "
        r"but its parts sum to (?P<n2>\S+)",
        "pagu '{id}' tercatat {n1}, tetapi jumlah rinciannya {n2}",
    ),
    _rule(
        rf"the spending of '(?P<id>{_ID_})' is declared as (?P<n1>\S+), "
        r"but its parts sum to (?P<n2>\S+)",
        "realisasi anggaran '{id}' tercatat {n1}, tetapi jumlah rinciannya {n2}",
    ),
    _rule(
        r"the (?P<year>\S+) total ceiling is declared as (?P<n1>\S+), "
        r"but its programs sum to (?P<n2>\S+)",
        "total pagu {year} tercatat {n1}, tetapi jumlah programnya {n2}",
    ),
    _rule(
        r"the (?P<year>\S+) total spent is declared as (?P<n1>\S+), "
        r"but its programs sum to (?P<n2>\S+)",
        "total realisasi anggaran {year} tercatat {n1}, tetapi jumlah programnya {n2}",
    ),
)
PATTERNS += WARNINGS

_WHAT: dict[str, str] = {"given as empty": "diisi kosong"}
_QUARTERS = re.compile(r"annual value from quarters by (\w+)")
_CUMULATIVE = re.compile(r"cumulative from quarters by (\w+)")  # quarterly monitoring
_QUARTER_RULES = {"sum": "jumlah", "last": "nilai terakhir", "mean": "rata-rata", "max": "maksimum"}
# Rounding modes as a reviewer names them.
_MODES = {
    "half_up": "pembulatan setengah ke atas",
    "half_even": "pembulatan setengah ke genap",
    "truncate": "pemotongan desimal",
}
_MISSING_NAME = re.compile(r"(?P<name>\S+?)(?: in (?P<period>\S+))?")
# A decimal number inside other text: "73.55", "-2.5"; not a version or a date.
_DECIMAL = re.compile(r"(?<![0-9.])(-?[0-9]+)\.([0-9]+)(?![0-9.])")


_PLAIN_NUMBER = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


def localise_decimals(text: str) -> str:
    """``73.55`` as ``73,55`` wherever a decimal number stands in ``text``."""
    return _DECIMAL.sub(r"\1,\2", text)


def _number(text: str) -> str:
    """A number alone (``702545359``) grouped the Indonesian way; other text as a trace."""
    match = _PLAIN_NUMBER.fullmatch(text)
    if match is None:
        return localise_decimals(text)
    sign, whole, fraction = match.groups()
    head = len(whole) % 3 or 3
    grouped = ".".join([whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))])
    return sign + grouped + ("," + fraction if fraction else "")


def _modes(text: str) -> str:
    return ", ".join(_MODES.get(mode, mode) for mode in text.split(", "))


def _names(text: str) -> str:
    """``a in 2022, b[c] in 2022`` as ``a (2022), b[c] (2022)``."""
    parts = []
    for part in text.split(", "):
        match = _MISSING_NAME.fullmatch(part)
        if match is None:  # pragma: no cover - every missing input reads so
            parts.append(part)
            continue
        period = match["period"]
        parts.append(match["name"] + (f" ({period})" if period else ""))
    return ", ".join(parts)


def _what(text: str | None) -> str:
    if not text:
        return ""
    quarters = _QUARTERS.fullmatch(text)
    if quarters is not None:
        rule = _QUARTER_RULES.get(quarters[1], quarters[1])
        return f"(nilai tahunan dari triwulan: {rule})"
    cumulative = _CUMULATIVE.fullmatch(text)
    if cumulative is not None:
        rule = _QUARTER_RULES.get(cumulative[1], cumulative[1])
        return f"(kumulatif dari triwulan: {rule})"
    return f"({_WHAT.get(text, text)})"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _split(text: str) -> list[str]:
    """``a; b (c; d)`` as ``["a", "b (c; d)"]``: joins at the top level only."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith("; ", i):
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    return parts


def _fill(template: str, groups: dict[str, str | None], again: Callable[[str], str]) -> str:
    values: dict[str, str] = {}
    for name, value in groups.items():
        if value is None:
            values[name] = ""
        elif name == "names":
            values[name] = _names(value)
        elif name == "what":
            values[name] = _what(value)
        elif name.startswith("r"):
            values[name] = again(value)
        elif name.startswith("mode"):
            values[name] = _modes(value)
        elif name.startswith("n"):
            values[name] = _number(value)
        else:
            values[name] = value
    return template.format(**values).removesuffix("; ").rstrip()


def _translate_id(text: str) -> str | None:
    """The Indonesian reason, or None when no pattern matches."""
    for pattern, template in PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = match.groupdict()
        if not all(_balanced(v) for k, v in groups.items() if v and k.startswith("r")):
            continue  # a nested reason must be whole: "(x); 'y' is … (z)" is two reasons
        return _fill(template, groups, _translate_or_keep)
    parts = _split(text)
    if len(parts) > 1:
        return "; ".join(_translate_or_keep(part) for part in parts)
    return None


def _translate_or_keep(text: str) -> str:
    translated = _translate_id(text)
    return text if translated is None else translated


def translate(text: str, locale: str) -> str:
    """A reason or ``check`` note in ``locale``; English text is the canonical form.

    Text no pattern knows (a reason from a newer engine) is returned as it is
    rather than dropped.
    """
    if locale != "id" or not text:
        return text
    return _translate_or_keep(text)


# Calculation traces ("41.42 / 100 × 100 = 41.42 → 41.42") are arithmetic; these
# few words are all the English in them.
_TRACE_WORDS: tuple[tuple[str, str], ...] = (
    (" (as given)", " (sesuai data)"),
    ("position ", "posisi "),
    ("(score ", "(nilai "),
    (" within ", " dalam rentang "),
    ("(outside ", "(di luar rentang "),
    (", capped at ", ", dibatasi "),
    (" (zero_target policy)", " (kebijakan zero_target)"),
    (" met by ", " tercapai oleh "),
    (" missed by ", " tidak tercapai oleh "),
    ("weighted_mean(", "rata-rata tertimbang("),
    ("mean(", "rata-rata("),
    ("min(", "terendah("),
)


def translate_trace(text: str, locale: str) -> str:
    """A calculation trace in ``locale``: decimal commas and the few words in it."""
    if locale != "id" or not text:
        return text
    for english, indonesian in _TRACE_WORDS:
        text = text.replace(english, indonesian)
    return localise_decimals(text)
