"""Dependency graphs: an order with dependencies first, and one cycle per tangle.

Both walks are iterative, so a chain of thousands of indicators cannot exhaust
Python's stack. A graph maps each node to the nodes it points at, in the order
they were written; that order decides which cycle is reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def dependencies_first(nodes: Sequence[str], graph: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """``nodes`` ordered so that each comes after everything it depends on (acyclic graph)."""
    order: list[str] = []
    done: set[str] = set()
    for start in nodes:
        if start in done:
            continue
        done.add(start)
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, index = stack.pop()
            deps = graph.get(node, ())
            if index < len(deps):
                stack.append((node, index + 1))
                dep = deps[index]
                if dep not in done:
                    done.add(dep)
                    stack.append((dep, 0))
            else:
                order.append(node)
    return tuple(order)


def cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """One cycle for each strongly connected component that has one.

    Reporting every back edge instead would let a tangle of n nodes produce
    messages of total length n² (8,000 formulas once gave 312 MB). The cycle
    shown is the first one a depth-first search meets from the component's
    first-visited node, visiting starts in sorted order and edges as written.
    """
    components, discovered = _components(graph)
    found: list[tuple[int, list[str]]] = []
    for component in components:
        entry = min(component, key=discovered.__getitem__)
        if len(component) == 1 and entry not in graph.get(entry, ()):
            continue  # a single node without a self-loop is no cycle
        found.append((discovered[entry], _first_cycle(entry, component, graph)))
    return [cycle for _, cycle in sorted(found, key=lambda pair: pair[0])]


def _components(
    graph: Mapping[str, Sequence[str]],
) -> tuple[list[set[str]], dict[str, int]]:
    """Tarjan's strongly connected components, iteratively, and each node's visit number."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = graph.get(node, ())
            if position < len(children):
                work.append((node, position + 1))
                child = children[position]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components, index


def _first_cycle(entry: str, component: set[str], graph: Mapping[str, Sequence[str]]) -> list[str]:
    """The first cycle a depth-first search from ``entry`` closes inside ``component``."""
    path: list[str] = []
    on_path: set[str] = set()
    visited: set[str] = set()
    work: list[tuple[str, int]] = [(entry, 0)]
    while work:
        node, position = work.pop()
        if position == 0:
            visited.add(node)
            path.append(node)
            on_path.add(node)
        children = graph.get(node, ())
        if position < len(children):
            work.append((node, position + 1))
            child = children[position]
            if child in on_path:
                return path[path.index(child) :]
            if child in component and child not in visited:
                work.append((child, 0))
            continue
        path.pop()
        on_path.discard(node)
    raise AssertionError("a strongly connected component always holds a cycle")  # pragma: no cover
