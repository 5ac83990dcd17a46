"""The SQL stages from a realisation to an achievement, a category and the output rows.

The CTEs ``a`` to ``g`` pick each row's target (a unit's own, else the
spec's), find the realisation's grade, choose the bound of a range that was
missed, compute the achievement as an exact rational by the indicator's
polarity and rules (on band positions for a grade target), refuse a negative
one where the indicator says so, floor or cap it, and round it;
:func:`output_select` selects the result columns and the category band.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .._spec import Spec
from ..models import ExactRule, LowerRule, Polarity
from ..rounding import effective_rounding
from .sql import SMALL

__all__ = ["achievement_stages", "output_select", "reduced", "rounded", "shown"]


_LONG = 2**62  # below this, products of two parts and their doubles fit 64 bits


def _rounded(n: str, d: str, pw: str, mode: str) -> str:
    a = f"(abs({n}) * {pw})"
    q = f"({a} // {d})"
    r = f"({a} % {d})"
    bump = (
        f"CASE {mode} WHEN 'truncate' THEN 0 "
        f"WHEN 'half_up' THEN CASE WHEN 2 * {r} >= {d} THEN 1 ELSE 0 END "
        f"ELSE CASE WHEN 2 * {r} > {d} OR (2 * {r} = {d} AND {q} % 2 = 1) THEN 1 ELSE 0 END END"
    )
    return f"(sign({n}) * ({q} + {bump}))"


def rounded(n: str, d: str, pw: str, mode: str) -> str:
    """Signed integer of ``n / d`` rounded to the places ``pw = 10 ** places`` gives.

    In 64-bit arithmetic when the parts are small enough (most rows), which is several
    times cheaper than 128-bit division; the same formula either way."""
    small = f"(abs({n}) < {10**14} AND {pw} <= 10000 AND {d} < {_LONG})"
    fast = _rounded(f"CAST({n} AS BIGINT)", f"CAST({d} AS BIGINT)", f"CAST({pw} AS BIGINT)", mode)
    return f"CASE WHEN {small} THEN CAST({fast} AS HUGEINT) ELSE {_rounded(n, d, pw, mode)} END"


def reduced(n: str, d: str) -> tuple[str, str]:
    """``n / d`` in lowest terms (``d > 0``), in 64-bit arithmetic when the parts allow."""
    small = f"(abs({n}) < {_LONG} AND {d} < {_LONG})"
    ln, ld = f"CAST({n} AS BIGINT)", f"CAST({d} AS BIGINT)"
    return (
        f"CASE WHEN {small} THEN CAST({ln} // gcd({ln}, {ld}) AS HUGEINT) "
        f"ELSE {n} // gcd({n}, {d}) END",
        f"CASE WHEN {small} THEN CAST({ld} // gcd({ln}, {ld}) AS HUGEINT) "
        f"ELSE {d} // gcd({n}, {d}) END",
    )


def shown(n: str, d: str, digits: str, scale: str) -> str:
    """``show_raw``: ``n / d`` cut (not rounded) to ``digits`` decimals (``scale`` is
    ``10 ** digits``), trailing zeros dropped, with … when more digits follow."""
    scale = f"({scale})"
    a = f"(abs({n}) * {scale})"
    q = f"({a} // {d})"
    frac = f"lpad(CAST({q} % {scale} AS VARCHAR), {digits}, '0')"
    return (
        f"(CASE WHEN {n} < 0 THEN '-' ELSE '' END || CAST({q} // {scale} AS VARCHAR) || "
        f"CASE WHEN {a} % {d} <> 0 THEN '.' || {frac} || '…' "
        f"WHEN {q} % {scale} = 0 THEN '' ELSE '.' || rtrim({frac}, '0') END)"
    )


def printed(scaled: str) -> str:
    """A rounded value (``scaled / pw``) as the engine prints it: ``format(rounded, "f")``."""
    a = f"abs({scaled})"
    return (
        f"(CASE WHEN {scaled} < 0 THEN '-' ELSE '' END || CAST({a} // pw AS VARCHAR) || "
        f"CASE WHEN places > 0 THEN '.' || lpad(CAST({a} % pw AS VARCHAR), places, '0') "
        f"ELSE '' END)"
    )


def _in_band(alias: str, n: str, d: str) -> str:
    b = alias
    return (
        f"({b}.lo_n IS NULL OR {n} * {b}.lo_d > {b}.lo_n * {d} "
        f"OR ({b}.lo_inc AND {n} * {b}.lo_d = {b}.lo_n * {d})) "
        f"AND ({b}.hi_n IS NULL OR {n} * {b}.hi_d < {b}.hi_n * {d} "
        f"OR ({b}.hi_inc AND {n} * {b}.hi_d = {b}.hi_n * {d}))"
    )


def _target_stage(target_den: str) -> str:
    rk = rounded("r_n", "r_d", "pw", "mode")
    unit_n = f"(u.t // gcd(u.t, {target_den}))"
    unit_d = f"({target_den} // gcd(u.t, {target_den}))"
    show = "CASE WHEN contains(u.t_txt, '.') THEN rtrim(rtrim(u.t_txt, '0'), '.') ELSE u.t_txt END"
    return f"""a AS (SELECT lng.*, pol.* EXCLUDE (indicator), {rk} AS rk,
    CASE WHEN u.t IS NOT NULL THEN 'num' ELSE s.kind END AS kind,
    CASE WHEN u.t IS NOT NULL THEN {unit_n} ELSE s.t_n END AS t_n,
    CASE WHEN u.t IS NOT NULL THEN {unit_d} ELSE s.t_d END AS t_d,
    CASE WHEN u.t IS NOT NULL THEN u.t_txt ELSE s.t_txt END AS t_txt,
    CASE WHEN u.t IS NOT NULL THEN {show} ELSE s.t_show END AS t_show,
    s.lo_n, s.lo_d, s.lo_txt, s.lo_show, s.hi_n, s.hi_d, s.hi_txt, s.hi_show
  FROM lng JOIN pol ON pol.indicator = lng.indicator
  LEFT JOIN batch_targets AS u
    ON u.unit = lng.unit AND u.indicator = lng.indicator AND u.period = lng.period
  LEFT JOIN tgt AS s ON s.indicator = lng.indicator AND s.period = lng.period)"""


def achievement_stages(target_den: str) -> list[str]:
    # The realisation's grade (of the rounded figure unless achievement_from is raw) on
    # the indicator's grade scale; its position is R against a grade target.
    sn, sd = "(CASE WHEN ach_raw THEN r_n ELSE rk END)", "(CASE WHEN ach_raw THEN r_d ELSE pw END)"
    graded = f"""ag AS (SELECT a.*, gb.label AS grade, gb.position AS rp FROM a
  LEFT JOIN bands AS gb ON gb.scale = a.grade_scale AND a.r_st = 'ok'
    AND {_in_band("gb", sn, sd)})"""
    b = """b AS (SELECT *,
    CASE WHEN kind = 'grade' THEN CAST(rp AS HUGEINT) WHEN ach_raw THEN r_n ELSE rk END AS x_n,
    CASE WHEN kind = 'grade' THEN CAST(1 AS HUGEINT) WHEN ach_raw THEN r_d ELSE pw END AS x_d
  FROM ag)"""
    low = "(x_n * lo_d < lo_n * x_d)"
    high = "(x_n * hi_d > hi_n * x_d)"

    def bound(part: str) -> str:
        lo, hi, t = f"lo_{part}", f"hi_{part}", f"t_{part}"
        return f"CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN {lo} ELSE {hi} END ELSE {t} END"

    c = f"""c AS (SELECT *,
    (kind = 'range' AND NOT {low} AND NOT {high}) AS inr,
    {bound("n")} AS bn, {bound("d")} AS bd, {bound("txt")} AS btxt, {bound("show")} AS bshow,
    CASE WHEN kind = 'range' THEN ' (outside ' || lo_txt || '–' || hi_txt || ')' ELSE '' END AS sfx
  FROM b)"""
    met = (
        "CASE pol WHEN 'higher_is_better' THEN x_n >= 0 WHEN 'lower_is_better' THEN x_n <= 0 "
        "ELSE x_n = 0 END"
    )
    zero_msg = (
        "'zero target: achievement against a target of ' || btxt || ' cannot be computed "
        "(declare ''zero_target'' to set a policy)'"
    )
    neg_msg = (
        "'negative target ' || bshow || ': ratio rules such as R / T invert below zero, so the "
        "achievement cannot be computed; express the target as a non-negative quantity'"
    )
    no_band = (
        f"'score ' || {printed('rk')} || ' falls in no band of scale ''' || grade_scale || ''''"
    )
    binary = f"(pol = '{Polarity.EXACT.value}' AND exact_rule = '{ExactRule.BINARY.value}')"
    official = f"lower_rule = '{LowerRule.OFFICIAL.value}'"
    equal = "(x_n * bd = bn * x_d)"
    d = f"""d AS (SELECT *,
    CASE WHEN inr OR kind IS NULL OR r_st <> 'ok' THEN NULL
      WHEN kind = 'grade' AND rp IS NULL THEN {no_band}
      WHEN bn = 0 THEN CASE WHEN NOT zt THEN {zero_msg} END
      WHEN bn < 0 AND NOT {binary} THEN {neg_msg}
      WHEN pol = 'lower_is_better' AND NOT {official} AND x_n = 0
        THEN 'zero realisation: T / R is undefined when the realisation is 0'
    END AS a_err,
    CASE WHEN inr THEN CAST(100 AS HUGEINT)
      WHEN bn = 0 THEN CASE WHEN {met} THEN ztm_n ELSE ztx_n END
      WHEN {binary} THEN CASE WHEN {equal} THEN CAST(100 AS HUGEINT) ELSE CAST(0 AS HUGEINT) END
      WHEN bn < 0 THEN NULL
      WHEN pol = 'higher_is_better' THEN x_n * bd * 100
      WHEN pol = 'lower_is_better' AND {official} THEN (2 * bn * x_d - x_n * bd) * 100
      WHEN pol = 'lower_is_better' THEN bn * x_d * 100 * sign(x_n)
      ELSE (bn * x_d - abs(x_n * bd - bn * x_d)) * 100
    END AS a_n0,
    CASE WHEN inr THEN CAST(1 AS HUGEINT)
      WHEN bn = 0 THEN CASE WHEN {met} THEN ztm_d ELSE ztx_d END
      WHEN {binary} THEN CAST(1 AS HUGEINT)
      WHEN bn < 0 THEN NULL
      WHEN pol = 'higher_is_better' THEN x_d * bn
      WHEN pol = 'lower_is_better' AND {official} THEN x_d * bn
      WHEN pol = 'lower_is_better' THEN bd * NULLIF(abs(x_n), 0)
      ELSE bn * x_d
    END AS a_d0
  FROM c)"""
    # 'negative: not_computable' quotes the computation as the engine writes it (R and T
    # as show_raw(…, 4) writes them: up to 8 decimals); a zero
    # target's policy never gives a negative value here (refused in the plan).
    r_shown = (
        f"(CASE WHEN kind = 'grade' THEN 'position ' || CAST(rp AS VARCHAR) || ' (' || grade "
        f"|| ' (score ' || {printed('rk')} || '))' ELSE {shown('x_n', 'x_d', '8', '100000000')} END)"
    )
    template = f"""CASE WHEN pol = 'higher_is_better' THEN {r_shown} || ' / ' || bshow || ' × 100'
      WHEN pol = 'lower_is_better' AND {official}
        THEN '(2 × ' || bshow || ' − ' || {r_shown} || ') / ' || bshow || ' × 100'
      WHEN pol = 'lower_is_better' THEN bshow || ' / ' || {r_shown} || ' × 100'
      ELSE '(1 − |' || {r_shown} || ' − ' || bshow || '| / ' || bshow || ') × 100' END"""
    negative = (
        f"({template}) || sfx || ' = ' || {shown('a_n1', 'a_d1', 'places + 4', 'pw * 10000')}"
        " || ': a negative achievement is refused (''negative: not_computable'')'"
    )
    refused = "(negnc AND a_err IS NULL AND a_n1 < 0)"
    small = f"(abs(a_n0) < {SMALL} AND a_d0 < {SMALL})"
    e = f"""e AS (SELECT *,
    CASE WHEN kind IS NULL AND r_st = 'missing_data' THEN 'missing_data'
      WHEN kind IS NULL THEN 'not_computable'
      WHEN r_st <> 'ok' THEN r_st
      WHEN a_err IS NOT NULL OR {refused} THEN 'not_computable' ELSE 'ok' END AS a_st,
    CASE WHEN kind IS NULL AND r_st = 'missing_data' THEN r_why || '; no target for ' || period
      WHEN kind IS NULL THEN 'no target for ' || period
      WHEN r_st = 'missing_data' THEN r_why
      WHEN r_st <> 'ok' THEN 'realisation is not computable: ' || r_why
      WHEN a_err IS NOT NULL THEN a_err || sfx
      WHEN {refused} THEN {negative} END AS a_why
  FROM (SELECT *,
      CASE WHEN {small} THEN a_n0 ELSE a_n0 // gcd(a_n0, a_d0) END AS a_n1,
      CASE WHEN {small} THEN a_d0 ELSE a_d0 // gcd(a_n0, a_d0) END AS a_d1
    FROM d) AS r)"""
    # As the engine: below 0 floored at 0 (the default policy), else capped.
    floored = "(floor0 AND a_n1 < 0)"
    capped = "(cap_n IS NOT NULL AND a_n1 * cap_d > cap_n * a_d1)"
    f = f"""f AS (SELECT *,
    CASE WHEN a_st = 'ok' THEN CASE WHEN {floored} THEN 0 WHEN {capped} THEN cap_n ELSE a_n1 END
      END AS a_n,
    CASE WHEN a_st = 'ok' THEN CASE WHEN {floored} THEN 1 WHEN {capped} THEN cap_d ELSE a_d1 END
      END AS a_d
  FROM e)"""
    g = f"""g AS (SELECT *, {rounded("a_n", "a_d", "pw", "mode")} AS ak FROM f)"""
    return [_target_stage(target_den), graded, b, c, d, e, f, g]


def output_places(spec: Spec, order: Sequence[str]) -> int:
    """The most places any indicator rounds to: the scale of the decimal columns."""
    return max(
        (effective_rounding(spec.info.rounding, spec.indicators[i].rounding).places for i in order),
        default=0,
    )


def output_select(spec: Spec, order: Sequence[str], *, ordered: bool = True) -> str:
    """The result rows. Rounded figures are DECIMAL(38, P), P from :func:`output_places`,
    and text with the indicator's own places, as the engine prints them. ``ordered``: by
    unit, the spec's order of indicators, and period (a sort that holds the whole result)."""
    places = output_places(spec, order)
    dec = f"CAST({Decimal(1).scaleb(-places):f} AS DECIMAL(38, {places}))"
    pad = f"(CAST({10**places} AS HUGEINT) // g.pw)"
    r_num, r_den = reduced("g.r_n", "g.r_d")
    a_num, a_den = reduced("g.a_n", "g.a_d")
    return f"""SELECT g.unit, g.indicator, g.period,
  g.r_st AS realisation_status, g.r_why AS realisation_reason,
  g.r_mi AS realisation_missing,
  CAST({r_num} AS DECIMAL(38, 0)) AS realisation_num,
  CAST({r_den} AS DECIMAL(38, 0)) AS realisation_den,
  CAST(g.rk * {pad} AS DECIMAL(38, 0)) * {dec} AS realisation,
  CASE WHEN g.rk IS NOT NULL THEN {printed("g.rk")} END AS realisation_text,
  g.grade,
  CAST({a_num} AS DECIMAL(38, 0)) AS achievement_num,
  CAST({a_den} AS DECIMAL(38, 0)) AS achievement_den,
  CAST(g.ak * {pad} AS DECIMAL(38, 0)) * {dec} AS achievement,
  CASE WHEN g.ak IS NOT NULL THEN {printed("g.ak")} END AS achievement_text,
  bands.label AS category,
  g.a_st AS status, g.a_why AS reason,
  CASE WHEN g.a_st = 'missing_data' THEN g.r_mi ELSE CAST([] AS VARCHAR[]) END AS missing
FROM g
LEFT JOIN bands ON g.a_st = 'ok' AND bands.scale = g.cat_scale
  AND {_in_band("bands", "g.ak", "g.pw")}""" + (
        "\nORDER BY g.unit, g.pos, g.period" if ordered else ""
    )
