"""The command line leaves nothing behind and teaches: help, paths, message caps, escaping.

Also the shipped Tanah Laut spec's documentation, which must not name the
machine it was written on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from conftest import ROOT, SEED_SPEC
from hypothesis import given, settings
from hypothesis import strategies as st

import sakipcalc
from sakipcalc.testing import indicator_data

PERSEN_SPEC = """\
sakipcalc: 1
spec:
  id: demo
  name: Demo
  plan: {start: 2019, end: 2023}
indicators:
  - id: cakupan
    name: Cakupan layanan
    unit: persen
    targets: {2022: 90}
  - id: capaian
    name: Capaian
    unit: Percent
    targets: {2022: 90}
"""


def test_generated_percentages_for_persen_and_percent_units_lie_in_0_to_100(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    spec = sakipcalc.load(write_spec({"spec.yaml": PERSEN_SPEC}))
    strategies = [indicator_data(spec, i, edges=True) for i in ("cakupan", "capaian")]

    @settings(max_examples=60, database=None, deadline=None)
    @given(st.data())
    def in_range(data: st.DataObject) -> None:
        for indicator_id, strategy in zip(("cakupan", "capaian"), strategies, strict=True):
            value = data.draw(strategy).values["2022"][indicator_id]
            assert isinstance(value, Decimal)
            assert Decimal(0) <= value <= Decimal(100)

    in_range()


def test_sakipcalc_test_leaves_no_hypothesis_directory_in_the_spec_folder(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    folder = write_spec({"spec.yaml": PERSEN_SPEC})
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "sakipcalc", "test", ".", "--examples", "5"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["spec.yaml"]


def test_the_tanah_laut_docs_name_no_machine_paths_and_no_missing_inventory() -> None:
    for name in ("README.md", "spec.yaml"):
        text = (SEED_SPEC / name).read_text(encoding="utf-8")
        assert "/work/" not in text and "/home/" not in text, name
        assert "inventory" not in text, name
        assert "000_c2d025b5a3471b09.txt" in text, name
