"""What the notebook of case ``vector_wrt_matrix`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** A linear layer:

$$\hat{y} = W x, \qquad W \in \mathbb{R}^{n \times m},\; x \in \mathbb{R}^m,\;
\hat{y} \in \mathbb{R}^n,$$

with `n = output_dim` and `m = input_dim`. In code, `W` has shape `(output_dim, input_dim)`
and is shared by the batch, `x` has shape `(B, input_dim)`, and
`yhat = np.einsum("ij,bj->bi", W, x)` has shape `(B, output_dim)`.

**Goal.** Compute $\nabla_W \hat{y}$: how each output of each example varies with each
entry of `W`.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its row of `yhat`?
- The input is `W`, one matrix shared by the whole batch: what are its axes?
- Is the output per example, although `W` is shared? What does the rule say about the batch
  axis then?

Complete `jacobian_shape(B, output_dim, input_dim)`: the shape of `dyhat_dW` for a batch of `B`
examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of yhat = W x with respect to W, for a batch of B examples.",
        {"B": BATCH, "output_dim, input_dim": "The numbers of rows and columns of W."},
        "(B, output_dim, output_dim, input_dim)"),
    code_hint=r"""
## 2. Code the Jacobian

**One entry at a time.** For one example, $\hat{y}_i = \sum_k W_{ik} x_k$. Differentiate
output $i$ with respect to one entry $W_{jk}$ of the matrix:

- Which entries $\partial \hat{y}_i / \partial W_{jk}$ are zero, and why? (Which row of $W$
  does output $i$ use?)
- What are the others equal to?

**Zeros off a diagonal, with the identity matrix.** A derivative that is zero unless two
indices are equal carries a Kronecker delta, $\delta_{ij}$: that is `np.eye(n)`. In `einsum`
it is multiplied in like any array, and nothing is summed as long as every letter appears
after `->`. A worked example on another function, the outer product $P = u\,v^\top$ (entries
$P_{jk} = u_j v_k$) as a function of $u$: $\partial P_{jk} / \partial u_i = \delta_{ji}\,v_k$.

```python
u = np.array([1.0, -2.0, 0.5])
v = np.array([4.0, 3.0])
dP_du = np.einsum("ji,k->jki", np.eye(3), v)   # P's axes (j, k), then u's axis i
assert dP_du.shape == (3, 2, 3)

# One slice against a finite difference: move u[0], watch P.
step = 1e-6
nudged = u + step * np.eye(3)[0]
assert np.allclose((np.outer(nudged, v) - np.outer(u, v)) / step, dP_du[:, :, 0])
```

Your Jacobian needs one more letter: each example has its own $x$. Where does the batch's
letter go, in the inputs and after `->`?

> **A slip that circulates:** `output_dim = 10` written as a constant, as code for this case
> often has it. The hidden tests use other sizes: read every size from the arguments' shapes.

**Mistakes students make here.** Check your answer against each:

- The indices of `W` swapped: is your entry `[b, i, j, k]` the derivative of output `i` of
  example `b` with respect to `W[j, k]`?
- The batch summed or averaged away: is the output per example?
- A size typed in for the identity matrix.

Write `dyhat_dW(W, x)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def dyhat_dW(W, x):
    """Jacobian of yhat_b = W x_b with respect to W, for each example b.

    Parameters
    ----------
    W : ndarray, shape (output_dim, input_dim)
        The weights, shared by the batch.
    x : ndarray, shape (B, input_dim)
        The inputs.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    output_dim = W.shape[0]
    return np.einsum("ij,bk->bijk", np.eye(output_dim), x)
    ### END SOLUTION''',
)
