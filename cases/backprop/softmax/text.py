"""What the notebook of case ``softmax`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** Softmax turns a vector of scores into probabilities:

$$a = \mathrm{softmax}(h), \quad a_i = \frac{e^{h_i}}{\sum_{k=1}^{D} e^{h_k}},
\qquad a, h \in \mathbb{R}^D.$$

A batch arrives as `h` of shape `(B, D)`; softmax acts on each example (each row), so `a`
has shape `(B, D)`.

**Goal.** Compute $\nabla_h a$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its row of `a`? Of its input, its row of `h`?
- Is the output per example?

Complete `jacobian_shape(B, D)`: the shape of `da_dh` for a batch of `B` examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of a = softmax(h) with respect to h, for a batch of B examples.",
        {"B": BATCH, "D": "The number of scores of one example."},
        "(B, D, D)"),
    code_hint=r"""
## 2. Code the Jacobian

**The derivative, in two cases.** For one example, write $a_i = e^{h_i} / S$ with
$S = \sum_k e^{h_k}$, and note that $\partial S / \partial h_j = e^{h_j}$. Differentiate $a_i$
with respect to $h_j$ with the quotient rule:

- when $j = i$, both $e^{h_i}$ and $S$ depend on $h_i$;
- when $j \neq i$, only $S$ depends on $h_j$.

Write both results with the $a$'s alone, then as one formula with $\delta_{ij}$ (1 when
$i = j$, 0 otherwise).

**Which entries are zero?** Unlike the sigmoid's Jacobian, in general none: every output
depends on every input through $S$. So each example's Jacobian is a full matrix, made of a
diagonal part and a part whose entries are products of two entries of $a$.

**The two kinds of parts with `einsum`**, on arrays of their own, for one example:

```python
u = np.array([1.0, 2.0, 3.0])
v = np.array([0.5, 0.0, -1.0])
on_diagonal = np.einsum("i,ij->ij", u, np.eye(3))   # u on the diagonal, zeros elsewhere
assert np.all(on_diagonal == np.diag(u))
products = np.einsum("i,j->ij", u, v)               # entry [i, j] is u[i] * v[j]
assert np.all(products == np.outer(u, v))
```

Which of these does your formula need, with which arrays, and with which sign? A batch needs
its letter in each.

**Computing `a`.** Softmax acts on each example, along the axis of its `D` scores. For large
scores `np.exp` overflows; subtracting each example's largest score from its scores first does
not change softmax (why not?).

**Check before you run the tests.** The entries of `a` always sum to 1, so a change of `h`
cannot change their sum: what must the entries of each column of your Jacobian add up to?

**Mistakes students make here.** Check your answer against each:

- Softmax taken over the batch axis, which mixes the examples.
- The part made of products of entries of $a$ forgotten, or taken with the wrong sign.
- A diagonal matrix only, as if softmax were elementwise.
- A size typed in.

Write `da_dh(h)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def da_dh(h):
    """Jacobian of a = softmax(h) with respect to h, for each example.

    Parameters
    ----------
    h : ndarray, shape (B, D)
        Scores (logits); softmax acts on each row.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    D = h.shape[1]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)  # (B, D)
    return np.einsum("bi,ij->bij", a, np.eye(D)) - np.einsum("bi,bj->bij", a, a)
    ### END SOLUTION''',
)
