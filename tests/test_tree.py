"""The performance tree (pohon kinerja): structure, escaping, layout, golden SVG, CLI.

The structure is checked against the spec's YAML read with plain PyYAML (an
oracle independent of sakipcalc's loader): every goal, every objective of a
goal and every indicator they name appears in its place, and every edge drawn
is a relation the spec states. The golden file
``tests/golden/tree/tanah-laut-id.svg`` is ``sakipcalc tree`` on the Tanah
Laut spec; regenerate it with ``python -m pytest tests/test_tree.py
--update-goldens`` and look at it in a browser before committing.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TANAH_LAUT_SPEC, Golden, run_cli

import sakipcalc
from sakipcalc.render._html import render_html
from sakipcalc.render._svg import Rect
from sakipcalc.render._tree import PerformanceTree, TreeNode, build_tree, xml_text
from sakipcalc.render._tree_layout import PAGE_HEIGHT, WIDTH, layout_tree, tint, wrap
from sakipcalc.render._tree_svg import render_tree_svg
from sakipcalc.results import EvaluationReport

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def tanah_laut() -> tuple[sakipcalc.Spec, EvaluationReport]:
    spec = sakipcalc.load(TANAH_LAUT_SPEC)
    return spec, sakipcalc.evaluate(spec, period="2022")


@pytest.fixture(scope="module")
def tree(tanah_laut: tuple[sakipcalc.Spec, EvaluationReport]) -> PerformanceTree:
    return build_tree(*tanah_laut, locale="id")


def spec_yaml() -> dict[str, list[dict[str, Any]]]:
    """The spec's sections read with PyYAML alone, in file order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name in ("spec.yaml", "org.yaml", "renstra.yaml", "agreements.yaml"):
        document = yaml.safe_load((TANAH_LAUT_SPEC / name).read_text(encoding="utf-8"))
        for section in ("goals", "objectives", "links", "indicators"):
            out.setdefault(section, []).extend(document.get(section) or [])
    return out


def by_number(tree: PerformanceTree) -> dict[str, TreeNode]:
    return {n.number: n for n in tree.nodes}


# ------------------------------------------------------------------ structure


def test_every_goal_objective_and_indicator_is_in_its_place(tree: PerformanceTree) -> None:
    oracle = spec_yaml()
    nodes = by_number(tree)
    goals = [n for n in tree.nodes if n.kind == "goal"]
    # one root per goal, in the spec's order
    assert [n.id for n in goals] == [g["id"] for g in oracle["goals"]]
    assert all(n.parent is None and n.depth == 0 for n in goals)
    goal_number = {n.id: n.number for n in goals}
    for goal in oracle["goals"]:
        under = [n for n in tree.nodes if n.parent == goal_number[goal["id"]]]
        # the goal's own indicators first, then its objectives, each once
        expected = [("indicator", i) for i in goal.get("indicators", [])] + [
            ("objective", o["id"]) for o in oracle["objectives"] if o.get("goal") == goal["id"]
        ]
        assert [(n.kind, n.id) for n in under] == expected
    for objective in oracle["objectives"]:
        placed = [n for n in tree.nodes if n.kind == "objective" and n.id == objective["id"]]
        if objective.get("goal") is None:
            # the eselon IV sasaran name no goal; their indicators hang under the
            # eselon III indicators that link them, with the sasaran written in
            assert placed == []
            continue
        assert len(placed) == 1
        under = [n.id for n in tree.nodes if n.parent == placed[0].number]
        assert under == objective["indicators"]
    # every indicator of the spec appears somewhere
    ids = {n.id for n in tree.nodes if n.kind == "indicator"}
    assert ids == {i["id"] for i in oracle["indicators"]}
    # an indicator appears once per place: never twice under the same parent
    places = Counter((n.parent, n.id) for n in tree.nodes)
    assert max(places.values()) == 1
    # nothing fell outside: every objective without a goal has its indicators linked
    assert all(n.kind != "outside" for n in tree.nodes)
    # numbers are outline positions: a child's number extends its parent's
    for node in tree.nodes:
        if node.parent is not None:
            assert node.number.rsplit(".", 1)[0] == node.parent
            assert nodes[node.parent].depth == node.depth - 1


def test_every_edge_is_a_relation_the_spec_states(tree: PerformanceTree) -> None:
    oracle = spec_yaml()
    stated = {(g["id"], i) for g in oracle["goals"] for i in g.get("indicators", [])}
    stated |= {(o["goal"], o["id"]) for o in oracle["objectives"] if o.get("goal")}
    stated |= {(o["id"], i) for o in oracle["objectives"] for i in o.get("indicators", [])}
    links = {(link["parent"], link["child"]) for link in oracle["links"]}
    nodes = by_number(tree)
    drawn = {(nodes[p].id, nodes[c].id) for p, c in tree.edges()}
    assert drawn <= stated | links
    # every link is drawn, or named by number on its parent ("also supported by")
    for parent_id, child_id in links:
        for parent in (n for n in tree.nodes if n.id == parent_id):
            children = {nodes[c].id for p, c in tree.edges() if p == parent.number}
            referenced = {nodes[number].id for number in parent.supported_by}
            assert child_id in children | referenced, (parent.number, child_id)


def test_tanah_laut_tree_by_hand(tree: PerformanceTree) -> None:
    nodes = by_number(tree)
    # Tujuan 2 (tujuan_1): its indicator, then sasaran s01 with the two IKU of the Kadis
    assert nodes["2"].name.startswith("Terwujudnya taraf kesejahteraan")
    assert nodes["2.2"].id == "s01_penanganan_pmks"
    assert nodes["2.2"].figure == "47,35%" and nodes["2.2"].rule == "rata-rata"
    assert nodes["2.2.1"].id == "pmks_tertangani"
    assert nodes["2.2.1"].official == "Kepala Dinas Sosial"
    assert nodes["2.2.1"].figure == "41,42%"  # 29/70 … the report's own IKU
    assert nodes["2.2.1"].category is not None
    assert nodes["2.2.1"].category.name == "Sangat Rendah"
    # the eselon IV outputs hang under the sekretaris' indicators they support
    assert [n.id for n in tree.nodes if n.parent == "6.2.1"] == [
        "jml_dok_admin_barang",
        "jml_dok_admin_kepegawaian",
        "jml_jenis_admin_umum",
        "jml_jenis_jasa_penunjang",
        "jml_jenis_pengadaan_barang",
        "jml_jenis_admin_pemeliharaan_barang",
    ]
    assert nodes["6.2.1.1"].objective == "Melaksanakan Pengeloalaan Urusan Kepegawaian SKPD"
    assert nodes["6.2.1.1"].state == "no_figure"  # no realisation printed
    # goals have a roll-up but their own indicators have no data: grey, not white
    assert nodes["1"].state == "no_figure"
    # pmks_tertangani is supported by the eselon III indicators placed under tujuan 2-4
    assert nodes["2.2.1"].supported_by == (
        "1.2.4",
        "3.3.1",
        "3.4.1",
        "3.5.1",
        "4.2.1",
        "4.3.1",
        "4.3.2",
        "5.2.1",
    )
    assert len(tree.nodes) == 56
    legend = [text for _, text in tree.legend]
    assert legend == [
        "Sangat Rendah",
        "Rendah",
        "Tinggi",
        "Sangat Tinggi",
        "Tidak dapat dihitung / data belum tersedia",
    ]


# ------------------------------------------------------------------ layout


def test_boxes_stay_on_the_page_and_never_overlap(tree: PerformanceTree) -> None:
    layout = layout_tree(tree)
    # one drawing per tujuan, so that print breaks between them; tujuan 6 (with the
    # eselon IV outputs) is taller than a page and continues in a second drawing
    assert len(layout.sections) == 7
    assert [d.title.split(" ")[1] for d in layout.sections] == ["1", "2", "3", "4", "5", "6", "6"]
    assert layout.sections[6].title.endswith("(lanjutan)")
    assert all(d.height <= PAGE_HEIGHT for d in layout.sections)
    assert layout.legend.width == WIDTH
    for drawing in layout.sections:
        assert drawing.width == WIDTH
        boxes = [s for s in drawing.shapes if isinstance(s, Rect) and s.width > 10]
        for box in boxes:
            assert box.x >= 0 and box.x + box.width <= WIDTH
            assert box.y + box.height <= drawing.height
        spans = sorted((b.y, b.y + b.height) for b in boxes)
        for (_, bottom), (top, _) in itertools.pairwise(spans):
            assert bottom <= top


def test_wrap_breaks_between_words_and_cuts_what_is_left() -> None:
    text = "Persentase Penyandang Masalah Kesejahteraan Sosial yang meningkat taraf hidupnya"
    lines = wrap(text, 150, 11, 4)
    assert " ".join(lines) == text  # every word kept, none split
    assert len(lines) > 1
    assert wrap(text, 150, 11, 2)[-1].endswith("…")
    assert wrap("x" * 500, 100, 11, 3) == [wrap("x" * 500, 100, 11, 3)[0]]
    assert wrap("x" * 500, 100, 11, 3)[0].endswith("…")
    assert wrap("", 100, 11, 3) == []
    assert tint("#000000", 0.5) == "#808080"


# ------------------------------------------------------------------ SVG


def test_tanah_laut_svg_matches_the_golden_file(
    tanah_laut: tuple[sakipcalc.Spec, EvaluationReport], golden: Golden
) -> None:
    svg = render_tree_svg(*tanah_laut, locale="id")
    assert svg == render_tree_svg(*tanah_laut, locale="id")  # deterministic
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    golden.check("tree/tanah-laut-id.svg", svg)


def test_the_svg_shows_names_not_ids(tanah_laut: tuple[sakipcalc.Spec, EvaluationReport]) -> None:
    svg = render_tree_svg(*tanah_laut, locale="en")
    root = ET.fromstring(svg.encode("utf-8"))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Persentase PMKS yang tertangani" in texts
    assert "Goal 2" in texts and "Objective 2.2" in texts
    assert "pmks_tertangani" not in texts and "s01_penanganan_pmks" not in texts
    assert root.find(f"{SVG}script") is None


HOSTILE = """\
sakipcalc: 1
spec:
  id: hostile_tree
  name: "Pohon <script>alert(1)</script>"
  agency: "<img src=x onerror=alert(1)> & co"
  plan: {start: 2021, end: 2023}
org_units:
  - {id: kadis, name: "</text><script>alert('org')</script>", level: II, official: "]]><x y=\\"1\\">"}
indicators:
  - {id: a, name: "<script>alert('a')</script> & \\"q\\" 'q'", unit: "%", owner: kadis, targets: {2022: 50}}
  - {id: b, name: "there ]]> <![CDATA[ x", unit: "%", targets: {2022: 50}}
  - {id: c, name: "loose </svg><svg onload=alert(2)>", unit: "%"}
goals:
  - {id: g, name: "<style>*{background:url(//evil.example)}</style>", indicators: [a]}
objectives:
  - {id: o, name: "&amp; <!-- comment -->", goal: g, indicators: [a, b]}
  - {id: lonely, name: "Sasaran tanpa tujuan <b>", indicators: [c]}
links:
  - {parent: a, child: b}
data:
  "2022": {a: 40, b: 60}
"""


def test_hostile_names_are_escaped_and_the_svg_still_parses(write_spec: Any) -> None:
    spec = sakipcalc.load(write_spec({"spec.yaml": HOSTILE}))
    report = sakipcalc.evaluate(spec, period="2022")
    svg = render_tree_svg(spec, report)
    root = ET.fromstring(svg.encode("utf-8"))  # well-formed despite the names
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "desc", "rect", "text", "line", "g"}
    assert "<script" not in svg and "<style" not in svg and "<img" not in svg
    assert "<!--" not in svg and "]]>" not in svg and "<![CDATA[" not in svg
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    # the names come back as the text they are (wrapped over lines)
    joined = " ".join(texts)
    assert "<script>alert('a')</script>" in joined
    assert "&amp;" in joined  # the spec's literal "&amp;", escaped once
    assert "there ]]&gt; &lt;![CDATA[ x" in svg
    # the objective with no goal is listed, not dropped
    assert "Sasaran tanpa tujuan <b>" in joined


def test_characters_xml_cannot_hold_are_replaced() -> None:
    # the loader refuses control characters in names; the tree does not rely on it
    assert xml_text("a\x01b\x0bc\ud7ff\n") == "a\ufffdb\ufffdc\ud7ff\n"


def test_html_report_embeds_the_tree(
    tanah_laut: tuple[sakipcalc.Spec, EvaluationReport],
) -> None:
    spec, report = tanah_laut
    html = render_html(report, spec=spec)
    assert html.count('<figure class="tree-part"') == 7
    assert 'id="performance-tree"' in html
    assert 'id="performance-tree"' not in render_html(report)  # no spec, no tree


# ------------------------------------------------------------------ command


def test_tree_command_writes_the_svg(
    tmp_path: Path, tanah_laut: tuple[sakipcalc.Spec, EvaluationReport]
) -> None:
    output = tmp_path / "pohon.svg"
    result = run_cli("tree", str(TANAH_LAUT_SPEC), "--period", "2022", "-o", str(output))
    assert result.code == 0, result.err
    assert result.out == ""
    assert output.read_text(encoding="utf-8") == render_tree_svg(*tanah_laut, locale="id")
    english = run_cli("tree", str(TANAH_LAUT_SPEC), "--period", "2022", "--locale", "en")
    assert english.code == 0
    assert "Performance tree" in english.out
    ET.fromstring(english.out.encode("utf-8"))
    latest = run_cli("tree", str(TANAH_LAUT_SPEC))
    assert "menggambar 2022" in latest.err  # the tree is Indonesian by default, so is its note
