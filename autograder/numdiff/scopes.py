"""What each name of a function (or of the top level) holds, for reading a difference as
evaluations at shifted inputs.

A name assigned once is replaced by its value, so that ``fp = f(xp)`` and ``fm = f(xm)`` read
as the calls they hold; a copy of an array reads as the array (``x.copy()``, ``np.array(x)``,
``x.astype(float)``). A copy changed in place by a step (``xp = x.copy(); xp[:, i] += h``)
reads as ``x + h``. A name changed in place both ways (``x[i] += h ... x[i] -= 2 * h``) stays
a name, marked as shifted in place. Every copy is bounded in depth and size.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field

from .program import only_checks

MAX_DEPTH = 8
"""Names replaced by their values inside one another, at most."""

MAX_NODES = 1000
"""Nodes of an expression once its names are replaced; beyond, names are left as they are."""

COPIES = ("array", "asarray", "asanyarray", "copy", "deepcopy", "float32", "float64")
"""Functions (of numpy or ``copy``) whose value is a copy of their first argument."""

Shift = tuple[type[ast.operator], ast.expr]
"""An in-place change by a step: ``(ast.Add or ast.Sub, the step)``."""


@dataclass
class Scope:
    """The names stored in one function, lambda, class body or module top level."""

    parent: Scope | None
    values: dict[str, list[ast.expr]] = field(default_factory=lambda: defaultdict(list))
    """Plain assignments ``name = value``."""
    stored: dict[str, list[ast.expr]] = field(default_factory=lambda: defaultdict(list))
    """Values stored into an entry: ``name[...] = value``."""
    shifts: dict[str, list[Shift]] = field(default_factory=lambda: defaultdict(list))
    """In-place changes by a step: ``name += d``, ``name[...] -= d``, ``name[i] = old[i] + d``."""
    other: set[str] = field(default_factory=set)
    """Names bound any other way (parameters, loop variables, unpacking, imports, ...)."""

    def owner(self, name: str) -> Scope | None:
        """The innermost scope, from this one out, that stores ``name``."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.values or name in scope.other or name in scope.shifts \
                    or name in scope.stored:
                return scope
            scope = scope.parent
        return None

    def shifted_in_place(self, name: str) -> bool:
        owner = self.owner(name)
        return owner is not None and bool(owner.shifts.get(name))

    def value(self, name: str) -> ast.expr | None:
        """What ``name`` reads as (see the module docstring), or ``None`` to keep the name."""
        owner = self.owner(name)
        if owner is None or name in owner.other or len(owner.values.get(name, [])) != 1:
            return None
        value = owner.values[name][0]
        shifts = owner.shifts.get(name, [])
        if name in owner.stored or not shifts:
            return None if name in owner.stored else value
        kinds = {(op, ast.dump(step)) for op, step in shifts}
        if len(kinds) != 1:
            return None
        op, step = shifts[0]
        return ast.BinOp(left=value, op=op(), right=step)

    def normal(self, node: ast.expr) -> tuple[ast.expr | None, int]:
        """``node`` with its names replaced by what they read as (a copy), and its size in
        nodes; ``None`` for a node larger than :data:`MAX_NODES`."""
        size = size_of(node, MAX_NODES)
        if size > MAX_NODES:
            return None, size
        replace = _Replace(self, size)
        copied = replace.copy(node)
        assert isinstance(copied, ast.expr)
        return copied, replace.nodes


def size_of(node: ast.AST, limit: int) -> int:
    """The number of nodes of ``node``, counted up to ``limit + 1``."""
    count = 0
    for _ in ast.walk(node):
        count += 1
        if count > limit:
            break
    return count


class _Replace:
    """Copies of expressions with their names replaced by their values, each read in the
    scope that assigned it, within :data:`MAX_DEPTH` and :data:`MAX_NODES`."""

    def __init__(self, scope: Scope, nodes: int) -> None:
        self.scopes = [scope]
        self.expanding: list[tuple[int, str]] = []
        self.nodes = nodes

    def copy(self, node: ast.AST) -> ast.AST:
        if not node._fields:  # operators and contexts: shared
            return node
        if isinstance(node, ast.Name):
            return self._name(node)
        fields = {}
        for name, value in ast.iter_fields(node):
            if isinstance(value, ast.AST):
                value = self.copy(value)
            elif isinstance(value, list):
                value = [self.copy(item) if isinstance(item, ast.AST) else item
                         for item in value]
            fields[name] = value
        copied = type(node)(**fields)
        return _original(copied) if isinstance(copied, ast.Call) else copied

    def _name(self, node: ast.Name) -> ast.expr:
        scope = self.scopes[-1]
        owner, value = scope.owner(node.id), scope.value(node.id)
        key = (id(owner), node.id)
        if owner is None or value is None or key in self.expanding \
                or len(self.expanding) >= MAX_DEPTH or self.nodes >= MAX_NODES:
            return node
        size = size_of(value, MAX_NODES - self.nodes)
        if self.nodes + size > MAX_NODES:
            self.nodes = MAX_NODES  # full: no more names are replaced
            return node
        self.nodes += size
        self.scopes.append(owner)
        self.expanding.append(key)
        try:
            copied = self.copy(value)
            assert isinstance(copied, ast.expr)
            return copied
        finally:
            self.scopes.pop()
            self.expanding.pop()


def _original(call: ast.Call) -> ast.expr:
    """A copy of an array reads as the array: ``x.copy()``, ``x.astype(float)``,
    ``np.array(x, dtype=float)``, ``copy.deepcopy(x)``."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("copy", "astype") \
            and not (func.attr == "copy" and call.args):
        return func.value
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in COPIES and call.args:
        return call.args[0]
    return call


def scopes_of(tree: ast.AST, top: Scope) -> dict[ast.AST, Scope]:
    """The scope of every node of ``tree``, a definition at the top level of a module whose
    scope is ``top`` (:func:`top_level_scope`)."""
    found: dict[ast.AST, Scope] = {}
    _walk(tree, top, found, known=top)
    return found


def top_level_scope(statements: list[ast.stmt]) -> Scope:
    """The scope of a module's top-level statements (the bodies of its functions excluded)."""
    scope = Scope(parent=None)
    for statement in statements:
        _walk(statement, scope, {}, known=None, descend=False)
    return scope


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _walk(root: ast.AST, scope: Scope, found: dict[ast.AST, Scope], known: Scope | None,
          descend: bool = True) -> None:
    """Map every node under ``root`` to its scope, recording what each scope stores
    (except ``known``'s, already recorded); functions and classes open scopes of their own."""
    stack: list[tuple[ast.AST, Scope]] = [(root, scope)]
    while stack:
        node, scope = stack.pop()
        if only_checks(node):
            continue
        found[node] = scope
        if not isinstance(node, _FUNCTIONS + (ast.ClassDef,)):
            if scope is not known:
                _record(node, scope)
            stack += [(child, scope) for child in reversed(list(ast.iter_child_nodes(node)))]
            continue
        outer: list[ast.AST] = list(getattr(node, "decorator_list", []))
        if isinstance(node, ast.ClassDef):
            outer += [*node.bases, *node.keywords]
        else:
            outer += [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
        if not isinstance(node, ast.Lambda) and scope is not known:
            scope.other.add(node.name)
        stack += [(child, scope) for child in reversed(outer)]
        if not descend:
            continue
        inner = Scope(parent=scope)
        if isinstance(node, ast.ClassDef):
            body: list[ast.AST] = list(node.body)
        else:
            arguments = node.args
            inner.other.update(a.arg for a in [*arguments.posonlyargs, *arguments.args,
                                               *arguments.kwonlyargs])
            inner.other.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a)
            body = list(node.body) if isinstance(node.body, list) else [node.body]
        stack += [(child, inner) for child in reversed(body)]


def _record(node: ast.AST, scope: Scope) -> None:
    """What ``node`` stores, into ``scope``."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            _store(target, node.value, scope, alone=len(node.targets) == 1)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        _store(node.target, node.value, scope, alone=True)
    elif isinstance(node, ast.NamedExpr):
        scope.values[node.target.id].append(node.value)
    elif isinstance(node, ast.AugAssign):
        name = stored_name(node.target)
        if name is not None:
            if isinstance(node.op, ast.Add | ast.Sub):
                scope.shifts[name].append((type(node.op), node.value))
            else:
                scope.other.add(name)
    elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
        scope.other.update(_names_in(node.target))
    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
        scope.other.update(_names_in(node.optional_vars))
    elif isinstance(node, ast.Import | ast.ImportFrom):
        scope.other.update((a.asname or a.name).split(".")[0] for a in node.names)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        scope.other.add(node.name)
    elif isinstance(node, ast.Global | ast.Nonlocal):
        scope.other.update(node.names)


def _store(target: ast.expr, value: ast.expr, scope: Scope, alone: bool) -> None:
    if isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List) \
            and len(target.elts) == len(value.elts) and alone \
            and not any(isinstance(e, ast.Starred) for e in [*target.elts, *value.elts]):
        for one_target, one_value in zip(target.elts, value.elts, strict=True):
            _store(one_target, one_value, scope, alone=True)
    elif isinstance(target, ast.Name):
        if alone:
            scope.values[target.id].append(value)
        else:
            scope.other.add(target.id)
    elif isinstance(target, ast.Subscript) and (name := stored_name(target)) is not None:
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add | ast.Sub) \
                and isinstance(value.left, ast.Subscript | ast.Name):
            scope.shifts[name].append((type(value.op), value.right))
        else:
            scope.stored[name].append(value)
    else:
        scope.other.update(_names_in(target))


def stored_name(target: ast.expr) -> str | None:
    """``x`` for ``x``, ``x[i]``, ``x[i][j]``."""
    while isinstance(target, ast.Subscript):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def _names_in(target: ast.AST) -> set[str]:
    return {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}
