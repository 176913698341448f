"""Value rules about part of a Jacobian: the examples of its batch, or its diagonal.

Each rule compares a part of the answer with the same part of the reference, using the check's
tolerance (:meth:`~jacobian_checks.diagnosis.Failure.matches`), and describes the rest by
counts and indices only. They come last in :data:`jacobian_checks.diagnosis_values.RULES`: a
rule about the whole answer says more when it applies.
"""

from __future__ import annotations

import numpy as np

from .compare import find_mismatch
from .diagnosis import Diagnosis, Failure
from .layout import JacobianLayout


def batch_permuted(f: Failure) -> Diagnosis | None:
    """The answer's examples are the right ones in another order (reversed, rolled, ...)."""
    if f.batch < 2:
        return None
    held = _batch_order(f)
    if held is None:
        return None
    batch = f.batch
    positions = np.arange(batch)
    shift = int((positions[0] - held[0]) % batch)
    if np.array_equal(held, positions[::-1]):
        order = " (the batch looks reversed): example b holds the Jacobian of example B - 1 - b"
    elif np.array_equal((positions - held) % batch, np.full(batch, shift)):
        other = f"b - {shift}" if shift <= batch // 2 else f"b + {batch - shift}"
        order = (f" (the batch looks rolled): example b holds the Jacobian of example {other}, "
                 "modulo B")
    else:
        moved = int(np.count_nonzero(held != positions))
        order = f": {moved} of {batch} examples hold the Jacobian of another example"
    return Diagnosis(
        "batch_permuted",
        f"Your Jacobian has the right examples in the wrong order{order}.",
        "Example b of the Jacobian comes from example b of every input: look for [::-1], "
        "np.roll, a sort or a shuffle, or mismatched indices.")


def _batch_order(f: Failure) -> np.ndarray | None:
    """``held[b]``: the example whose Jacobian your example ``b`` is, if a reordering fits.

    Each example of the reference is paired with the nearest example of the answer (its
    Jacobians flattened, ``(B, n)``: a ``(B, B)`` table of distances); a pairing that is no
    reordering, or that does not pass the check's comparison, gives ``None``.
    """
    rows = f.yours.reshape(f.batch, -1)
    expected = f.reference.reshape(f.batch, -1)
    with np.errstate(all="ignore"):  # huge answers: no pairing, and no warning either
        distances = ((expected ** 2).sum(axis=1)[:, None] - 2 * expected @ rows.T
                     + (rows ** 2).sum(axis=1)[None, :])
    source = np.argmin(distances, axis=1)  # your example source[b] should be example b
    if (np.array_equal(source, np.arange(f.batch)) or len(np.unique(source)) < f.batch
            or not f.matches(f.yours[source])):
        return None
    held = np.empty(f.batch, dtype=np.intp)
    held[source] = np.arange(f.batch)
    return held


def single_example(f: Failure) -> Diagnosis | None:
    """A batch-averaged gradient that is the gradient of one example alone."""
    examples = f.examples() if f.examples is not None else None
    if examples is None:
        return None
    for b in range(len(examples)):
        if f.matches(f.yours, examples[b]):
            return Diagnosis(
                "single_example",
                f"Your gradient is the gradient of example {b} alone, not the mean over the "
                f"batch of {len(examples)} examples.",
                "The loss is the mean over the batch, so its gradient is the mean of every "
                "example's gradient: check the loop or slice over the examples, and x[0] or "
                "x[-1] where the whole batch belongs.")
    return None


def some_examples_wrong(f: Failure) -> Diagnosis | None:
    """Exactly a leading or a trailing block of the batch is right; for a gradient averaged
    over the batch, exactly such a block is in its mean."""
    if f.batch < 2:
        return _some_examples_in_mean(f)
    right = np.array([f.matches(f.yours[b], f.reference[b]) for b in range(f.batch)])
    split = int(np.count_nonzero(right))
    if split in (0, f.batch):
        return None
    if np.all(right[:split]):
        right_part, wrong_part = (0, split), (split, f.batch)
    elif np.all(right[f.batch - split:]):
        right_part, wrong_part = (f.batch - split, f.batch), (0, f.batch - split)
    else:  # scattered examples: no loop or slice explains them
        return None
    return Diagnosis(
        "some_examples_wrong",
        f"Only part of the batch is right: {_examples(*right_part)} of {f.batch} "
        f"{_are(right_part)} right, {_examples(*wrong_part)} {_are(wrong_part)} not.",
        _EXAMPLES_POINTER)


_EXAMPLES_POINTER = ("Check that every example b = 0, ..., B - 1 is computed from its own "
                     "inputs: loop bounds, slices, and fixed indices such as x[0].")


def _some_examples_in_mean(f: Failure) -> Diagnosis | None:
    """A batch mean of a leading or trailing block of examples only, divided by B or by the
    block's size (a loop that stops one short), named when exactly one block fits."""
    examples = f.examples() if f.examples is not None else None
    if examples is None or len(examples) < 2 or examples.shape[1:] != f.yours.shape:
        return None
    batch = len(examples)
    leading = np.cumsum(examples, axis=0)  # leading[k - 1]: the sum of examples 0 .. k - 1
    blocks = [((0, k), leading[k - 1]) for k in range(1, batch)] + [
        ((k, batch), leading[-1] - leading[k - 1]) for k in range(1, batch)]
    fits = [part for part, total in blocks
            if any(f.matches(f.yours, total / count) for count in {batch, part[1] - part[0]})]
    if len(fits) != 1:
        return None
    part = fits[0]
    missing = (part[1], batch) if part[0] == 0 else (0, part[0])
    return Diagnosis(
        "some_examples_wrong",
        f"Only part of the batch is in your gradient: {_examples(*part)} of {batch} "
        f"{_are(part)} in its mean, {_examples(*missing)} {_are(missing)} not.",
        _EXAMPLES_POINTER)


def _examples(start: int, stop: int) -> str:
    return f"example {start}" if stop - start == 1 else f"examples {start}-{stop - 1}"


def _are(part: tuple[int, int]) -> str:
    return "is" if part[1] - part[0] == 1 else "are"


def diagonal_only(f: Failure) -> Diagnosis | None:
    """The diagonal entries are right, some entries off the diagonal are not."""
    mask = diagonal_mask(f.layout, f.yours.shape)
    if mask is None or not f.matches(f.yours[mask], f.reference[mask]):
        return None
    wrong = find_mismatch(f.yours[~mask], f.reference[~mask], f.tolerance)
    if wrong is None:
        return None
    return Diagnosis(
        "diagonal_only",
        f"Your Jacobian's diagonal ({diagonal_words(f.layout, f.case.wrt)}) is right, but "
        f"{wrong.count} of its {wrong.total} entries off the diagonal are wrong.",
        "Check the entries off the diagonal: does that output entry depend on that input "
        "entry at all?")


def off_diagonal_only(f: Failure) -> Diagnosis | None:
    """The entries off the diagonal are right, some diagonal entries are not."""
    mask = diagonal_mask(f.layout, f.yours.shape)
    if mask is None or not f.matches(f.yours[~mask], f.reference[~mask]):
        return None
    wrong = find_mismatch(f.yours[mask], f.reference[mask], f.tolerance)
    if wrong is None:
        return None
    return Diagnosis(
        "off_diagonal_only",
        f"Your Jacobian is right off the diagonal, but {wrong.count} of its {wrong.total} "
        f"diagonal entries ({diagonal_words(f.layout, f.case.wrt)}) are wrong.",
        "Check the diagonal: the derivative of each output entry with respect to its own "
        "input entry, at the given inputs.")


def diagonal_mask(layout: JacobianLayout, shape: tuple[int, ...]) -> np.ndarray | None:
    """True where the output's index equals the input's leading index, of ``shape``.

    Defined when the input's leading axes are the output's axes (``(D,)`` and ``(D,)``;
    ``(n,)`` and ``(n, m)``) and the output is not a scalar; ``None`` otherwise.
    """
    count = len(layout.output)
    if all(dim == 1 for dim in layout.output) or layout.input[:count] != layout.output:
        return None
    mask = np.ones(shape, dtype=bool)
    start = len(layout.batch)
    for t in range(count):
        mask &= _index(shape, start + t) == _index(shape, start + count + t)
    return mask


def _index(shape: tuple[int, ...], axis: int) -> np.ndarray:
    """The index along ``axis``, shaped to broadcast against ``shape``."""
    return np.arange(shape[axis]).reshape([-1 if k == axis else 1 for k in range(len(shape))])


def diagonal_words(layout: JacobianLayout, wrt: str) -> str:
    """How messages name the diagonal of a Jacobian of these axes, with respect to ``wrt``."""
    if layout.output == layout.input:
        return "output index = input index"
    return f"output index = first index of {wrt}"
