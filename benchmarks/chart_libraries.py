"""Hand-written SVG charts against pygal and matplotlib: the numbers behind docs/charts-decision.md.

One chart, the report's "target against realisation" bars for the Tanah Laut
indicators in %, drawn three ways. Two steps, because the libraries must not
enter sakipcalc's own environment:

    # 1. in sakipcalc's venv: the chart's data, and our own renderer measured
    python benchmarks/chart_libraries.py ours /tmp/chart-data.json
    # 2. in a throwaway venv holding only the libraries
    python3 -m venv /tmp/chartvenv && /tmp/chartvenv/bin/pip install pygal matplotlib
    /tmp/chartvenv/bin/python benchmarks/chart_libraries.py pygal /tmp/chart-data.json
    /tmp/chartvenv/bin/python benchmarks/chart_libraries.py matplotlib /tmp/chart-data.json

Each step prints one JSON line per renderer: import and render time, SVG
size, whether the SVG fetches or runs anything, whether two renders are
byte-identical, whether a hostile label comes out as text, and whether the
Indonesian value labels ("41,42") appear exactly.
"""

from __future__ import annotations

import io
import json
import re
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

HOSTILE = '<script>alert(1)</script> & "q" ]]>'
SVG = "{http://www.w3.org/2000/svg}"


def _facts(
    name: str, render: Callable[[list[list[str]]], str], rows: list[list[str]]
) -> dict[str, Any]:
    started = time.perf_counter()
    first = render(rows)
    first_ms = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(10):
        started = time.perf_counter()
        render(rows)
        times.append((time.perf_counter() - started) * 1000)
    hostile_rows = [[HOSTILE, *rows[0][1:]], *rows[1:]]
    hostile = render(hostile_rows)
    try:
        root = ET.fromstring(hostile.encode("utf-8"))
        texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
        escaped = root.find(f".//{SVG}script") is None or "alert(1)" not in "".join(
            "".join(s.itertext()) for s in root.iter(f"{SVG}script")
        )
        hostile_as_text = HOSTILE in texts or HOSTILE[:20] in texts
        parses = True
    except ET.ParseError:
        parses, escaped, hostile_as_text = False, False, False
    text_nodes = " ".join(re.findall(r"<text[^>]*>([^<]*)<", first))
    return {
        "renderer": name,
        "first_render_ms": round(first_ms, 1),
        "render_ms_median": round(statistics.median(times), 1),
        "svg_bytes": len(first.encode("utf-8")),
        "script_tags": len(re.findall(r"<script", first)),
        "remote_urls": sorted(
            set(re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/[^\"' )<]*", first))
        )[:5],
        "deterministic": first == render(rows),
        "hostile_svg_parses": parses,
        "hostile_not_executable": escaped,
        "hostile_label_kept_as_text": hostile_as_text,
        "value_labels_exact": all(r[2] in text_nodes for r in rows),
    }


# ------------------------------------------------------------------ ours


def ours(output: str) -> None:
    import sakipcalc

    spec = sakipcalc.load(Path(__file__).resolve().parents[1] / "specs" / "tanah-laut-dinsos-2022")
    report = sakipcalc.evaluate(spec, period="2022")
    started = time.perf_counter()
    import jinja2

    from sakipcalc.render._chapter import build_chapter
    from sakipcalc.render._chart_geometry import coordinate
    from sakipcalc.render._charts import chart_target_realisation
    from sakipcalc.render._format import target_number
    from sakipcalc.render._html_style import figure_number, html_number

    import_ms = (time.perf_counter() - started) * 1000
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sakipcalc", "render/templates"), autoescape=True
    )
    environment.filters["px"] = coordinate
    svg_macro = environment.get_template("svg.html.j2").module.svg  # type: ignore[attr-defined]
    rows = []
    for result in report.indicators:
        target, real = target_number(result.target), figure_number(result.realisation)
        if target is not None and real is not None and result.unit == "%" and result.achievement.ok:
            rows.append([result.name, html_number(target, "id"), html_number(real, "id")])
    Path(output).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    def render(rows_: list[list[str]]) -> str:
        # our chart is drawn from a report; a hostile name is put into a copy of it
        import dataclasses

        names = {r[0] for r in rows_}
        results = (
            tuple(
                r if r.name in names else dataclasses.replace(r, name=HOSTILE)
                for r in report.indicators
            )
            if HOSTILE in names
            else report.indicators
        )
        chapter = build_chapter(dataclasses.replace(report, indicators=results), spec)
        chart = chart_target_realisation(chapter, "id")
        svg = str(svg_macro(chart))
        return svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)

    facts = _facts("sakipcalc (hand-written SVG, Jinja macros)", render, rows)
    facts["import_ms"] = round(import_ms, 1)
    print(json.dumps(facts, ensure_ascii=False))


# ------------------------------------------------------------------ libraries


def _pygal(rows: list[list[str]]) -> str:
    import pygal

    def indonesian(value: float) -> str:
        # pygal hands the formatter a float; write it with a decimal comma
        return f"{value:.2f}".replace(".", ",")

    chart = pygal.HorizontalBar(
        js=[],  # no <script src="//kozea.github.io/pygal.js/..."> tooltips
        disable_xml_declaration=True,
        print_values=True,
        formatter=indonesian,
        width=900,
        height=30 * len(rows) + 80,
        x_labels=[r[0] for r in rows],
        truncate_label=-1,
    )
    chart.add("Target", [float(r[1].replace(",", ".")) for r in rows])
    chart.add("Realisasi", [float(r[2].replace(",", ".")) for r in rows])
    return str(chart.render(is_unicode=True))


def _matplotlib(rows: list[list[str]]) -> str:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text as <text>, not glyph paths
    plt.rcParams["svg.hashsalt"] = "sakipcalc"  # stable ids
    figure, axes = plt.subplots(figsize=(9, 0.3 * len(rows) + 0.8))
    positions = range(len(rows))
    targets = [float(r[1].replace(",", ".")) for r in rows]
    reals = [float(r[2].replace(",", ".")) for r in rows]
    bars_t = axes.barh([p - 0.2 for p in positions], targets, height=0.4, label="Target")
    bars_r = axes.barh([p + 0.2 for p in positions], reals, height=0.4, label="Realisasi")
    axes.bar_label(bars_t, labels=[r[1] for r in rows], fontsize=7)
    axes.bar_label(bars_r, labels=[r[2] for r in rows], fontsize=7)
    axes.set_yticks(list(positions), [r[0][:50] for r in rows], fontsize=7)
    axes.legend()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def library(name: str, data: str) -> None:
    """One library in its own process, so that its import time is its own."""
    rows = json.loads(Path(data).read_text(encoding="utf-8"))
    started = time.perf_counter()
    if name == "pygal":
        import pygal  # noqa: F401

        render, title = _pygal, "pygal"
    else:
        import matplotlib

        matplotlib.use("svg")
        import matplotlib.pyplot

        render, title = _matplotlib, "matplotlib (svg backend)"
    import_ms = (time.perf_counter() - started) * 1000
    facts = _facts(title, render, rows)
    facts["import_ms"] = round(import_ms, 1)
    print(json.dumps(facts, ensure_ascii=False))


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    ours(path) if mode == "ours" else library(mode, path)
