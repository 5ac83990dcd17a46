"""Reading a spec reads only the spec: confinement, special files, and bounded work.

By default a spec's files and imports resolve inside the directory tree of the
spec being loaded, plus the packaged standard library; ``allow_roots`` widens
that. Anything else is refused without being read, and nothing in a spec's
directories is skipped without a word.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest
from conftest import run_cli

import sakipcalc
import sakipcalc._files
from sakipcalc import Issue, IssueReport
from sakipcalc._loader import load_issues

SCALES = """\
scales:
  - id: shared_scale
    kind: category
    bands:
      - {label: low, range: "(-inf, 50)"}
      - {label: high, range: "[50, inf)"}
"""
SPEC = """\
imports: [{imports}]
spec: {{id: demo, name: Demo, plan: {{start: 2019, end: 2023}}}}
"""
OUTSIDE_HINT = (
    "keep shared files inside the spec's directory, import the shipped scales as "
    "sakipcalc:standard, or allow a directory with --allow-root DIR or allow_roots="
)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and /proc")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the loader opens, by real path."""
    opened: list[Path] = []
    real_read = sakipcalc._files.read_yaml_file

    def recording(path: Path, display: str):  # type: ignore[no-untyped-def]
        opened.append(Path(path).resolve())
        return real_read(path, display)

    monkeypatch.setattr(sakipcalc._files, "read_yaml_file", recording)
    return opened


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A province's shared scales beside a kabupaten spec that imports them."""
    (tmp_path / "province").mkdir()
    (tmp_path / "province" / "scales.yaml").write_text(SCALES, encoding="utf-8")
    (tmp_path / "kabupaten").mkdir()
    write(tmp_path / "kabupaten", "../province")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(directory: Path, imports: str, name: str = "spec.yaml") -> None:
    (directory / name).write_text(SPEC.format(imports=imports), encoding="utf-8")


def issues(report: IssueReport, code: str) -> list[Issue]:
    return [issue for issue in report if issue.code == code]


def only(report: IssueReport, code: str) -> Issue:
    found = issues(report, code)
    assert len(found) == 1, [str(i) for i in report]
    return found[0]


# ------------------------------------------------------------ confinement


def test_an_import_out_of_the_spec_is_refused_unread(tree: Path, reads: list[Path]) -> None:
    report = sakipcalc.validate("kabupaten")
    issue = only(report, "outside-spec")
    assert issue.message == (
        "import '../province' leads outside the directories this spec may read "
        "(kabupaten, sakipcalc:standard); it was not read"
    )
    assert issue.hint == OUTSIDE_HINT
    assert (issue.location.file, issue.location.line, issue.path) == (
        "kabupaten/spec.yaml",
        1,
        "imports[0]",
    )
    assert reads == [(tree / "kabupaten" / "spec.yaml").resolve()]


def test_allow_roots_widens_the_confinement(tree: Path) -> None:
    spec = sakipcalc.load("kabupaten", allow_roots=["province"])
    assert spec.files == ("kabupaten/spec.yaml", "province/scales.yaml")
    assert sakipcalc.validate("kabupaten", allow_roots=[tree / "province"]).issues == ()
    loaded, report = load_issues(["kabupaten"], allow_roots=("province",))
    assert loaded is not None
    assert report.issues == ()


def test_one_allowed_root_may_be_given_as_a_string(tree: Path) -> None:
    assert sakipcalc.validate("kabupaten", allow_roots="province").issues == ()  # type: ignore[arg-type]


def test_allow_roots_must_name_directories(tree: Path) -> None:
    report = sakipcalc.validate("kabupaten", allow_roots=["nowhere"])
    issue = [i for i in issues(report, "io-error") if i.location.file == "nowhere"]
    assert [i.message for i in issue] == ["an allowed root must be a directory"]


def test_allow_roots_is_keyword_only(tree: Path) -> None:
    # A second positional path is another spec path, never a root.
    report = sakipcalc.validate("kabupaten", "province")
    assert issues(report, "outside-spec") == []


def test_a_dot_dot_chain_to_any_file_is_refused(tree: Path, reads: list[Path]) -> None:
    write(tree / "kabupaten", "../../../../../../../../etc/passwd")
    report = sakipcalc.validate("kabupaten")
    assert only(report, "outside-spec").path == "imports[0]"
    assert len(reads) == 1


def test_a_chain_that_comes_back_inside_is_fine(tree: Path) -> None:
    (tree / "kabupaten" / "lib").mkdir()
    (tree / "kabupaten" / "lib" / "s.yaml").write_text(SCALES, encoding="utf-8")
    write(tree / "kabupaten", "../kabupaten/lib")
    assert sakipcalc.validate("kabupaten").issues == ()


@posix_only
def test_a_symlinked_file_pointing_out_is_refused_unread(tree: Path, reads: list[Path]) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "scales.yaml").symlink_to(tree / "province" / "scales.yaml")
    report = sakipcalc.validate("kabupaten")
    issue = only(report, "outside-spec")
    assert issue.location.file == "kabupaten/scales.yaml"
    assert issue.message.startswith("this symlink leads outside the directories")
    assert (tree / "province" / "scales.yaml").resolve() not in reads


@posix_only
def test_a_symlinked_directory_pointing_out_is_refused(tree: Path, reads: list[Path]) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "shared").symlink_to(tree / "province", target_is_directory=True)
    report = sakipcalc.validate("kabupaten")
    assert only(report, "outside-spec").location.file == "kabupaten/shared"
    assert len(reads) == 1


@posix_only
def test_a_link_out_that_is_no_spec_file_is_ignored(tree: Path) -> None:
    # Reports, CSV data and the like are never read by the loader.
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "lakip.pdf").symlink_to(tree / "province" / "scales.yaml")
    assert sakipcalc.validate("kabupaten").issues == ()


@posix_only
def test_symlinks_inside_the_spec_are_followed_and_read_once(tree: Path) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "lib").mkdir()
    (tree / "kabupaten" / "lib" / "scales.yaml").write_text(SCALES, encoding="utf-8")
    (tree / "kabupaten" / "again.yaml").symlink_to("lib/scales.yaml")
    (tree / "kabupaten" / "linked").symlink_to("lib", target_is_directory=True)
    spec = sakipcalc.load("kabupaten")
    assert spec.files == ("kabupaten/again.yaml", "kabupaten/spec.yaml")
    assert set(spec.scales) == {"shared_scale"}


@posix_only
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="no /proc")
def test_proc_is_never_read(tree: Path, reads: list[Path]) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "environ.yaml").symlink_to("/proc/self/environ")
    report = sakipcalc.validate("kabupaten", allow_roots=["/"])
    issue = only(report, "outside-spec")
    assert issue.location.file == "kabupaten/environ.yaml"
    assert issue.message.endswith("in /proc; system files are never read as a spec")
    given = sakipcalc.validate("/proc/self/environ")
    assert only(given, "outside-spec").location.file == "/proc/self/environ"
    assert len(reads) == 1


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_devices_are_never_read(tree: Path, reads: list[Path]) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "zero.yaml").symlink_to("/dev/zero")
    assert only(sakipcalc.validate("kabupaten"), "outside-spec").location.file == (
        "kabupaten/zero.yaml"
    )
    assert only(sakipcalc.validate("/dev/zero"), "outside-spec").location.file == "/dev/zero"
    assert len(reads) == 1


# ------------------------------------------------- nothing skipped silently


@posix_only
def test_a_dangling_symlink_is_an_error(tree: Path) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "data").symlink_to("data-2022", target_is_directory=True)
    issue = only(sakipcalc.validate("kabupaten"), "dangling-symlink")
    assert issue.location.file == "kabupaten/data"
    assert issue.message == "this symlink points to data-2022, which does not exist"


@posix_only
def test_a_symlink_loop_is_an_error(tree: Path) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "a.yaml").symlink_to("b.yaml")
    (tree / "kabupaten" / "b.yaml").symlink_to("a.yaml")
    report = sakipcalc.validate("kabupaten")
    assert [(i.location.file, i.message) for i in issues(report, "symlink-loop")] == [
        ("kabupaten/a.yaml", "this symlink loops: following it never reaches a file"),
        ("kabupaten/b.yaml", "this symlink loops: following it never reaches a file"),
    ]


@posix_only
def test_a_directory_linking_to_its_ancestor_is_an_error(tree: Path) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "sub").mkdir()
    (tree / "kabupaten" / "sub" / "up").symlink_to("..", target_is_directory=True)
    issue = only(sakipcalc.validate("kabupaten"), "symlink-loop")
    assert issue.location.file == "kabupaten/sub/up"
    assert issue.message == (
        f"this symlink points to {(tree / 'kabupaten').resolve()}, a directory that contains it; "
        "searching it would never end"
    )


@posix_only
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_an_error_and_is_not_opened(tree: Path) -> None:
    write(tree / "kabupaten", "")
    os.mkfifo(tree / "kabupaten" / "data.yaml")  # opening it would block forever
    issue = only(sakipcalc.validate("kabupaten"), "not-regular-file")
    assert issue.location.file == "kabupaten/data.yaml"
    assert issue.message == "this file is a named pipe (FIFO), not a regular file; it was not read"
    given = only(sakipcalc.validate("kabupaten/data.yaml"), "not-regular-file")
    assert given.message == "this path is a named pipe (FIFO), not a regular file; it was not read"


@posix_only
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_an_imported_fifo_is_an_error(tree: Path) -> None:
    os.mkfifo(tree / "kabupaten" / "pipe.yaml")
    write(tree / "kabupaten", "pipe.yaml", name="main.yml")
    report = sakipcalc.validate("kabupaten/main.yml")
    assert [(i.location.file, i.message) for i in issues(report, "not-regular-file")] == [
        (
            "kabupaten/main.yml",
            "import 'pipe.yaml' is a named pipe (FIFO), not a regular file; it was not read",
        )
    ]


def test_an_unreadable_directory_is_an_error(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod cannot lock out root, so the refusal is simulated where it happens.
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "data").mkdir()
    locked = (tree / "kabupaten" / "data").resolve()
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    issue = only(sakipcalc.validate("kabupaten"), "io-error")
    assert issue.location.file == "kabupaten/data"
    assert issue.message == "cannot read directory: Permission denied"


def test_hidden_directories_are_still_skipped(tree: Path) -> None:
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / ".git").mkdir()
    (tree / "kabupaten" / ".git" / "broken.yaml").write_text("[", encoding="utf-8")
    assert sakipcalc.validate("kabupaten").issues == ()


# ------------------------------------------------------------ bounded work


def test_total_size_is_limited_before_reading(
    tree: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sakipcalc._files, "MAX_TOTAL_BYTES", 200)
    write(tree / "kabupaten", "")  # about 80 bytes
    for name in ("a.yaml", "b.yaml"):
        (tree / "kabupaten" / name).write_text(SCALES, encoding="utf-8")  # 135 bytes each
    report = sakipcalc.validate("kabupaten")
    issue = only(report, "spec-too-large")
    assert issue.location.file == "kabupaten/b.yaml"
    assert issue.message == (
        "the spec's files come to more than 200 bytes, the limit; "
        "this file and the rest were not read"
    )
    assert reads == []  # the sizes are added up while searching, before anything is read


def test_an_import_past_the_total_size_is_not_read(
    tree: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sakipcalc._files, "MAX_TOTAL_BYTES", 300)  # spec.yaml + one SCALES
    (tree / "province" / "more.yaml").write_text(SCALES, encoding="utf-8")
    write(tree / "kabupaten", "../province/scales.yaml, ../province/more.yaml")
    report = sakipcalc.validate("kabupaten", allow_roots=["province"])
    assert only(report, "spec-too-large").location.file == "province/more.yaml"
    # Both imports are counted as soon as they are named, so neither is read.
    assert [p.name for p in reads] == ["spec.yaml"]


def test_directory_entries_are_limited(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sakipcalc._files, "MAX_ENTRIES", 5)
    write(tree / "kabupaten", "")
    for index in range(10):
        (tree / "kabupaten" / f"report-{index}.pdf").write_bytes(b"")
    issue = only(sakipcalc.validate("kabupaten"), "too-many-entries")
    assert issue.message == (
        "the spec's directories hold more than 5 entries; the rest were not searched"
    )


def test_directory_depth_is_limited(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sakipcalc._files, "MAX_DIR_DEPTH", 3)
    write(tree / "kabupaten", "")
    deep = tree / "kabupaten" / "a" / "b" / "c"
    deep.mkdir(parents=True)
    issue = only(sakipcalc.validate("kabupaten"), "directory-too-deep")
    assert issue.location.file == "kabupaten/a/b/c"


def test_limits_are_generous_for_real_specs() -> None:
    assert sakipcalc._files.MAX_FILES >= 500
    assert sakipcalc._files.MAX_TOTAL_BYTES >= 4 * 1024 * 1024
    assert sakipcalc._files.MAX_ENTRIES >= 10_000


def test_a_directory_imported_many_times_is_searched_once(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tree / "kabupaten", ", ".join(["."] * 2000 + ["./"] * 2000))
    real_scandir = os.scandir
    searched: list[Path] = []

    def scandir(path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        searched.append(Path(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert sakipcalc.validate("kabupaten").issues == ()
    assert searched == [(tree / "kabupaten").resolve()]


@posix_only
def test_a_spec_file_given_through_a_symlink_reads_beside_the_link(tree: Path) -> None:
    # The caller named the link: its directory, and the file's own, are the spec's.
    (tree / "kabupaten" / "lib").mkdir()
    (tree / "kabupaten" / "lib" / "scales.yaml").write_text(SCALES, encoding="utf-8")
    write(tree / "province", "lib/scales.yaml", name="spec.yaml")
    (tree / "kabupaten" / "main.yaml").symlink_to(tree / "province" / "spec.yaml")
    spec = sakipcalc.load("kabupaten/main.yaml")
    assert spec.files == ("kabupaten/main.yaml", "kabupaten/lib/scales.yaml")


def test_a_spec_over_a_limit_is_not_checked_further(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What was read is only part of the spec: its problems would be noise, and cost time.
    monkeypatch.setattr(sakipcalc._files, "MAX_TOTAL_BYTES", 100)
    write(tree / "kabupaten", "")
    (tree / "kabupaten" / "z.yaml").write_text(SCALES, encoding="utf-8")
    (tree / "kabupaten" / "a.yaml").write_text("indicators: [{id: x}]\n", encoding="utf-8")
    report = sakipcalc.validate("kabupaten")
    assert [i.code for i in report] == ["spec-too-large"]


def test_the_cli_widens_the_roots_with_allow_root(tmp_path: Path) -> None:
    # A province's shared scales beside its kabupaten specs: refused by default,
    # read when the command names the shared directory with --allow-root.
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "kinds.yaml").write_text(
        "sakipcalc: 1\nbreakdowns:\n  - {id: kinds, categories: [a, b]}\n", encoding="utf-8"
    )
    spec = tmp_path / "kab"
    spec.mkdir()
    (spec / "spec.yaml").write_text(
        "sakipcalc: 1\nimports: [../shared]\n"
        "spec: {id: k, name: K, plan: {start: 2020, end: 2024}}\n",
        encoding="utf-8",
    )
    refused = run_cli("validate", str(spec))
    assert refused.code == 1 and "outside-spec" in refused.out
    allowed = run_cli("validate", str(spec), "--allow-root", str(shared))
    assert allowed.code == 0, allowed.out
