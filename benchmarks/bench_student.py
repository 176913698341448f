"""What a student waits for: each notebook's local test cells, and ``nbgrader validate``.

For every solution notebook (``solutions/<assignment>/``), side by side:

- its test cells, run in this process after the notebook's other cells (the checks on the
  notebook's sizes and on the second public set, against the package's stored references):
  all of them together, the first time in a fresh process (``first``: it imports the package
  and reads its stored references) and the best of ``--repeat`` runs;
- ``nbgrader validate`` of the notebook (a fresh kernel runs every cell), beside the same
  command on a copy whose test cells are emptied (``pass``): the difference is what the
  checks add to Validate.

Run: ``.venv/bin/python benchmarks/bench_student.py [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.workspace import ROOT  # noqa: E402


def _is_test(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("grade"))


def test_cells_seconds(notebook: nbformat.NotebookNode, repeat: int) -> list[float]:
    """Wall time of the notebook's test cells, each run after the cells before it, in each
    of ``repeat`` runs (the first in this process pays for importing the package and reading
    its stored references, as a student's first check does)."""
    times = []
    for _ in range(repeat):
        namespace: dict[str, object] = {}
        spent = 0.0
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in notebook.cells:
                if cell.cell_type != "code":
                    continue
                started = time.perf_counter()
                exec(compile(cell.source, "<cell>", "exec"), namespace)
                if _is_test(cell):
                    spent += time.perf_counter() - started
        times.append(spent)
    return times


def subprocess_first(path: Path) -> float:
    """The test cells' time in a fresh Python process, as a student's first run pays it."""
    code = ("import sys, nbformat; sys.path.insert(0, sys.argv[2]); "
            "from benchmarks.bench_student import test_cells_seconds; "
            "print(test_cells_seconds(nbformat.read(sys.argv[1], as_version=4), 1)[0])")
    result = subprocess.run([sys.executable, "-c", code, str(path), str(ROOT)],
                            capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def validate_seconds(path: Path) -> float:
    """Wall time of ``nbgrader validate`` on ``path`` (run in its folder)."""
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "validate", path.name],
                   cwd=path.parent, capture_output=True, check=False)
    return time.perf_counter() - started


def without_tests(notebook: nbformat.NotebookNode, folder: Path, name: str) -> Path:
    """A copy of ``notebook`` in ``folder`` whose test cells hold ``pass``."""
    copy = nbformat.from_dict(notebook)
    for cell in copy.cells:
        if _is_test(cell):
            cell.source = "pass"
    path = folder / name
    nbformat.write(copy, path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'notebook':<40}{'tests first':>12}{'best':>8}{'validate':>10}{'no tests':>10}"
          f"{'checks add':>12}")
    with tempfile.TemporaryDirectory(prefix="bench-student-") as scratch:
        for path in sorted((ROOT / "solutions").glob("*/[0-9]*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            first, *rest = [subprocess_first(path)] + test_cells_seconds(notebook, args.repeat)
            folder = Path(scratch) / path.parent.name
            folder.mkdir(exist_ok=True)
            shutil.copy(path, folder / path.name)
            validate = min(validate_seconds(folder / path.name) for _ in range(3))
            empty = without_tests(notebook, folder, f"empty-{path.name}")
            baseline = min(validate_seconds(empty) for _ in range(3))
            name = f"{path.parent.name}/{path.stem}"
            print(f"{name:<40}{1000 * first:>10.1f}ms{1000 * min(rest):>6.1f}ms"
                  f"{validate:>9.2f}s{baseline:>9.2f}s{validate - baseline:>+11.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
