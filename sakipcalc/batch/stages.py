"""The SQL stages from a realisation to an achievement, a category and the output rows.

The CTEs ``a`` to ``g`` pick each row's target (a unit's own, else the spec's),
choose the bound of a range that was missed, compute the achievement as an
exact rational by the indicator's polarity and rules, floor or cap it, and
round it; :data:`OUTPUT` selects the result columns and the category band.
"""

from __future__ import annotations

from ..models import ExactRule, LowerRule, Polarity

__all__ = ["OUTPUT", "OUTPUT_SCALE", "achievement_stages", "rounded"]

OUTPUT_SCALE = 10  # the most decimal places a spec may round to


def rounded(n: str, d: str, pw: str, mode: str) -> str:
    """Signed integer of ``n / d`` rounded to the places ``pw = 10 ** places`` gives."""
    a = f"(abs({n}) * {pw})"
    q = f"({a} // {d})"
    r = f"({a} % {d})"
    bump = (
        f"CASE {mode} WHEN 'truncate' THEN 0 "
        f"WHEN 'half_up' THEN CASE WHEN 2 * {r} >= {d} THEN 1 ELSE 0 END "
        f"ELSE CASE WHEN 2 * {r} > {d} OR (2 * {r} = {d} AND {q} % 2 = 1) THEN 1 ELSE 0 END END"
    )
    return f"(sign({n}) * ({q} + {bump}))"


def achievement_stages(target_den: str) -> list[str]:
    rk = rounded("r_n", "r_d", "pw", "mode")
    unit_n = f"(u.t // gcd(u.t, {target_den}))"
    unit_d = f"({target_den} // gcd(u.t, {target_den}))"
    show = "CASE WHEN contains(u.t_txt, '.') THEN rtrim(rtrim(u.t_txt, '0'), '.') ELSE u.t_txt END"
    a = f"""a AS (SELECT lng.*, pol.* EXCLUDE (indicator), {rk} AS rk,
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
    b = """b AS (SELECT *,
    CASE WHEN ach_raw THEN r_n ELSE rk END AS x_n,
    CASE WHEN ach_raw THEN r_d ELSE pw END AS x_d
  FROM a)"""
    low = "(x_n * lo_d < lo_n * x_d)"
    high = "(x_n * hi_d > hi_n * x_d)"
    c = f"""c AS (SELECT *,
    (kind = 'range' AND NOT {low} AND NOT {high}) AS inr,
    CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN lo_n ELSE hi_n END ELSE t_n END AS bn,
    CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN lo_d ELSE hi_d END ELSE t_d END AS bd,
    CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN lo_txt ELSE hi_txt END ELSE t_txt END AS btxt,
    CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN lo_show ELSE hi_show END ELSE t_show END
      AS bshow,
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
    binary = f"(pol = '{Polarity.EXACT.value}' AND exact_rule = '{ExactRule.BINARY.value}')"
    official = f"lower_rule = '{LowerRule.OFFICIAL.value}'"
    equal = "(x_n * bd = bn * x_d)"
    d = f"""d AS (SELECT *,
    CASE WHEN inr OR kind IS NULL OR r_st <> 'ok' THEN NULL
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
    e = """e AS (SELECT *,
    CASE WHEN kind IS NULL AND r_st = 'missing_data' THEN 'missing_data'
      WHEN kind IS NULL THEN 'not_computable'
      WHEN r_st <> 'ok' THEN r_st
      WHEN a_err IS NOT NULL THEN 'not_computable' ELSE 'ok' END AS a_st,
    CASE WHEN kind IS NULL AND r_st = 'missing_data' THEN r_why || '; no target for ' || period
      WHEN kind IS NULL THEN 'no target for ' || period
      WHEN r_st = 'missing_data' THEN r_why
      WHEN r_st <> 'ok' THEN 'realisation is not computable: ' || r_why
      WHEN a_err IS NOT NULL THEN a_err || sfx END AS a_why,
    a_n0 // gcd(a_n0, a_d0) AS a_n1,
    a_d0 // gcd(a_n0, a_d0) AS a_d1
  FROM d)"""
    # As the engine: below 0 floored at 0 (the default policy), else capped.
    floored = "(floor0 AND sign(a_n1) * sign(a_d1) < 0)"
    capped = "(cap_n IS NOT NULL AND a_n1 * cap_d > cap_n * a_d1)"
    f = f"""f AS (SELECT *,
    CASE WHEN a_st = 'ok' THEN CASE WHEN {floored} THEN 0 WHEN {capped} THEN cap_n ELSE a_n1 END
      END AS a_n,
    CASE WHEN a_st = 'ok' THEN CASE WHEN {floored} THEN 1 WHEN {capped} THEN cap_d ELSE a_d1 END
      END AS a_d
  FROM e)"""
    g = f"""g AS (SELECT *, {rounded("a_n", "a_d", "pw", "mode")} AS ak FROM f)"""
    return [a, b, c, d, e, f, g]


_DEC = "CAST(0.{zeros}1 AS DECIMAL(38, {scale}))".format(
    zeros="0" * (OUTPUT_SCALE - 1), scale=OUTPUT_SCALE
)
_PAD = f"(CAST({10**OUTPUT_SCALE} AS HUGEINT) // pw)"

OUTPUT = f"""SELECT g.unit, g.indicator, g.period,
  g.r_st AS realisation_status, g.r_why AS realisation_reason,
  g.r_mi AS realisation_missing,
  CAST(g.r_n AS DECIMAL(38, 0)) AS realisation_num,
  CAST(g.r_d AS DECIMAL(38, 0)) AS realisation_den,
  CAST(g.rk * {_PAD} AS DECIMAL(38, 0)) * {_DEC} AS realisation,
  CAST(g.a_n AS DECIMAL(38, 0)) AS achievement_num,
  CAST(g.a_d AS DECIMAL(38, 0)) AS achievement_den,
  CAST(g.ak * {_PAD} AS DECIMAL(38, 0)) * {_DEC} AS achievement,
  bands.label AS category,
  g.a_st AS status, g.a_why AS reason,
  CASE WHEN g.a_st = 'missing_data' THEN g.r_mi ELSE CAST([] AS VARCHAR[]) END AS missing
FROM g
LEFT JOIN bands ON g.a_st = 'ok' AND bands.scale = g.cat_scale
  AND (bands.lo_n IS NULL OR g.ak * bands.lo_d > bands.lo_n * g.pw
       OR (bands.lo_inc AND g.ak * bands.lo_d = bands.lo_n * g.pw))
  AND (bands.hi_n IS NULL OR g.ak * bands.hi_d < bands.hi_n * g.pw
       OR (bands.hi_inc AND g.ak * bands.hi_d = bands.hi_n * g.pw))
ORDER BY g.unit, g.indicator, g.period"""
