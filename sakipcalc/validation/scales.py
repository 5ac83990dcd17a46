"""Scales and breakdowns: compiling scales (a step other rules need), checking breakdowns."""

from __future__ import annotations

from collections.abc import Mapping

from .._hints import suggest
from .._scales import CompiledScale, ScaleBand, band_issues, parse_interval
from .._spec import Origin, error
from ..errors import Issue
from ..models import ScaleKind
from .draft import Draft


def compile_scales(draft: Draft) -> tuple[dict[str, CompiledScale], list[Issue]]:
    """Each valid scale, compiled; issues for bands that repeat, overlap or leave gaps."""
    compiled: dict[str, CompiledScale] = {}
    issues: list[Issue] = []
    for scale_id, scale in draft.scales.items():
        origin = draft.origin("scales", scale_id)
        bands: list[ScaleBand] = []
        ok = True
        labels: dict[str, int] = {}
        for index, band in enumerate(scale.bands):
            if band.label in labels:
                issues.append(
                    error(
                        "duplicate-band",
                        f"label '{band.label}' is used by band {labels[band.label] + 1} already",
                        origin,
                        "bands",
                        index,
                        "label",
                    )
                )
                ok = False
            labels[band.label] = index
            try:
                interval = parse_interval(band.range)
            except ValueError as exc:
                issues.append(error("invalid-band", str(exc), origin, "bands", index, "range"))
                ok = False
                continue
            bands.append(ScaleBand(band, interval, index + 1))
        if not ok:
            continue
        for index, code, problem in band_issues([b.interval for b in bands]):
            issues.append(
                error(code, f"scale '{scale_id}': {problem}", origin, "bands", index, "range")
            )
            ok = False
        if ok:
            compiled[scale_id] = CompiledScale(scale, tuple(bands))
    return compiled, issues


def scale_ref_issues(
    draft: Draft, ref: str | None, kind: ScaleKind, origin: Origin, *sub: str | int
) -> list[Issue]:
    """``ref`` must name a scale, and one of ``kind``."""
    if ref is None:
        return []
    if not draft.declares("scales", ref):
        return draft.unknown_reference("scales", ref, origin, *sub)
    compiled: Mapping[str, CompiledScale] = draft.compiled_scales
    found = compiled.get(ref)
    if found is not None and found.scale.kind is not kind:
        return [
            error(
                "wrong-scale-kind",
                f"scale '{ref}' is a {found.scale.kind.value} scale; a {kind.value} scale is needed",
                origin,
                *sub,
            )
        ]
    return []


def check_breakdowns(draft: Draft) -> list[Issue]:
    """Categories are listed once; subsets name known categories and no category's name."""
    issues: list[Issue] = []
    for breakdown_id, breakdown in draft.breakdowns.items():
        origin = draft.origin("breakdowns", breakdown_id)
        seen: set[str] = set()
        for index, category in enumerate(breakdown.categories):
            if category.id in seen:
                issues.append(
                    error(
                        "duplicate-category",
                        f"category '{category.id}' is listed twice",
                        origin,
                        "categories",
                        index,
                    )
                )
            seen.add(category.id)
        for subset, members in breakdown.subsets.items():
            if subset in seen:
                issues.append(
                    error(
                        "subset-name-clash",
                        f"subset '{subset}' has the name of a category",
                        origin,
                        "subsets",
                        subset,
                        prefer_key=True,
                    )
                )
            for index, member in enumerate(members):
                if member not in seen:
                    issues.append(
                        error(
                            "unknown-category",
                            f"subset '{subset}' names unknown category '{member}'",
                            origin,
                            "subsets",
                            subset,
                            index,
                            hint=suggest(member, seen),
                        )
                    )
    return issues
