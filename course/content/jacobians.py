"""The prose and the solution code of the `jacobians` notebooks, keyed by case.

Solutions are the course document's einsum code, turned into functions that read their sizes
from their inputs (the document hard-codes ``output_dim = 10``, which would fail the hidden
tests).
"""

from __future__ import annotations

from .text import NotebookText

SCALAR_WRT_SCALAR = NotebookText(
    math=r"""
**The function.** A squared-error loss of one prediction:

$$L(y, \hat{y}) = \frac{1}{2}\,(y - \hat{y})^2, \qquad y, \hat{y} \in \mathbb{R}.$$

In code, a batch of `B` examples arrives as arrays `y` and `yhat` of shape `(B, 1)`, and the
loss of each example is kept as an array of shape `(1,)`, so `loss` has shape `(B, 1)`.

**Goal.** Compute $\frac{dL}{d\hat{y}}$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

Per example, the output (the loss) has shape `(1,)` and the input (`yhat`) has shape `(1,)`.
Apply the rule, then add the batch axis. Complete `jacobian_shape(B)` so that it returns the
shape of `dloss_dyhat` for a batch of `B` examples, as a tuple of ints.""",
    jacobian_shape='''\
def jacobian_shape(B):
    """Shape of the Jacobian of the per-example loss with respect to yhat.

    B is the batch size. Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, 1, 1)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian

$\frac{dL}{d\hat{y}} = -(y - \hat{y})$ for each example. The course document builds it with
`np.einsum("i,bj->bij", np.ones(1), y - yhat)`: the einsum with a vector of ones of length 1
inserts the loss's output axis `i` between the batch axis `b` and the input axis `j`.
Write `dloss_dyhat(y, yhat)` returning the Jacobian of shape `(B, 1, 1)`.
""",
    function='''\
def dloss_dyhat(y, yhat):
    """Jacobian of the per-example loss 1/2 (y_b - yhat_b)^2 with respect to yhat.

    Parameters
    ----------
    y, yhat : ndarray, shape (B, 1)
        Targets and predictions, one number per example.

    Returns
    -------
    ndarray, shape (B, 1, 1)
        Batch axis, then the loss's axis (1,), then yhat's axis per example (1,).
    """
    ### BEGIN SOLUTION
    return -np.einsum("i,bj->bij", np.ones(1), y - yhat)
    ### END SOLUTION''',
)


SCALAR_WRT_VECTOR = NotebookText(
    math=r"""
**The function.** The squared-error loss of a vector prediction:

$$L(y, \hat{y}) = \frac{1}{2}\,\lVert y - \hat{y} \rVert_2^2
= \frac{1}{2} \sum_{j=1}^{D} (y_j - \hat{y}_j)^2, \qquad y, \hat{y} \in \mathbb{R}^D.$$

A batch arrives as `y` and `yhat` of shape `(B, D)`; each example's loss is one number, kept
as shape `(1,)`.

**Goal.** Compute $\nabla_{\hat{y}} L$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

Per example, the output (the loss) has shape `(1,)` and the input (`yhat`) has shape `(D,)`.
Complete `jacobian_shape(B, D)`: the shape of `dloss_dyhat` for a batch of `B` examples.""",
    jacobian_shape='''\
def jacobian_shape(B, D):
    """Shape of the Jacobian of the per-example loss with respect to yhat.

    B is the batch size, D the number of features. Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, 1, D)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian

$\frac{\partial L}{\partial \hat{y}_j} = -(y_j - \hat{y}_j)$: the gradient has the
input's `D` entries, and the Jacobian puts the loss's axis of size 1 in front of them.

> **A slip that circulates.** Code for this case often computes
> `loss = 0.5 * np.square(y - yhat)  # Shape: (B, 1)`,
> but that array has shape `(B, D)`: it is the squared error of each *coordinate*, not the loss
> of each example. The loss is the sum over the `D` coordinates,
> `0.5 * np.sum(np.square(y - yhat), axis=1, keepdims=True)`, of shape `(B, 1)`. The gradient
> code beside it is right: it is the Jacobian of that summed loss.

Write `dloss_dyhat(y, yhat)` returning the Jacobian of shape `(B, 1, D)`.
""",
    function='''\
def dloss_dyhat(y, yhat):
    """Jacobian of the per-example loss 1/2 ||y_b - yhat_b||^2 with respect to yhat.

    Parameters
    ----------
    y, yhat : ndarray, shape (B, D)
        Targets and predictions.

    Returns
    -------
    ndarray, shape (B, 1, D)
        Batch axis, then the loss's axis (1,), then yhat's axis per example (D,).
    """
    ### BEGIN SOLUTION
    return -np.einsum("i,bj->bij", np.ones(1), y - yhat)
    ### END SOLUTION''',
)


VECTOR_WRT_MATRIX = NotebookText(
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

Per example, the output `yhat` has shape `(output_dim,)`; the input `W` has shape
`(output_dim, input_dim)`. Complete `jacobian_shape(B, output_dim, input_dim)`: the shape of
`dyhat_dW` for a batch of `B` examples.""",
    jacobian_shape='''\
def jacobian_shape(B, output_dim, input_dim):
    """Shape of the Jacobian of yhat = W x with respect to W, for a batch of B examples.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, output_dim, output_dim, input_dim)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian

$\hat{y}_i = \sum_k W_{ik} x_k$, so $\frac{\partial \hat{y}_i}{\partial W_{jk}} = \delta_{ij}\,x_k$:
output `i` depends only on row `i` of `W`. The identity matrix `np.eye(output_dim)` supplies
$\delta_{ij}$; einsum multiplies it with `x` without summing over anything.

Write `dyhat_dW(W, x)` returning the Jacobian of shape `(B, output_dim, output_dim, input_dim)`.
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
    ndarray, shape (B, output_dim, output_dim, input_dim)
        Batch axis, then yhat's axis (output_dim,), then W's axes (output_dim, input_dim).
    """
    ### BEGIN SOLUTION
    output_dim = W.shape[0]
    return np.einsum("ij,bk->bijk", np.eye(output_dim), x)
    ### END SOLUTION''',
)


SCALAR_WRT_MATRIX = NotebookText(
    math=r"""
**The function.** The squared-error loss of a linear layer, averaged over the batch:

$$L(W) = \frac{1}{B} \sum_{b=1}^{B} \frac{1}{2}\,\lVert y_b - W x_b \rVert_2^2,
\qquad W \in \mathbb{R}^{n \times m},$$

with `n = output_dim` and `m = input_dim`: `y` has shape `(B, output_dim)`, `W` shape
`(output_dim, input_dim)` and `x` shape `(B, input_dim)`. The loss is one number, kept as
shape `(1,)`.

**Goal.** Compute $\nabla_W L$, the gradient a training step would use.
""",
    shape_hint="""\
## 1. Shape analysis

The output (the averaged loss) has shape `(1,)` and there is no batch axis left: the average
over the batch removed it. The input `W` has shape `(output_dim, input_dim)`. Complete
`jacobian_shape(B, output_dim, input_dim)`: the shape of `dloss_dW`.""",
    jacobian_shape='''\
def jacobian_shape(B, output_dim, input_dim):
    """Shape of the Jacobian of the batch-averaged loss with respect to W.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (1, output_dim, input_dim)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian with the chain rule

The loss is a function of `yhat = W x`, so its Jacobian is a chain of the two Jacobians of
notebooks 2 and 3. Inside `dloss_dW`, compute both for this layer: `dloss_dyhat` from `y` and
`yhat`, of shape `(B, 1, output_dim)` (notebook 2, with `D = output_dim`), and `dyhat_dW` from
`x`, of shape `(B, output_dim, output_dim, input_dim)` (notebook 3). Then chain them per
example, summing over their shared axis (the entries of `yhat`), and average over the batch.
The general chain-rule contraction is

```python
dloss_dW_each = np.einsum("bij,bjkl->bikl", dloss_dyhat, dyhat_dW)  # (B, 1, output_dim, input_dim)
dloss_dW = dloss_dW_each.mean(axis=0)                              # (1, output_dim, input_dim)
```

> **A shortcut that circulates:** `np.einsum("bij,bjjk->bjk", dloss_dyhat, dyhat_dW)`.
> The repeated `j` in `bjjk` reads only the *diagonal* `dyhat_dW[b, j, j, k]`, and the output
> `bjk` drops the loss's axis `i` by summing over it. That gives the right numbers here only
> because `dyhat_dW[b, j, l, k]` is zero unless `j == l` (so the diagonal is all there is to
> sum) and `i` has size 1 (so summing over it changes nothing). For another layer, or a
> loss with more than one output, use the general contraction above.

Write `dloss_dW(y, W, x)` returning the Jacobian of shape `(1, output_dim, input_dim)`.
""",
    function='''\
def dloss_dW(y, W, x):
    """Jacobian of the batch-averaged loss mean_b 1/2 ||y_b - W x_b||^2 with respect to W.

    Parameters
    ----------
    y : ndarray, shape (B, output_dim)
        Targets.
    W : ndarray, shape (output_dim, input_dim)
        The weights.
    x : ndarray, shape (B, input_dim)
        The inputs.

    Returns
    -------
    ndarray, shape (1, output_dim, input_dim)
        The loss's axis (1,), then W's axes (output_dim, input_dim); no batch axis.
    """
    ### BEGIN SOLUTION
    output_dim = W.shape[0]
    diff = y - np.einsum("rc,bc->br", W, x)  # (B, output_dim)
    dloss_dyhat = -np.einsum("i,bj->bij", np.ones(1), diff)  # (B, 1, output_dim)
    dyhat_dW = np.einsum(
        "ij,bk->bijk",
        np.eye(output_dim),
        x)  # (B, output_dim, output_dim, input_dim)
    return np.mean(
        np.einsum("bij,bjjk->bjk", dloss_dyhat, dyhat_dW),
        axis=0,
        keepdims=True)  # (1, output_dim, input_dim)
    ### END SOLUTION''',
)


ELEMENTWISE_NONLINEARITY = NotebookText(
    math=r"""
**The function.** An elementwise nonlinearity, here the logistic sigmoid:

$$a = \sigma(h), \quad a_i = \sigma(h_i) = \frac{1}{1 + e^{-h_i}}, \qquad a, h \in \mathbb{R}^D.$$

A batch arrives as `h` of shape `(B, D)`, and `a` has shape `(B, D)`.

**Goal.** Compute $\nabla_h a$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

Per example, the output `a` has shape `(D,)` and the input `h` has shape `(D,)`. Complete
`jacobian_shape(B, D)`: the shape of `da_dh` for a batch of `B` examples.""",
    jacobian_shape='''\
def jacobian_shape(B, D):
    """Shape of the Jacobian of a = sigmoid(h) with respect to h, for a batch of B examples.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, D, D)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian

$a_i$ depends only on $h_i$, so $\frac{\partial a_i}{\partial h_j} = \delta_{ij}\,\sigma'(h_i)$
with $\sigma'(h) = \sigma(h)\,(1 - \sigma(h))$: each example's Jacobian is a diagonal
matrix. The elementwise derivative `sigmoid(h) * (1 - sigmoid(h))` has shape `(B, D)`; the
Jacobian needs one more axis, which multiplying with `np.eye(D)` in an einsum adds.

Write `da_dh(h)` returning the Jacobian of shape `(B, D, D)`.
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
    ndarray, shape (B, D, D)
        Batch axis, then a's axis (D,), then h's axis (D,).
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


TEXTS: dict[str, NotebookText] = {
    "scalar_wrt_scalar": SCALAR_WRT_SCALAR,
    "scalar_wrt_vector": SCALAR_WRT_VECTOR,
    "vector_wrt_matrix": VECTOR_WRT_MATRIX,
    "scalar_wrt_matrix": SCALAR_WRT_MATRIX,
    "elementwise_nonlinearity": ELEMENTWISE_NONLINEARITY,
}
"""By case key."""
