"""Finding, in one definition, a difference of one function's values at shifted inputs.

Read in the submission's own code, with names replaced by what they hold
(:mod:`.scopes`). A subtraction ``A - B`` (also ``A -= B`` and ``np.subtract(A, B)``), or of a
term of each when they are sums, is a finite difference when

- ``A`` and ``B`` are the same expression except where one holds ``x + d`` and the other
  ``x - d``, ``x`` or ``x + (-d)`` (central, forward and backward differences, any step ``d``,
  a scalar, a unit vector or a broadcast stack of them): :data:`SHIFTED`;
- ``A`` and ``B`` are the same expression, holding a call and a name changed in place by a
  step between the two evaluations (``x[i] += h; fp = f(x); x[i] -= 2 * h; fm = f(x)``):
  :data:`IN_PLACE`;
- ``A`` and ``B`` are parts of one evaluation at inputs stacked from a shifted pair
  (``v = f(np.stack([x + h, x - h])); v[0] - v[1]``), or ``np.diff`` of such an evaluation:
  :data:`STACKED`.

Calls of numpy's, scipy's and numdifftools' numerical differentiation are found by name:
:data:`LIBRARY`. Expressions are compared by structure (a hash of each node's type, fields
and children, computed once per node), so that a comparison costs the size of the trees.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .scopes import Scope, stored_name

SHIFTED, IN_PLACE, STACKED, LIBRARY = "shifted", "in_place", "stacked", "library"

NUMERICAL_DERIVATIVES = ("numpy.gradient", "scipy.optimize.approx_fprime",
                         "scipy.optimize._numdiff.approx_derivative", "scipy.misc.derivative",
                         "scipy.differentiate.", "numdifftools.")
"""Library functions that differentiate numerically (a trailing dot: the whole module)."""

MAX_SUBTRACTIONS, MAX_NODES_READ = 500, 50_000
"""Subtractions, and nodes of their operands once names are replaced, read in the code the
graded functions of one notebook reach; the rest is not read."""

MAX_TERMS = 8
"""Terms of a sum compared with the terms of the other side."""

Dotted = Callable[[ast.expr], "str | None"]
"""Resolves a callee to its dotted name through the submission's imports."""


@dataclass(frozen=True)
class Difference:
    """A place where the code differentiates numerically.

    ``node``: the subtraction or call (its line, and the code shown); ``kind``: one of
    :data:`SHIFTED`, :data:`IN_PLACE`, :data:`STACKED`, :data:`LIBRARY`; ``about``: the step,
    the name shifted in place, or the library function.
    """

    node: ast.AST
    kind: str
    about: str


@dataclass
class Budget:
    """What is left to read, shared by every definition one notebook's graded functions
    reach."""

    subtractions: int = MAX_SUBTRACTIONS
    nodes: int = MAX_NODES_READ

    @property
    def spent(self) -> bool:
        return self.subtractions < 0 or self.nodes < 0


def differences(scopes: dict[ast.AST, Scope], dotted: Dotted,
                budget: Budget) -> Iterator[Difference]:
    """The finite differences among the nodes of ``scopes`` (:func:`.scopes.scopes_of`), in
    the order of the source."""
    for node, scope in scopes.items():
        try:
            found = _at(node, scope, dotted, budget)
        except RecursionError:  # a pathologically deep expression: not read
            continue
        if budget.spent:
            return
        if found is not None:
            yield Difference(node, *found)


def _at(node: ast.AST, scope: Scope, dotted: Dotted, budget: Budget) -> tuple[str, str] | None:
    """``(kind, about)`` if ``node`` differentiates numerically."""
    for left, right in _subtractions(node, scope, dotted):
        budget.subtractions -= 1
        sides = [_normal(scope, side, budget) for side in (left, right)]
        if budget.spent:
            return None
        if sides[0] is not None and sides[1] is not None:
            found = _difference(scope, sides[0], sides[1])
            if found is not None:
                return found
    if isinstance(node, ast.Call):
        name = dotted(node.func) or ""
        if any(name == known or known.endswith(".") and name.startswith(known)
               for known in NUMERICAL_DERIVATIVES):
            return LIBRARY, name
        if name == "numpy.diff" and node.args:
            argument = _normal(scope, node.args[0], budget)
            if argument is not None and _stacked_pair(argument, _Keys()):
                return STACKED, ""
    return None


def _normal(scope: Scope, node: ast.expr, budget: Budget) -> ast.expr | None:
    normal, size = scope.normal(node)
    budget.nodes -= size
    return normal


def _subtractions(node: ast.AST, scope: Scope,
                  dotted: Dotted) -> Iterator[tuple[ast.expr, ast.expr]]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        yield node.left, node.right
    elif isinstance(node, ast.Call) and len(node.args) == 2 \
            and dotted(node.func) == "numpy.subtract":
        yield node.args[0], node.args[1]
    elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Sub):
        name = stored_name(node.target)
        owner = None if name is None else scope.owner(name)
        if owner is not None and name is not None:
            for value in [*owner.values.get(name, []), *owner.stored.get(name, [])]:
                yield value, node.value


class _Keys:
    """A structural key of each node (equal keys: equal trees), computed once per node."""

    def __init__(self) -> None:
        self.known: dict[ast.AST, int] = {}

    def __call__(self, root: ast.AST) -> int:
        stack = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if node in self.known:
                continue
            if not children_done:
                stack.append((node, True))
                stack += [(child, False) for child in ast.iter_child_nodes(node)]
                continue
            fields = tuple(self._field(value) for name, value in ast.iter_fields(node)
                           if name != "ctx")
            self.known[node] = hash((type(node).__name__, fields))
        return self.known[root]

    def _field(self, value: object) -> object:
        if isinstance(value, ast.AST):
            return self.known[value]
        if isinstance(value, list):
            return tuple(self._field(item) for item in value)
        return (type(value).__name__, value)

    def same(self, left: ast.AST | None, right: ast.AST | None) -> bool:
        return left is not None and right is not None and self(left) == self(right)


def _difference(scope: Scope, left: ast.expr, right: ast.expr) -> tuple[str, str] | None:
    """``(kind, about)`` if ``left - right``, or a term of each (``-f(x + 2h) + 8 f(x + h)
    - 8 f(x - h) + ...``), is a finite difference."""
    keys = _Keys()
    for mine in _terms(left):
        for theirs in _terms(right):
            found = _pair(scope, mine, theirs, keys)
            if found is not None:
                return found
    if isinstance(left, ast.Subscript) and isinstance(right, ast.Subscript) \
            and keys.same(left.value, right.value) and not keys.same(left.slice, right.slice) \
            and _stacked_pair(left.value, keys):
        return STACKED, ""
    return None


def _terms(node: ast.expr) -> list[ast.expr]:
    """The terms of a sum, signs dropped (``node`` itself first), at most :data:`MAX_TERMS`."""
    terms, todo = [node], [node]
    while todo and len(terms) < MAX_TERMS:
        current = todo.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add | ast.Sub):
            parts = [current.left, current.right]
        elif isinstance(current, ast.UnaryOp) and isinstance(current.op, ast.USub):
            parts = [current.operand]
        else:
            continue
        terms += parts
        todo += parts
    return terms[:MAX_TERMS]


def _pair(scope: Scope, left: ast.expr, right: ast.expr,
          keys: _Keys) -> tuple[str, str] | None:
    same, step = _compare(left, right, keys)
    if same and step is not None and _shift(left, right, keys) is None:  # not (x + d) - x
        return SHIFTED, ast.unparse(step)
    if same and step is None and any(isinstance(n, ast.Call) for n in ast.walk(left)):
        shifted = sorted({n.id for n in ast.walk(left)
                          if isinstance(n, ast.Name) and scope.shifted_in_place(n.id)})
        if shifted:
            return IN_PLACE, shifted[0]
    return None


def _compare(left: ast.AST, right: ast.AST, keys: _Keys) -> tuple[bool, ast.expr | None]:
    """Whether ``left`` and ``right`` are the same but for shifted inputs, and the step of
    the first shift (``None`` if they are the same, shifts included). An index is not an
    input: ``c[i + 1] - c[i]`` (a difference of prefix sums) is no finite difference."""
    if keys.same(left, right):
        return True, None
    step = _shift(left, right, keys)
    if step is not None:
        return True, step
    if type(left) is not type(right):
        return False, None
    found: ast.expr | None = None
    for name, value in ast.iter_fields(left):
        other = getattr(right, name, None)
        if isinstance(value, list) and isinstance(other, list):
            if len(value) != len(other):
                return False, None
            pairs = list(zip(value, other, strict=True))
        else:
            pairs = [(value, other)]
        for mine, theirs in pairs:
            if isinstance(left, ast.Subscript) and name == "slice":  # c[i + 1] - c[i]: no
                same, step = keys.same(mine, theirs), None
            elif isinstance(mine, ast.AST) and isinstance(theirs, ast.AST):
                same, step = _compare(mine, theirs, keys)
            else:
                same, step = mine == theirs, None
            if not same:
                return False, None
            found = found or step
    return True, found


def _shift(left: ast.AST, right: ast.AST, keys: _Keys) -> ast.expr | None:
    """The step if one of ``left``, ``right`` is ``x + d`` and the other ``x - d``, ``x``, or
    ``x + (-d)`` (either way round)."""
    for mine, theirs in ((left, right), (right, left)):
        for base, step, sign in _shifts(mine):
            if keys.same(base, theirs):
                return step
            for other_base, other_step, other_sign in _shifts(theirs):
                if not keys.same(base, other_base):
                    continue
                if sign != other_sign and keys.same(step, other_step):
                    return step
                if sign == other_sign and keys.same(other_step, _negative(step)):
                    return step
    return None


def _shifts(node: ast.AST) -> list[tuple[ast.expr, ast.expr, int]]:
    """``node`` read as ``base + sign * step``, every way it can be."""
    if not isinstance(node, ast.BinOp):
        return []
    if isinstance(node.op, ast.Add):
        return [(node.left, node.right, 1), (node.right, node.left, 1)]
    if isinstance(node.op, ast.Sub):
        return [(node.left, node.right, -1)]
    return []


def _negative(node: ast.expr) -> ast.expr:
    return ast.UnaryOp(op=ast.USub(), operand=node)


def _stacked_pair(node: ast.AST, keys: _Keys) -> bool:
    """Whether ``node`` holds a list or tuple of inputs two of which are a shifted pair."""
    for child in ast.walk(node):
        if isinstance(child, ast.List | ast.Tuple) and len(child.elts) <= MAX_TERMS:
            elements = child.elts
            if any(_shift(a, b, keys) is not None for i, a in enumerate(elements)
                   for b in elements[i + 1:]):
                return True
    return False
