"""What the notebook of case ``affine_wrt_input`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** An affine layer:

$$z = W x + b, \qquad W \in \mathbb{R}^{n \times m},\; b \in \mathbb{R}^n,\;
x \in \mathbb{R}^m,\; z \in \mathbb{R}^n,$$

with `n = output_dim` and `m = input_dim`. In code, `W` has shape `(output_dim, input_dim)`
and `b` shape `(output_dim,)`, both shared by the batch; `x` has shape `(B, input_dim)` and
`z = np.einsum("ij,bj->bi", W, x) + b` has shape `(B, output_dim)`.

**Goal.** Compute $\nabla_x z$: how each output of each example varies with each entry of
that example's input. Backpropagation sends gradients through this Jacobian to the layer
below.
""",
    shape_hint="""\
## 1. Shape analysis

- What is the shape of one example's output, its row of `z`? Of its input, its row of `x`?
- Is the output per example?

Complete `jacobian_shape(B, output_dim, input_dim)`: the shape of `dz_dx` for a batch of `B`
examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of z = W x + b with respect to x, for a batch of B examples.",
        {"B": BATCH, "output_dim, input_dim": "The numbers of rows and columns of W."},
        "(B, output_dim, input_dim)"),
    code_hint=r"""
## 2. Code the Jacobian

**One entry at a time.** For one example, $z_i = \sum_k W_{ik} x_k + b_i$. What is
$\partial z_i / \partial x_j$? Does it depend on $x$? On $b$? On which example it is?

**The same matrix for every example.** When every example's Jacobian is the same, the batch's
Jacobian still holds one copy per example, along its batch axis. A vector of ones makes the
copies: its letter becomes a new axis along which every slice is the same. On a vector:

```python
v = np.array([1.0, 2.0, 3.0])
copies = np.einsum("n,k->nk", np.ones(4), v)   # 4 copies of v, one per row
assert copies.shape == (4, 3) and np.all(copies[2] == v)
```

(`np.broadcast_to` makes the same copies. Either way, the number of copies comes from the
arguments.)

**Mistakes students make here.** Check your answer against each:

- The matrix transposed: is your entry `[b, i, j]` the derivative of output `i` with respect
  to input `j`? A matrix that is not square, like this notebook's `W`, shows it.
- No batch axis: is the output per example?
- The bias in the Jacobian: does the slope of $z$ in $x$ depend on $b$?
- A size typed in.

Write `dz_dx(W, b, x)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def dz_dx(W, b, x):
    """Jacobian of z_b = W x_b + b with respect to x, for each example b.

    Parameters
    ----------
    W : ndarray, shape (output_dim, input_dim)
    b : ndarray, shape (output_dim,)
    x : ndarray, shape (B, input_dim)

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    B = x.shape[0]
    return np.einsum("b,ij->bij", np.ones(B), W)
    ### END SOLUTION''',
)
