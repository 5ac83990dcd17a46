"""Evaluation: a loaded spec and its data in, an immutable report out.

Every policy comes from the spec: polarity and its formula, rounding,
caps, how quarters add up, how roll-ups aggregate. Data problems become
typed statuses on the figures; only a request the spec cannot answer (an
unknown period format) raises.

    periods.py      a year's quarters and how they combine; the years before a year
    inputs.py       reading variables from the data, by category and from quarters
    realisations.py how a realisation is computed: given, by formula, from quarters
    shared.py       computations shared by evaluations of the same spec and data
    achievement.py  capaian of a realisation against a target, by polarity (pure)
    rollups.py      roll-up rules and the roll-ups a spec declares or implies
    agreements.py   each Perjanjian Kinerja against the targets it signed
    budget.py       budget lines, totals, absorption and efficiency
    evaluator.py    Evaluator: realisations, results and the report of one spec and data set
    quarters.py     quarterly monitoring: triwulan I–IV and the year so far (evaluate_quarters)

``Evaluator`` and ``aggregate`` are the engine's API for ``check`` and ``testing``.
"""

from __future__ import annotations

import decimal
from typing import TextIO

from .._args import require_data, require_period, require_spec
from .._data import check_dataset
from .._spec import DataSet, Spec
from .._types import Period
from ..results import EvaluationReport
from ..rounding import DECIMAL_CONTEXT
from .achievement import achievement
from .evaluator import Evaluator
from .quarters import QuarterlyReport, evaluate_quarters
from .rollups import RollupPart, aggregate
from .shared import shared_for

__all__ = [
    "Evaluator",
    "QuarterlyReport",
    "RollupPart",
    "achievement",
    "aggregate",
    "evaluate",
    "evaluate_quarters",
]


def evaluate(
    spec: Spec,
    data: DataSet | None = None,
    *,
    period: str,
    progress_stream: TextIO | None = None,
) -> EvaluationReport:
    """Evaluate every indicator, agreement, roll-up and budget line for ``period``.

    ``data`` defaults to the realisations loaded with the spec. Other data is
    checked as loaded data is first: a problem raises :class:`SpecError`.
    ``period`` is a year (``"2022"``) or a quarter (``"2022-Q3"``).
    ``progress_stream`` shows a progress bar there, when it is a terminal.
    """
    spec, data, period = require_spec(spec), require_data(data), require_period(period)
    parsed = Period(period)  # raises PeriodError for a malformed period
    # Data built by hand (or put into a copy of the spec) is checked as loaded data
    # is; data the loader checked against this spec's declarations passes at once.
    data = check_dataset(spec, data if data is not None else spec.data)
    with decimal.localcontext(DECIMAL_CONTEXT):
        evaluator = Evaluator(spec, data, shared_for(spec, data))
        return evaluator.report(parsed, progress_stream)
