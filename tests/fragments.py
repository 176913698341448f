"""Code fragments of a text students receive: what a student in a hurry could paste.

Generous on purpose, so that a test built on them can fail: every fenced block (and each of
its lines, and all the blocks of a text together), every inline code span, every docstring and
comment of a code cell (and each of their lines), and the code of every cell.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from html.parser import HTMLParser

import nbformat

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def _without_quote_marks(text: str) -> str:
    """Markdown with its blockquote marks (``> ``) removed, so quoted blocks read as blocks."""
    return "\n".join(re.sub(r"^(\s*>)+ ?", "", line) for line in text.splitlines())


def fenced_blocks(text: str, language: str | None = None) -> tuple[list[str], str]:
    """The fenced code blocks of Markdown ``text`` (only those whose info string starts with
    ``language``, if given), dedented, in order; and the prose around them."""
    blocks: list[str] = []
    prose: list[str] = []
    current: list[str] | None = None
    fence = info = ""
    for line in _without_quote_marks(text).splitlines():
        opening = FENCE.match(line)
        if current is None and opening:
            current, fence = [], opening.group(1)
            info = line.strip()[len(fence):].strip()
        elif current is not None and line.strip().startswith(fence) and not line.strip(
                ).strip(fence[0]):
            if language is None or info.startswith(language):
                blocks.append(textwrap.dedent("\n".join(current)))
            current = None
        elif current is not None:
            current.append(line)
        else:
            prose.append(line)
    if current is not None:  # an unclosed fence: Markdown renders it as code to the end
        blocks.append(textwrap.dedent("\n".join(current)))
    return blocks, "\n".join(prose)


def markdown_fragments(text: str) -> list[str]:
    """Fenced blocks, each line of each, all blocks together, and inline code spans."""
    blocks, prose = fenced_blocks(text)
    fragments = list(blocks)
    for block in blocks:
        fragments += [line.strip() for line in block.splitlines() if line.strip()]
    if len(blocks) > 1:
        fragments.append("\n".join(blocks))
    for paragraph in prose.split("\n\n"):
        fragments += [" ".join(span.group(2).split()) for span in INLINE.finditer(paragraph)]
    return fragments


def code_fragments(source: str) -> list[str]:
    """The code, each of its lines, and its docstrings and comments (as text and as
    Markdown, whose inline code spans count too)."""
    fragments = [source] + [line.strip() for line in source.splitlines() if line.strip()]
    words = [*_docstrings(source), *_comments(source)]
    for text in words:
        fragments += [text, *(line.strip() for line in text.splitlines() if line.strip())]
        fragments += markdown_fragments(text)
    return fragments


def notebook_fragments(notebook: nbformat.NotebookNode) -> list[str]:
    """The fragments of every cell, and the blocks of all Markdown cells together."""
    fragments: list[str] = []
    blocks: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            fragments += markdown_fragments(cell.source)
            blocks += fenced_blocks(cell.source)[0]
        elif cell.cell_type == "code":
            fragments += code_fragments(cell.source)
            if "nbgrader" not in cell.metadata:  # a cell the student fills, as given
                blocks.append(cell.source)
    if len(blocks) > 1:
        fragments.append("\n".join(blocks))
    return fragments


def html_fragments(text: str) -> list[str]:
    """The text of every ``<code>`` and ``<pre>`` element, as code and as lines."""
    parser = _CodeParser()
    parser.feed(text)
    fragments = []
    for code in parser.found:
        fragments += [code, *(line.strip() for line in code.splitlines() if line.strip())]
    return fragments


def file_fragments(name: str, data: bytes) -> list[str]:
    """The fragments of one file of a bundle, by its kind; nothing for binary files."""
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return []
    if name.endswith(".ipynb"):
        return notebook_fragments(nbformat.reads(text, as_version=4))
    if name.endswith((".html", ".htm")):
        return html_fragments(text)
    if name.endswith(".py"):
        return code_fragments(text)
    return [*markdown_fragments(text), *(line.strip() for line in text.splitlines()
                                         if line.strip())]


def _docstrings(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [ast.get_docstring(node) or "" for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and ast.get_docstring(node)]


def _comments(source: str) -> list[str]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return [line.split("#", 1)[1] for line in source.splitlines() if "#" in line]
    return [token.string.lstrip("#").strip() for token in tokens
            if token.type == tokenize.COMMENT]


class _CodeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("code", "pre"):
            if self._depth == 0:
                self._text = []
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre") and self._depth:
            self._depth -= 1
            if self._depth == 0:
                self.found.append("".join(self._text))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._text.append(data)
