"""What the notebook of case ``elementwise_nonlinearity`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** An elementwise nonlinearity, here the logistic sigmoid:

$$a = \sigma(h), \quad a_i = \sigma(h_i) = \frac{1}{1 + e^{-h_i}}, \qquad a, h \in \mathbb{R}^D.$$

A batch arrives as `h` of shape `(B, D)`, and `a` has shape `(B, D)`.

**Goal.** Compute $\nabla_h a$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its row of `a`? Of its input, its row of `h`?
- Is the output per example?

Complete `jacobian_shape(B, D)`: the shape of `da_dh` for a batch of `B` examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of a = sigmoid(h) with respect to h, for a batch of B examples.",
        {"B": BATCH, "D": "The number of entries of one example."},
        "(B, D, D)"),
    code_hint=r"""
## 2. Code the Jacobian

**Which entries are zero?** $a_i = \sigma(h_i)$ depends on $h_i$ alone. Which entries
$\partial a_i / \partial h_j$ of one example's Jacobian are zero, and why? What are the others?

**The derivative of the sigmoid.** Differentiate $\sigma(t) = 1 / (1 + e^{-t})$. Can you
write $\sigma'(t)$ with $\sigma(t)$ itself? Check your formula at one point: $\sigma'(0) = 1/4$.

**A diagonal matrix with `einsum`.** The derivative of an elementwise function, taken entry by
entry, has the shape of `h`: it is only the diagonal of each example's Jacobian. The identity
matrix supplies the missing axis. A worked example on another elementwise function, `exp`,
for one example:

```python
v = np.array([0.5, -1.0, 2.0])                           # one example of 3 entries
dexp_dv = np.einsum("i,ij->ij", np.exp(v), np.eye(3))    # exp' = exp, on the diagonal
assert np.allclose(dexp_dv, np.diag(np.exp(v)))
assert dexp_dv[0, 1] == 0.0                              # exp(v[0]) ignores v[1]
```

A batch has one such matrix per example: where does the batch's letter go, in the inputs and
after `->`? (`np.diag` builds the matrix of one example only.)

**Mistakes students make here.** Check your answer against each:

- The elementwise derivative returned alone, with the shape of `h`: that is only the diagonal.
- A full matrix where the entries off the diagonal must be zero.
- The derivative evaluated at the wrong quantity: if your formula for $\sigma'(t)$ uses
  $\sigma(t)$, is that what your code passes in, or `h` itself?
- A size typed in for the identity matrix.

Write `da_dh(h)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def da_dh(h):
    """Jacobian of a = sigmoid(h) with respect to h, for each example.

    Parameters
    ----------
    h : ndarray, shape (B, D)
        Pre-activations.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    D = h.shape[1]
    sigmoid = lambda x: 1 / (1 + np.exp(-x))
    dsigmoid_dargument = lambda x: sigmoid(x) * (1 - sigmoid(x))
    return np.einsum(
        "bi,ij->bij",
        dsigmoid_dargument(h),
        np.eye(D),
    )
    ### END SOLUTION''',
)
