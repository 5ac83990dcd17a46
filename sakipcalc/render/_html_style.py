"""How the HTML report writes numbers and colours.

Numbers: every displayed figure is formatted from its ``Decimal`` by
:mod:`._format` (thousands grouped, a dash for "none"); ``float`` appears
only where a value becomes a pixel (:mod:`._chart_geometry`).

Colours: band colours come from the spec, so only a ``#rgb``/``#rrggbb``
colour or a known colour name reaches a style attribute, as a normalised
``#rrggbb``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..i18n import Locale
from ..models import Baseline, TargetSpec
from ..results import CategoryRef, Figure
from ._format import figure_text, number_text, target_text

__all__ = [
    "ABSORPTION_FILL",
    "END_TARGET",
    "NEUTRAL",
    "REALISATION_FILL",
    "TARGET_FILL",
    "Badge",
    "badge",
    "colour",
    "declared_text",
    "figure_number",
    "html_figure",
    "html_number",
    "html_percent",
    "ink",
]


def html_number(value: Decimal, locale: Locale) -> str:
    """A figure as printed: thousands grouped, the locale's decimal separator."""
    return number_text(value, locale, grouping=True)


def html_percent(value: Decimal, locale: Locale) -> str:
    return html_number(value, locale) + "%"


def declared_text(target: TargetSpec | Baseline | None, locale: Locale) -> str:
    """A declared text (target ``12.5``, range ``80–90``, grade ``BB``) in the locale."""
    return target_text(target, locale, grouping=True, missing="–")


def html_figure(figure: Figure | None, locale: Locale) -> str:
    """A computed figure as printed, or a dash when it has none."""
    return figure_text(figure, locale, grouping=True, unavailable="–")


def figure_number(figure: Figure | None) -> Decimal | None:
    """The rounded value of a computed, non-grade figure: what a chart can draw."""
    if figure is None or not figure.ok or figure.grade is not None:
        return None
    return figure.rounded


# Band colours come from the spec: only a hex colour or one of these names
# reaches a style attribute, as a normalised #rrggbb.
_NAMED_COLOURS = {
    "black": "#000000",
    "white": "#ffffff",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "lightgray": "#d3d3d3",
    "lightgrey": "#d3d3d3",
    "red": "#ff0000",
    "darkred": "#8b0000",
    "crimson": "#dc143c",
    "tomato": "#ff6347",
    "orangered": "#ff4500",
    "salmon": "#fa8072",
    "pink": "#ffc0cb",
    "maroon": "#800000",
    "orange": "#ffa500",
    "darkorange": "#ff8c00",
    "gold": "#ffd700",
    "yellow": "#ffff00",
    "khaki": "#f0e68c",
    "olive": "#808000",
    "yellowgreen": "#9acd32",
    "lightgreen": "#90ee90",
    "lime": "#00ff00",
    "limegreen": "#32cd32",
    "green": "#008000",
    "forestgreen": "#228b22",
    "darkgreen": "#006400",
    "teal": "#008080",
    "aqua": "#00ffff",
    "cyan": "#00ffff",
    "lightblue": "#add8e6",
    "blue": "#0000ff",
    "navy": "#000080",
    "purple": "#800080",
}
_HEX_COLOUR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})")
NEUTRAL = "#b8bec6"  # categories without a (usable) colour, and "not computable"
TARGET_FILL = "#9aa5b1"
REALISATION_FILL = "#1f5f99"
END_TARGET = "#b03a2e"
ABSORPTION_FILL = "#2a7f62"


def colour(value: str | None) -> str | None:
    """A band colour as #rrggbb, or None when it is absent or not a plain colour."""
    if value is None:
        return None
    text = value.strip().lower()
    if text in _NAMED_COLOURS:
        return _NAMED_COLOURS[text]
    if _HEX_COLOUR.fullmatch(text):
        if len(text) == 4:
            text = "#" + "".join(c * 2 for c in text[1:])
        return text
    return None


def ink(background: str) -> str:
    """Black or white text, whichever contrasts more with the #rrggbb background."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(background[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


@dataclass(frozen=True, slots=True)
class Badge:
    text: str
    background: str
    foreground: str


def badge(category: CategoryRef | None) -> Badge | None:
    if category is None:
        return None
    background = colour(category.colour) or NEUTRAL
    return Badge(category.name or category.label, background, ink(background))
