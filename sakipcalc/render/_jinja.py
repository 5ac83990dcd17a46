"""The one Jinja2 environment every HTML and SVG output is drawn with.

Autoescaping is on because every name in a spec is untrusted text, and
undefined names fail loudly rather than print as nothing.
"""

from __future__ import annotations

from typing import Any

from ._chart_geometry import coordinate

__all__ = ["template_environment"]


def template_environment(*, what: str = "", keep_trailing_newline: bool = True) -> Any:
    """A Jinja2 environment over ``render/templates``; ImportError naming the extra without it.

    ``what`` names the output in that error ("the performance tree").
    """
    try:
        import jinja2
    except ImportError as exc:
        raise ImportError(
            f'{what or "HTML and SVG output"} needs Jinja2: pip install "sakipcalc[html]"'
        ) from exc
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sakipcalc", "render/templates"),
        autoescape=True,  # every name in a spec is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
    environment.filters["px"] = coordinate
    return environment
