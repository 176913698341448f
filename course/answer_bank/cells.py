"""The notebook cell an answer stands for, cut from its module's source.

An answer is a top-level function (or a name bound to ``right(lambda ...)``) of a module. Its
cell is what a student would type into the graded cell: the imports the answer uses, each
helper and constant of the module it uses (and what they use, in turn), then the answer itself,
renamed to the graded name and without the bank's decorator. Every name the cell uses is one
that it defines or a builtin, so it runs alone in a fresh kernel; :func:`cell_text` refuses
an answer that uses anything else (a name the module does not define at its top level, another
answer, or itself).

Which names a statement uses is Python's own answer (:mod:`symtable` for the scopes a statement
opens, its syntax tree for what it evaluates at the module's level), not a guess from text.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import symtable
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from .declare import NAMES

ROOT = Path(__file__).resolve().parents[2]


class BankError(ValueError):
    """A module of the answer bank that cannot serve: the message names its file and the fix."""


def shown_path(path: str | Path) -> str:
    """``path`` as the instructor finds it: relative to the repository when it is inside."""
    resolved = Path(path).resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(resolved)


def cell_text(module: ModuleType, name: str, graded: str, *,
              answers: Collection[str] = ()) -> str:
    """The cell in which ``name`` of ``module`` is written as ``graded``.

    Parameters
    ----------
    module : module
        Where the answer is written.
    name : str
        Its name in the module: a function, or a name bound to a bank decorator applied to a
        lambda.
    graded : str
        The name the cell defines, e.g. ``"dloss_dyhat"`` or ``"jacobian_shape"``.
    answers : collection of str
        The module's other answers, which no cell may use.

    Returns
    -------
    str
        The imports, helpers and constants the answer uses, in the module's order, then the
        answer; blocks apart by one blank line, ending with a newline.

    Raises
    ------
    BankError
        The answer is not a top-level function or ``right(lambda ...)``, or it uses a name that
        the module does not define at its top level, another answer, or itself.
    """
    parsed = _parse(module)
    answer = parsed.statement(name)
    imports: dict[str, tuple[ast.Import | ast.ImportFrom, ast.alias]] = {}
    helpers: dict[str, ast.stmt] = {}
    pending = [(name, answer, set(_names_used(parsed, answer, answer=True)))]
    while pending:
        user, statement, names = pending.pop()
        for used in sorted(names):
            if used in parsed.imports:
                imports[used] = parsed.imports[used]
            elif used in parsed.definitions and used not in helpers:
                if used == name or used in answers:
                    raise BankError(f"{parsed.where(statement)}: {user} uses the answer {used}: "
                                    "an answer may use helpers only (undecorated functions)")
                helpers[used] = parsed.definitions[used]
                pending.append((used, helpers[used],
                                set(_names_used(parsed, helpers[used], answer=False))))
            elif used not in parsed.definitions and not hasattr(builtins, used):
                raise BankError(f"{parsed.where(statement)}: {user} uses {used}, which "
                                f"{parsed.path} does not define at its top level")
    blocks = [_import_lines(imports.values())] if imports else []
    blocks += [parsed.text(statement) for statement in sorted(
        {id(s): s for s in helpers.values()}.values(), key=lambda s: s.lineno)]
    blocks.append(parsed.answer_text(answer, name, graded))
    return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class _Parsed:
    """A module's source, syntax tree, scopes, and what its top level binds."""

    path: str
    source: str
    lines: list[str]
    table: symtable.SymbolTable
    definitions: dict[str, ast.stmt]
    imports: dict[str, tuple[ast.Import | ast.ImportFrom, ast.alias]]

    def where(self, statement: ast.stmt) -> str:
        return f"{self.path}:{statement.lineno}"

    def statement(self, name: str) -> ast.stmt:
        if name not in self.definitions:
            raise BankError(f"{self.path} has no top-level {name}")
        return self.definitions[name]

    def text(self, statement: ast.stmt) -> str:
        """The whole lines of a helper or constant, its decorators included."""
        decorators = getattr(statement, "decorator_list", [])
        first = min([statement.lineno, *(d.lineno for d in decorators)])
        return "\n".join(self.lines[first - 1:statement.end_lineno])

    def answer_text(self, statement: ast.stmt, name: str, graded: str) -> str:
        """The answer's lines, renamed to ``graded``, the bank's decorator left out."""
        if isinstance(statement, ast.FunctionDef):
            return self._function_text(statement, graded)
        function = _declared_lambda(statement)
        if function is None:
            raise BankError(f"{self.where(statement)}: {name} is not an answer: a function "
                            "under a bank decorator, or a name bound to right(lambda ...)")
        return f"{graded} = {ast.get_source_segment(self.source, function)}"

    def _function_text(self, statement: ast.FunctionDef, graded: str) -> str:
        kept = _written_decorators(statement)
        start = kept[0].lineno if kept else statement.lineno
        lines = self.lines[start - 1:statement.end_lineno]
        header, written = statement.lineno - start, f"def {statement.name}("
        if not lines[header].startswith(written):
            raise BankError(f"{self.where(statement)}: write `{written}` on one line")
        lines[header] = f"def {graded}(" + lines[header].removeprefix(written)
        return "\n".join(lines)


@cache
def _parse(module: ModuleType) -> _Parsed:
    path = shown_path(inspect.getfile(module))
    source = inspect.getsource(module)
    tree = ast.parse(source)
    definitions: dict[str, ast.stmt] = {}
    imports: dict[str, tuple[ast.Import | ast.ImportFrom, ast.alias]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            if isinstance(statement, ast.ImportFrom) and statement.level:
                continue  # the bank's own imports: no cell can use them
            for alias in statement.names:
                imports[alias.asname or alias.name.split(".")[0]] = (statement, alias)
        for bound in _bound_names(statement):
            definitions[bound] = statement
    return _Parsed(path, source, source.splitlines(), symtable.symtable(source, path, "exec"),
                   definitions, imports)


def _bound_names(statement: ast.stmt) -> Iterator[str]:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield statement.name
    elif isinstance(statement, ast.Assign):
        yield from (t.id for t in statement.targets if isinstance(t, ast.Name))
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        yield statement.target.id


def _names_used(parsed: _Parsed, statement: ast.stmt, *, answer: bool) -> Iterator[str]:
    """The global names ``statement`` uses: at the module's level, and in the scopes it opens
    (functions, lambdas, comprehensions), whatever their depth. For an answer, the bank's
    decorator does not count."""
    if answer and isinstance(statement, ast.FunctionDef):
        evaluated: list[ast.AST] = [*_written_decorators(statement),
                                    *_argument_expressions(statement.args)]
        if statement.returns is not None:
            evaluated.append(statement.returns)
    elif answer:
        function = _declared_lambda(statement)
        evaluated = [] if function is None else _argument_expressions(function.args)
    else:
        evaluated = [statement]
    for node in evaluated:
        yield from _module_level_loads(node)
    last = statement.end_lineno or statement.lineno
    for child in parsed.table.get_children():
        if statement.lineno <= child.get_lineno() <= last:
            yield from _globals(child)


def _module_level_loads(node: ast.AST) -> Iterator[str]:
    """The names that evaluating ``node`` in the module's scope loads there (not in the scopes
    it opens: a function's body, a lambda's, a comprehension's but its first iterable)."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        yield node.id
    parts: list[ast.AST | None]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        parts = [*node.decorator_list, *_argument_expressions(node.args), node.returns]
    elif isinstance(node, ast.Lambda):
        parts = list(_argument_expressions(node.args))
    elif isinstance(node, ast.ClassDef):
        parts = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
        parts = [node.generators[0].iter]
    else:
        parts = list(ast.iter_child_nodes(node))
    for part in parts:
        if part is not None:
            yield from _module_level_loads(part)


def _argument_expressions(arguments: ast.arguments) -> list[ast.AST]:
    """Defaults and annotations: evaluated where the function is defined."""
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
             *(a for a in (arguments.vararg, arguments.kwarg) if a is not None)]
    return [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None),
            *(a.annotation for a in every if a.annotation is not None)]


def _globals(table: symtable.SymbolTable) -> Iterator[str]:
    for symbol in table.get_symbols():
        if symbol.is_global():
            yield symbol.get_name()
    for child in table.get_children():
        yield from _globals(child)


def _written_decorators(function: ast.FunctionDef) -> list[ast.expr]:
    """The decorators of an answer that are part of its cell: all but the bank's, if first."""
    decorators = function.decorator_list
    return decorators[1:] if decorators and _is_bank_decorator(decorators[0]) else decorators


def _is_bank_decorator(node: ast.expr) -> bool:
    called = node.func if isinstance(node, ast.Call) else node
    return isinstance(called, ast.Name) and called.id in NAMES


def _declared_lambda(statement: ast.stmt) -> ast.Lambda | None:
    """The lambda of ``name = right(lambda ...)`` (or of another bank decorator)."""
    if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.value, ast.Call) and _is_bank_decorator(statement.value.func)
            and not statement.value.keywords and len(statement.value.args) == 1
            and isinstance(statement.value.args[0], ast.Lambda)):
        return statement.value.args[0]
    return None


def _import_lines(imports: Iterable[tuple[ast.Import | ast.ImportFrom, ast.alias]]) -> str:
    """The import statements of the aliases used, in the module's order."""
    used: dict[int, tuple[ast.Import | ast.ImportFrom, list[ast.alias]]] = {}
    for statement, alias in sorted(imports, key=lambda pair: pair[0].lineno):
        used.setdefault(id(statement), (statement, []))[1].append(alias)
    lines = []
    for statement, aliases in used.values():
        names = [alias.name + (f" as {alias.asname}" if alias.asname else "")
                 for alias in statement.names if alias in aliases]
        if isinstance(statement, ast.ImportFrom):
            lines.append(f"from {statement.module} import {', '.join(names)}")
        else:
            lines += [f"import {name}" for name in names]
    return "\n".join(lines)
