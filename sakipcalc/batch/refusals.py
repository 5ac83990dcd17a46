"""What the batch path cannot compute exactly yet, found before anything is compiled.

Each refused indicator is named with the reason; an indicator that depends on a
refused one is refused too. :func:`~.plan.build_plan` raises
:class:`BatchRefused` listing them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._spec import Spec
from ..errors import SakipError
from ..models import AchievementFrom, NegativeRule
from ..rounding import effective_rounding

MAX_CATEGORIES = 126  # bits 0..125 of a signed 128-bit mask

__all__ = ["BatchRefused", "Refusal", "refusals"]


@dataclass(frozen=True, slots=True)
class Refusal:
    indicator: str
    reason: str

    def __str__(self) -> str:
        return f"{self.indicator}: {self.reason}"


class BatchRefused(SakipError, ValueError):
    """The spec holds something the batch path cannot compute exactly (yet)."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        self.refusals = tuple(refusals)
        lines = "\n".join(f"  - {r}" for r in self.refusals)
        super().__init__(
            f"the batch path refuses {len(self.refusals)} indicator(s); nothing was computed:\n"
            f"{lines}"
        )


def _own_reason(spec: Spec, ind_id: str) -> str | None:
    """Why the indicator itself (not what it reads) cannot be compiled, if it cannot."""
    indicator = spec.indicators[ind_id]
    rounding = effective_rounding(spec.info.rounding, indicator.rounding)
    graded = [t for t in indicator.targets.values() if t.grade is not None]
    if graded:
        if indicator.scale is None:
            return "a grade target needs the indicator's grade scale"
        scale = spec.compiled_scales[indicator.scale]
        for target in graded:
            assert target.grade is not None
            if scale.band_by_label(target.grade) is None:
                return f"'{target.grade}' is not a grade of scale '{indicator.scale}'"
        if rounding.achievement_from is AchievementFrom.RAW:
            # The engine quotes an unbanded raw score at its full 60 digits.
            return "a grade target read from the raw realisation (achievement_from: raw)"
        if rounding.places > 6:
            return "a grade target on a figure rounded to more than 6 places"
    zero = indicator.zero_target
    if (
        indicator.negative is NegativeRule.NOT_COMPUTABLE
        and zero is not None
        and min(zero.met, zero.missed) < 0
    ):
        return "'negative: not_computable' with a negative zero_target value"
    return None


def refusals(spec: Spec) -> list[Refusal]:
    """Every indicator the plan cannot compute exactly, with the reason."""
    out: list[Refusal] = []
    refused: set[str] = set()
    for ind_id in spec.order:
        formula = spec.formulas.get(ind_id)
        reason = _own_reason(spec, ind_id)
        if reason is None and formula is not None:
            for ref in sorted(formula.references):
                if ref in refused:
                    reason = f"it depends on '{ref}', which is refused"
                    break
                if ref in spec.variables and len(spec.variable_categories(ref)) > MAX_CATEGORIES:
                    reason = (
                        f"variable '{ref}' has more than {MAX_CATEGORIES} categories, "
                        f"more than the plan's category masks hold"
                    )
                    break
        if reason is not None:
            refused.add(ind_id)
            out.append(Refusal(ind_id, reason))
    return out
