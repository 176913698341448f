"""What the notebook of case ``two_layer_network`` says, and its solution cells.

Read by the course builder only: the grader never imports it.
"""

from __future__ import annotations

from course.notebook_text import BATCH, NotebookText, jacobian_shape_cell

TEXT = NotebookText(
    math=r"""
**The function.** A two-layer network with a tanh hidden layer, and its squared-error loss
averaged over the batch, as a function of the first layer's weights $W_1$:

$$L(W_1) = \frac{1}{B} \sum_{b=1}^{B} \frac{1}{2}\,\lVert y_b - W_2 \tanh(W_1 x_b)
\rVert_2^2.$$

`x` has shape `(B, input_dim)`, `W1` shape `(hidden_dim, input_dim)`, `W2` shape
`(output_dim, hidden_dim)` and `y` shape `(B, output_dim)`. The loss is one number, kept as
shape `(1,)`.

**Goal.** Compute $\nabla_{W_1} L$, the gradient backpropagation computes for the first
layer, by chaining the Jacobians of each step.
""",
    shape_hint="""\
## 1. Shape analysis

- Is the output one number per example, or one for the whole batch? Which axes does the mean
  over the batch remove?
- What are the axes of the input `W1`?

Complete `jacobian_shape(B, input_dim, hidden_dim, output_dim)`: the shape of `dloss_dW1`.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of the batch-averaged loss with respect to W1.",
        {"B": BATCH,
         "input_dim, hidden_dim, output_dim": "The sizes of the input, hidden and output layers."},
        "(1, hidden_dim, input_dim)"),
    code_hint=r"""
## 2. Code the Jacobian by chaining four Jacobians

Name the steps of each example: $h = W_1 x$, $a = \tanh(h)$, $\hat{y} = W_2 a$, and the loss
$\frac{1}{2}\lVert y - \hat{y} \rVert^2$. Each step has a Jacobian you have met (in this
assignment's notebooks, or in those of `jacobians`):

| per example | met in | shape with the batch axis |
|---|---|---|
| $\partial L_b / \partial \hat{y}$ | `jacobians` 02 | `(B, 1, output_dim)` |
| $\partial \hat{y} / \partial a$ | 03 (with $W_2$, no bias) | `(B, output_dim, hidden_dim)` |
| $\partial a / \partial h$ | 05 | `(B, hidden_dim, hidden_dim)` |
| $\partial h / \partial W_1$ | `jacobians` 03 | `(B, hidden_dim, hidden_dim, input_dim)` |

1. Compute the forward pass, then each Jacobian of the table, from the arguments.
2. Chain them from the loss down, one `einsum` per step, each summing over the axis two
   neighbours share: first $\partial L_b / \partial a$, of shape `(B, 1, hidden_dim)`, then
   $\partial L_b / \partial h$, then $\partial L_b / \partial W_1$. What shapes do the last
   two have?
3. Average over the batch. Which axis does the mean remove, and which must stay?

**Mistakes students make here.** Check your answer against each:

- A link of the chain left out, such as tanh's Jacobian.
- Tanh's derivative written with the wrong quantity: `h` where your formula uses $a$.
- $W_2$ transposed in $\partial \hat{y} / \partial a$: which of its indices is the output's?
- A sum over the batch where the loss takes the mean, or the loss's axis of size 1 lost.

Write `dloss_dW1(y, W1, W2, x)`: the Jacobian, with the shape you predicted in part 1.
""",
    function='''\
def dloss_dW1(y, W1, W2, x):
    """Jacobian of mean_b 1/2 ||y_b - W2 tanh(W1 x_b)||^2 with respect to W1.

    Parameters
    ----------
    y : ndarray, shape (B, output_dim)
        Targets.
    W1 : ndarray, shape (hidden_dim, input_dim)
        The first layer's weights.
    W2 : ndarray, shape (output_dim, hidden_dim)
        The second layer's weights.
    x : ndarray, shape (B, input_dim)
        The inputs.

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
    """
    ### BEGIN SOLUTION
    B, hidden_dim = x.shape[0], W1.shape[0]
    a = np.tanh(np.einsum("ji,bi->bj", W1, x))  # (B, hidden_dim)
    yhat = np.einsum("kj,bj->bk", W2, a)  # (B, output_dim)
    dloss_dyhat = -np.einsum("i,bk->bik", np.ones(1), y - yhat)  # (B, 1, output_dim)
    dyhat_da = np.einsum("b,kj->bkj", np.ones(B), W2)  # (B, output_dim, hidden_dim)
    da_dh = np.einsum("bj,jl->bjl", 1 - a ** 2, np.eye(hidden_dim))  # (B, hidden_dim, hidden_dim)
    dh_dW1 = np.einsum("jl,bm->bjlm", np.eye(hidden_dim), x)  # (B, hidden, hidden, input)
    dloss_da = np.einsum("bik,bkj->bij", dloss_dyhat, dyhat_da)  # (B, 1, hidden_dim)
    dloss_dh = np.einsum("bij,bjl->bil", dloss_da, da_dh)  # (B, 1, hidden_dim)
    dloss_dW1_each = np.einsum("bil,blmn->bimn", dloss_dh, dh_dW1)  # (B, 1, hidden, input)
    return dloss_dW1_each.mean(axis=0)  # (1, hidden_dim, input_dim)
    ### END SOLUTION''',
    follow_up=r"""
## 3. Ungraded: the shortcut, next to your chain

Frameworks never build these Jacobians: each is mostly zeros, or the same matrix for every
example. Instead they send one array per example down the chain, the gradient of the loss
with respect to $\hat{y}$, then $a$, then $h$, each with the shape of that quantity, and only
at the end meet $x$ and average over the batch.

Write that shortcut in `dloss_dW1_shortcut` below, without building any Jacobian of the table,
then run the cell: it compares your shortcut with your chain on small random inputs. For each
step of your shortcut: which Jacobian's zeros, or which copies, does it skip?
""",
    follow_up_code='''\
def dloss_dW1_shortcut(y, W1, W2, x):
    """The gradient of part 2, computed without building any Jacobian (ungraded)."""
    return None  # replace this line with your shortcut


rng = np.random.default_rng(1)
small = {"y": rng.standard_normal((5, 2)), "W1": rng.standard_normal((3, 4)),
         "W2": rng.standard_normal((2, 3)), "x": rng.standard_normal((5, 4))}
shortcut = dloss_dW1_shortcut(**small)
if shortcut is None:
    print("Write dloss_dW1_shortcut above, then run this cell again.")
else:
    chain = dloss_dW1(**small)
    if np.shape(shortcut) != np.shape(chain):
        print(f"The shapes differ: {np.shape(shortcut)} (shortcut), {np.shape(chain)} (chain).")
    elif np.allclose(shortcut, chain):
        print("Your shortcut and your chain agree.")
    else:
        print("Your shortcut and your chain differ, by up to "
              f"{np.max(np.abs(np.asarray(shortcut) - chain)):.3g}.")
''',
)
