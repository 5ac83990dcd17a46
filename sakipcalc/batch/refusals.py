"""What the batch path cannot compute exactly yet, found before anything is compiled.

Each refused indicator is named with the reason; an indicator that depends on a
refused one is refused too. :func:`~.plan.build_plan` raises
:class:`BatchRefused` listing them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._spec import Spec
from ..models import NegativeRule

__all__ = ["BatchRefused", "Refusal", "refusals"]


@dataclass(frozen=True, slots=True)
class Refusal:
    indicator: str
    reason: str

    def __str__(self) -> str:
        return f"{self.indicator}: {self.reason}"


class BatchRefused(ValueError):
    """The spec holds something the batch path cannot compute exactly (yet)."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        self.refusals = tuple(refusals)
        lines = "\n".join(f"  - {r}" for r in self.refusals)
        super().__init__(
            f"the batch path refuses {len(self.refusals)} indicator(s); nothing was computed:\n"
            f"{lines}"
        )


def refusals(spec: Spec) -> list[Refusal]:
    """Every indicator the plan cannot compute exactly, with the reason."""
    out: list[Refusal] = []
    refused: set[str] = set()
    for ind_id in spec.order:
        indicator = spec.indicators[ind_id]
        reason = None
        formula = spec.formulas.get(ind_id)
        if indicator.scale is not None:
            reason = "grade scales (ordinal targets and realisations) are not compiled yet"
        elif any(t.grade is not None for t in indicator.targets.values()):
            reason = "a grade target needs a grade scale, which is not compiled yet"
        elif indicator.quarters is not None:
            reason = "quarterly derivation of the year's value is not compiled yet"
        elif indicator.negative is NegativeRule.NOT_COMPUTABLE:
            reason = "'negative: not_computable' is not compiled yet"
        elif formula is not None:
            for ref in sorted(formula.references):
                if ref in refused:
                    reason = f"it depends on '{ref}', which is refused"
                    break
                variable = spec.variables.get(ref)
                if variable is not None and variable.quarters is not None:
                    reason = f"variable '{ref}' derives its year from quarters, not compiled yet"
                    break
        if reason is None and formula is not None:
            for ref in sorted(formula.references):
                if ref in spec.variables and len(spec.variable_categories(ref)) > 62:
                    reason = f"variable '{ref}' has more than 62 categories, not compiled yet"
        if reason is not None:
            refused.add(ind_id)
            out.append(Refusal(ind_id, reason))
    return out
