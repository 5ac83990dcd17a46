"""Dependency order and cycle detection (``sakipcalc._graph``)."""

from __future__ import annotations

from sakipcalc._graph import cycles, dependencies_first


def test_dependencies_come_first() -> None:
    graph = {"a": ["b", "c"], "b": ["c"], "c": []}
    assert dependencies_first(("a", "b", "c"), graph) == ("c", "b", "a")


def test_a_long_chain_does_not_exhaust_the_stack() -> None:
    graph = {f"n{i}": [f"n{i + 1}"] for i in range(50_000)}
    order = dependencies_first(tuple(graph), graph)
    assert order[0] == "n50000" and order[-1] == "n0"


def test_a_simple_cycle_is_reported_from_its_first_node() -> None:
    assert cycles({"b": ["c"], "c": ["a"], "a": ["b"]}) == [["a", "b", "c"]]


def test_a_self_loop_is_a_cycle_and_a_lone_node_is_not() -> None:
    assert cycles({"a": ["a"], "b": []}) == [["a"]]


def test_a_tangle_is_reported_once_not_once_per_back_edge() -> None:
    # Every node points at every other: n(n-1) edges, one strongly connected component.
    nodes = [f"f{i:03d}" for i in range(200)]
    graph = {node: [other for other in nodes if other != node] for node in nodes}
    found = cycles(graph)
    assert len(found) == 1
    assert found[0] == ["f000", "f001"]


def test_separate_tangles_each_get_one_cycle() -> None:
    graph = {"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": ["c", "e"], "e": []}
    assert cycles(graph) == [["a", "b"], ["c", "d"]]


def test_a_cycle_behind_a_detour_is_found() -> None:
    graph = {"a": ["x", "b"], "x": [], "b": ["c"], "c": ["b"]}
    assert cycles(graph) == [["b", "c"]]
