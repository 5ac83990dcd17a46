"""Spec parts that only the written report uses: nothing here changes a figure.

A national standard printed beside the target, the agency's own narrative
(causes of success or failure, actions taken, analysis) per reporting year,
and how sakipcalc's table numbers map onto the report's own numbering.
Re-exported by :mod:`sakipcalc.models`.
"""

from __future__ import annotations

from pydantic import Field

from ._model_parts import FrozenMap, Model, Target
from ._types import Ident, Period, Text

__all__ = ["Narrative", "NationalStandard", "ReportLayout"]


class NationalStandard(Model):
    """A national standard for an indicator (e.g. an SPM target), shown beside the target."""

    value: Target
    source: Text = Field(description="where the standard is set, e.g. 'Permensos 9/2018'")
    name: Text | None = None


class Narrative(Model):
    """What the agency writes about one year's result; printed where the row or sasaran is."""

    causes: Text | None = Field(None, description="penyebab keberhasilan / kegagalan")
    actions: Text | None = Field(None, description="upaya / tindak lanjut yang dilakukan")
    analysis: Text | None = Field(None, description="analisis capaian")


class ReportLayout(Model):
    """How the report is laid out: sakipcalc's table keys mapped to the report's numbering."""

    tables: FrozenMap[Ident, Text] = Field(
        default_factory=dict,
        description="sakipcalc table key -> the report's own caption, e.g. iku: 'Tabel 3.1'",
    )


# Narrative is keyed by reporting year: one spec spans a whole plan.
NarrativeByPeriod = FrozenMap[Period, Narrative]
