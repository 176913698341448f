"""How the grader's packages depend on each other: one way, never in a cycle.

Read from the source (every import, a function's own included: an import made late is an
import), so that it holds for code no test runs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).parent

def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _imported(module: str, path: Path) -> Iterator[str]:
    """The modules of ``autograder`` that ``module`` (at ``path``) imports, by full name."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if (
                node.level) else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            yield source
            yield from (f"{source}.{alias.name}" for alias in node.names)


def _part(module: str) -> str | None:
    """The part of the grader ``module`` belongs to: its package under ``autograder``, or the
    top-level module itself; ``None`` if it is not the grader's."""
    parts = module.split(".")
    if parts[0] != "autograder" or len(parts) < 2:
        return None
    if (PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file():
        return parts[1]
    return None


def part_graph() -> dict[str, set[str]]:
    """Which parts of the grader import which (see :func:`_part`)."""
    graph: dict[str, set[str]] = {}
    for module, path in _modules():
        here = _part(module)
        if here is None:
            continue
        graph.setdefault(here, set())
        for imported in _imported(module, path):
            there = _part(imported)
            if there is not None and there != here:
                graph[here].add(there)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of nodes that reach each other (strongly connected, of two or more)."""
    def reach(start: str) -> set[str]:
        seen, stack = set(), [start]
        while stack:
            for successor in graph.get(stack.pop(), ()):
                if successor not in seen:
                    seen.add(successor)
                    stack.append(successor)
        return seen

    reached = {node: reach(node) for node in graph}
    groups = {frozenset({node} | {other for other in reached[node] if node in reached[other]})
              for node in graph}
    return sorted((set(group) for group in groups if len(group) > 1), key=sorted)


def test_the_cycle_finder_finds_a_cycle_through_a_third_part():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert "cluster" in part_graph()["cli"] and "grading" in part_graph()["cluster"]


def test_grading_and_cluster_import_each_other_in_one_direction_only():
    graph = part_graph()
    assert "grading" in graph["cluster"]
    assert "cluster" not in graph["grading"]
    assert not any({"grading", "cluster"} & group for group in cycles(graph))


def test_no_part_of_the_grader_is_in_an_import_cycle():
    assert cycles(part_graph()) == []


def test_the_kernel_code_builds_on_the_jail_and_the_verdicts_on_both():
    """The jail (``sandbox``) knows nothing of kernels; kernels (``kernels``) nothing of the
    verdicts made from their replies (``verify``)."""
    graph = part_graph()
    assert "sandbox" in graph["kernels"] and {"kernels", "sandbox"} <= graph["verify"]
    assert not {"kernels", "verify"} & graph["sandbox"] and "verify" not in graph["kernels"]
