"""What the notebook of case ``tanh`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** The hyperbolic tangent, a smooth activation applied to each entry:

$$a = \tanh(h), \quad a_i = \tanh(h_i), \qquad a, h \in \mathbb{R}^D.$$

A batch arrives as `h` of shape `(B, D)`, and `a` has shape `(B, D)`.

**Goal.** Compute $\nabla_h a$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its row of `a`? Of its input, its row of `h`?
- Is the output per example?

Complete `jacobian_shape(B, D)`: the shape of `da_dh` for a batch of `B` examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of a = tanh(h) with respect to h, for a batch of B examples.",
        {"B": BATCH, "D": "The number of entries of one example."},
        "(B, D, D)"),
    code_hint=r"""
## 2. Code the Jacobian

**Which entries are zero?** $a_i = \tanh(h_i)$ depends on $h_i$ alone: which entries
$\partial a_i / \partial h_j$ are zero? Compare with the softmax of notebook 01, whose outputs
all depend on all inputs.

**The derivative of tanh.** What is $\frac{d}{dt}\tanh t$? Write it with $\tanh t$ itself.
Check your formula: it is 1 at $t = 0$, and it tends to 0 as $|t|$ grows.

**A diagonal matrix per example**, as for any elementwise function. A worked example on
another one, $\sin$, whose derivative is $\cos$, for one example; the identity matrix puts the
elementwise derivative on the diagonal:

```python
v = np.array([0.0, 1.0, -2.0])
dsin_dv = np.einsum("i,ij->ij", np.cos(v), np.eye(3))
assert np.allclose(np.diag(dsin_dv), np.cos(v)) and dsin_dv[2, 0] == 0.0
```

A batch needs a letter for its examples: where does it go?

**Mistakes students make here.** Check your answer against each:

- The derivative written with `h` where your formula uses $\tanh h$.
- The sigmoid's derivative (notebook 05 of `jacobians`) where tanh's belongs: they are
  different functions, with different derivatives.
- The elementwise derivative alone, with the shape of `h`: only the diagonal.
- A size typed in.

Write `da_dh(h)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def da_dh(h):
    """Jacobian of a = tanh(h) with respect to h, for each example.

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
    return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(D))
    ### END SOLUTION''',
)
