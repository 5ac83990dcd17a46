"""The standard library of scales shipped inside the package: ``imports: ["sakipcalc:standard"]``.

It must work from a spec anywhere on disk and from an ordinary (non-editable)
install, and the repository's ``specs/standard`` must be the same files, not
a copy.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, SPECS, TANAH_LAUT_SPEC

import sakipcalc

PACKAGE = ROOT / "sakipcalc"
STANDARD_FILES = (
    "sakipcalc:standard/akip.yaml",
    "sakipcalc:standard/permendagri_86_2017.yaml",
    "sakipcalc:standard/traffic_light.yaml",
)

SPEC = """\
imports: [{imports}]
spec:
  id: demo
  name: Demo
  plan: {{start: 2019, end: 2023}}
  category_scale: permendagri_86_2017
indicators:
  - {{id: predikat, name: Predikat, unit: predikat, scale: akip, targets: {{2022: BB}}}}
  - {{id: pct, name: Persen, unit: "%", targets: {{2022: 80}}}}
data:
  "2022": {{predikat: A, pct: 72.4}}
"""


def write(directory: Path, imports: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "spec.yaml").write_text(SPEC.format(imports=imports), encoding="utf-8")
    return directory


def test_a_spec_outside_the_repository_imports_the_standard_scales(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "kabupaten", '"sakipcalc:standard"')
    spec = sakipcalc.load("kabupaten")
    assert spec.files == ("kabupaten/spec.yaml", *STANDARD_FILES)
    assert set(spec.scales) == {"akip", "permendagri_86_2017", "traffic_light", "efficiency_bands"}
    report = sakipcalc.evaluate(spec, period="2022")
    # A is the 6th AKIP band from the lowest, BB the 5th: 6 / 5 × 100.
    assert report.indicator("predikat").achievement.rounded == Decimal("120.00")
    # 72.4 / 80 × 100 = 90.5: in the regulation's gap between 90 and 91, closed as Tinggi.
    pct = report.indicator("pct")
    assert pct.achievement.rounded == Decimal("90.50")
    assert pct.category is not None
    assert pct.category.label == "tinggi"


def test_one_file_of_the_standard_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "s",
        '"sakipcalc:standard/akip.yaml", "sakipcalc:standard/permendagri_86_2017.yaml"',
    )
    assert sakipcalc.load("s").files == ("s/spec.yaml", *STANDARD_FILES[:2])


def test_the_standard_library_is_imported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "s", '"sakipcalc:standard", "sakipcalc:standard/akip.yaml"')
    assert sakipcalc.load("s").files == ("s/spec.yaml", *STANDARD_FILES)


def test_a_bare_standard_import_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "s", "standard")
    issue = only(sakipcalc.validate("s"), "import-not-found")
    looked = (tmp_path.resolve() / "s" / "standard").as_posix()
    assert issue.message == f"import 'standard' does not exist (looked for {looked})"
    assert issue.hint == "the scales shipped with sakipcalc are imported as sakipcalc:standard"


def test_a_missing_standard_file_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "s", '"sakipcalc:standard/akp.yaml"')
    issue = only(sakipcalc.validate("s"), "import-not-found")
    looked = (PACKAGE.resolve() / "standard" / "akp.yaml").as_posix()
    assert issue.message == (
        f"import 'sakipcalc:standard/akp.yaml' does not exist (looked for {looked})"
    )


@pytest.mark.parametrize(
    "target", ["sakipcalc:standrd", "sakipcalc:render/templates", "sakipcalc:"]
)
def test_only_the_standard_library_is_importable_from_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "s", f'"{target}"')
    issue = only(sakipcalc.validate("s"), "import-not-found")
    looked = os.path.normpath(PACKAGE.resolve() / target.removeprefix("sakipcalc:"))
    assert issue.message == (
        f"import '{target}' is not in the standard library (looked for {Path(looked).as_posix()})"
    )
    assert issue.hint == "write sakipcalc:standard, or sakipcalc:standard/akip.yaml for one file"


def test_the_repository_specs_standard_is_the_packaged_library() -> None:
    # One source: the repository's specs/standard is a link to the package's files.
    assert (SPECS / "standard").is_symlink()
    assert (SPECS / "standard").resolve() == (PACKAGE / "standard").resolve()


def test_relative_imports_of_the_repository_copy_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through the link they resolve into the packaged library, which every spec may read.
    rel = Path(os.path.relpath(SPECS / "standard", tmp_path / "s")).as_posix()
    write(tmp_path / "s", rel)
    monkeypatch.chdir(tmp_path)
    assert set(sakipcalc.load("s").scales) >= {"akip", "permendagri_86_2017"}


def test_tanah_laut_imports_the_packaged_library() -> None:
    text = (TANAH_LAUT_SPEC / "spec.yaml").read_text(encoding="utf-8")
    assert 'imports: ["sakipcalc:standard"]' in text.splitlines()
    spec = sakipcalc.load(TANAH_LAUT_SPEC)
    assert set(STANDARD_FILES) <= set(spec.files)
    assert "/work/" not in text
    assert "/work/" not in (TANAH_LAUT_SPEC / "README.md").read_text(encoding="utf-8")


def test_the_standard_library_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["sakipcalc"]
    files = sorted(p.name for p in (PACKAGE / "standard").iterdir())
    assert files == ["akip.yaml", "permendagri_86_2017.yaml", "traffic_light.yaml"]
    for name in files:
        assert any(fnmatch.fnmatch(f"standard/{name}", p) for p in patterns), name


def installed_copy(target: Path) -> Path:
    """The package laid out as a wheel installs it: modules plus the declared package data."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["sakipcalc"]
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(PACKAGE).as_posix()
        if path.is_file() and (
            path.suffix == ".py" or any(fnmatch.fnmatch(rel, p) for p in patterns)
        ):
            destination = target / "sakipcalc" / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return target


def test_an_installed_package_finds_its_standard_library(tmp_path: Path) -> None:
    site = installed_copy(tmp_path / "site")
    write(tmp_path / "elsewhere" / "spec", '"sakipcalc:standard"')
    program = (
        "import sakipcalc, sys\n"
        "assert sakipcalc.__file__.startswith(sys.argv[1]), sakipcalc.__file__\n"
        "spec = sakipcalc.load('spec')\n"
        "print(sorted(spec.scales))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", program, str(site)],
        cwd=tmp_path / "elsewhere",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "['akip', 'efficiency_bands', 'permendagri_86_2017', 'traffic_light']\n"


def only(report: sakipcalc.IssueReport, code: str) -> sakipcalc.Issue:
    found = [issue for issue in report if issue.code == code]
    assert len(found) == 1, [str(i) for i in report]
    return found[0]
