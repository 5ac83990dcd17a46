"""The HTML report: one self-contained file laid out as a LAKIP chapter III.

``render_html(report, locale="id")`` returns a complete HTML document shaped
like "Bab III Akuntabilitas Kinerja" of an Indonesian performance report: the
measurement table (target, realisation, achievement, category, previous
years, end-of-plan target), the roll-ups, one table per performance agreement
(Perjanjian Kinerja), the budget table, four charts and, given the
year's quarterly monitoring, its table and chart (:mod:`._quarters_html`).

The file loads nothing: the CSS is inline, there is no script, no web font
and no image, and a Content-Security-Policy ``<meta>`` forbids every fetch,
so a report mailed to an inspector renders the same offline.

Every text in a spec is untrusted (specs travel between agencies). All of
the markup, the SVG charts included, is written by Jinja2 templates with
autoescaping on; band colours are accepted only as ``#rgb``, ``#rrggbb`` or
a known colour name.

The parts: :mod:`._html_view` builds the view model, :mod:`._charts` and
:mod:`._chart_trend` the charts' shapes, :mod:`._chart_geometry` their
numbers, and ``templates/report.html.j2`` and ``templates/svg.html.j2`` the
markup.

Jinja2 is an optional dependency (``pip install "sakipcalc[html]"``) and is
imported when the function is called.
"""

from __future__ import annotations

from .._exact import own_context
from .._spec import Spec
from ..check.review import Review
from ..engine.quarters import QuarterlyReport
from ..i18n import Locale
from ..results import EvaluationReport
from ._html_view import context
from ._jinja import template_environment
from ._quarters_html import render_quarters_section
from ._tree_svg import tree_for_report

__all__ = ["render_html"]

# The report's own charts are figures 1-4; the quarterly chart follows them.
QUARTERLY_FIGURE = 5


@own_context  # the caller's Decimal context never reaches the output
def render_html(
    report: EvaluationReport,
    *,
    locale: Locale = "id",
    spec: Spec | None = None,
    review: Review | None = None,
    quarterly: QuarterlyReport | None = None,
) -> str:
    """The report as one self-contained HTML document (LAKIP chapter III).

    ``spec`` (the spec the report came from) gives the tujuan, narratives,
    national standards, table numbering and which figures the report
    printed; ``review`` puts the reviewer's findings in each row's
    Keterangan and in a "Hasil reviu" section. With ``spec`` it also draws
    the performance tree (pohon kinerja). ``quarterly`` (from
    :func:`~sakipcalc.engine.evaluate_quarters`, for the report's year) adds
    the quarterly monitoring (triwulan I–IV) as a section of its own, after
    the budget: its table and Figure 5.

    Raises ImportError when Jinja2 (the ``html`` extra) is not installed.
    """
    if locale not in ("id", "en"):
        raise ValueError(f"unknown locale {locale!r}: use 'id' or 'en'")
    environment = template_environment(what="the HTML report")
    tree = None if spec is None else tree_for_report(spec, report, locale)
    quarters = (
        None
        if quarterly is None
        else render_quarters_section(quarterly, locale=locale, figure_number=QUARTERLY_FIGURE)
    )
    page: str = environment.get_template("report.html.j2").render(
        context(report, locale, spec, review), tree=tree, quarterly=quarters
    )
    return page
