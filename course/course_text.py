"""The course text as students open it: a read-only notebook of Markdown cells.

JupyterLab opens a ``.md`` file in its text editor, as raw Markdown; a notebook's Markdown
cells it shows rendered, math included, with the MathJax it ships (no network), exactly as it
renders the assignment's own notebooks -- so the course text and the notebooks speak one
dialect of Markdown and TeX. The same file renders in Jupyter Notebook, VS Code, Colab and on
GitHub. (HTML would need the TeX turned into MathML first, by a converter that knows less TeX
than MathJax.) One cell per section, each locked against editing and deletion.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

COURSE_TEXT = "course-text.ipynb"
"""The course text's file name in a bundle."""

READ_ONLY = {"editable": False, "deletable": False}


def sections(markdown: str) -> list[str]:
    """``markdown`` cut before every heading that is not inside a fenced code block; joined
    with newlines, the sections are ``markdown`` again."""
    parts: list[list[str]] = [[]]
    fence = ""
    for line in markdown.splitlines():
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif line.startswith("#") and parts[-1]:
            parts.append([])
        parts[-1].append(line)
    return ["\n".join(part) for part in parts]


def course_text_notebook(markdown: str) -> nbformat.NotebookNode:
    """A notebook of read-only Markdown cells, one per section of ``markdown``.

    It names the Python kernel every student environment has, so that JupyterLab opens it
    without asking which kernel to start (it has no code to run). Its cells are numbered,
    not given random ids: the same text gives the same file."""
    texts = [section.strip("\n") for section in sections(markdown) if section.strip()]
    cells = [new_markdown_cell(text, id=f"section-{number}", metadata=dict(READ_ONLY))
             for number, text in enumerate(texts, start=1)]
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
