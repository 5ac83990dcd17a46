"""The performance tree as SVG: a standalone file, or the section of the HTML report.

``render_tree_svg(spec, report)`` is what ``sakipcalc tree SPEC -o pohon.svg``
writes: one self-contained SVG document (no script, no font, no link; it
parses as XML). :func:`tree_for_report` is the laid-out tree the HTML report
embeds (``render_html(report, spec=spec)``).

Like the HTML report, it needs Jinja2 (the ``html`` extra), imported when
called; the markup is written by ``templates/tree.html.j2`` with
autoescaping on, since every name in a spec is untrusted.
"""

from __future__ import annotations

from .._exact import own_context
from .._spec import Spec
from ..i18n import Locale
from ..results import EvaluationReport
from ._jinja import template_environment
from ._tree import build_tree
from ._tree_layout import TreeLayout, layout_tree

__all__ = ["render_tree_svg", "tree_for_report"]

_TOP = 48.0  # below the standalone file's title and period


def tree_for_report(spec: Spec, report: EvaluationReport, locale: Locale) -> TreeLayout:
    """The performance tree of ``spec`` with the figures of ``report``, laid out."""
    return layout_tree(build_tree(spec, report, locale))


@own_context  # the caller's Decimal context never reaches the output
def render_tree_svg(spec: Spec, report: EvaluationReport, *, locale: Locale = "id") -> str:
    """The performance tree as one standalone SVG document.

    ``report`` is ``evaluate(spec, period=...)``: it gives each node its
    achievement and band. Raises ImportError when Jinja2 is not installed.
    """
    if locale not in ("id", "en"):
        raise ValueError(f"unknown locale {locale!r}: use 'id' or 'en'")
    environment = template_environment(what="the performance tree", keep_trailing_newline=False)
    macros = environment.get_template("tree.html.j2").module
    document = str(macros.tree_document(tree_for_report(spec, report, locale), _TOP))
    return document.strip() + "\n"
