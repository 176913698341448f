"""The literal values a Python file assigns, read without running it.

For files that must not be imported here: the Jupyter settings a bundle ships (Jupyter runs
them, with its ``get_config``) and the student package's version module (read from a copy of
the package, not from the installed one).
"""

from __future__ import annotations

import ast
from pathlib import Path


def literal_assignments(path: Path) -> dict[str, object]:
    """``{name: value}`` for every top-level ``name = <literal>`` of the file at ``path``."""
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:  # not a literal
                continue
    return values
