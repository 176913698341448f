"""The prose and the solution code of the `backprop` notebooks, keyed by case.

The second assignment goes from the course document's five cases into a network: softmax and
its cross-entropy, an affine layer's two Jacobians, tanh, and a two-layer network's gradient
built by chaining Jacobians. Solutions read every size from their inputs.
"""

from __future__ import annotations

from .text import NotebookText

SOFTMAX = NotebookText(
    math=r"""
**The function.** Softmax turns a vector of scores into probabilities:

$$a = \mathrm{softmax}(h), \quad a_i = \frac{e^{h_i}}{\sum_{j=1}^{D} e^{h_j}},
\qquad a, h \in \mathbb{R}^D.$$

A batch arrives as `h` of shape `(B, D)`; softmax acts on each example (each row), so `a`
has shape `(B, D)`.

**Goal.** Compute $\nabla_h a$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

Per example, the output `a` has shape `(D,)` and the input `h` has shape `(D,)`. Complete
`jacobian_shape(B, D)`: the shape of `da_dh` for a batch of `B` examples.""",
    jacobian_shape='''\
def jacobian_shape(B, D):
    """Shape of the Jacobian of a = softmax(h) with respect to h, for a batch of B examples.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, D, D)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian

$\frac{\partial a_i}{\partial h_j} = a_i\,(\delta_{ij} - a_j)$: the diagonal holds
$a_i (1 - a_i)$, and unlike an elementwise function such as the sigmoid, every output depends
on every input: off the diagonal, $-a_i a_j$ is not zero. Per example, the Jacobian is the
matrix $\mathrm{diag}(a) - a a^\top$.

Compute `a` stably (subtract each row's maximum before `np.exp`: softmax does not change),
then build the two terms with einsum: `"bi,ij->bij"` with `np.eye(D)` puts `a` on the
diagonal, and `"bi,bj->bij"` forms the outer product of each example's `a` with itself.

Write `da_dh(h)` returning the Jacobian of shape `(B, D, D)`.
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
    ndarray, shape (B, D, D)
        Batch axis, then a's axis (D,), then h's axis (D,).
    """
    ### BEGIN SOLUTION
    D = h.shape[1]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)  # (B, D)
    return np.einsum("bi,ij->bij", a, np.eye(D)) - np.einsum("bi,bj->bij", a, a)
    ### END SOLUTION''',
)


SOFTMAX_CROSS_ENTROPY = NotebookText(
    math=r"""
**The function.** The cross-entropy of a softmax, the loss of a classifier, as a function of
its scores (logits) $h$:

$$L(y, h) = -\sum_{i=1}^{D} y_i \log \mathrm{softmax}(h)_i,
\qquad y, h \in \mathbb{R}^D,$$

where $y$ is the label, one-hot (a 1 at the true class, 0 elsewhere). A batch arrives as `y`
and `h` of shape `(B, D)`; each example's loss is one number, kept as shape `(1,)`.

**Goal.** Compute $\nabla_h L$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

Per example, the output (the loss) has shape `(1,)` and the input `h` has shape `(D,)`.
Complete `jacobian_shape(B, D)`: the shape of `dloss_dh` for a batch of `B` examples.""",
    jacobian_shape='''\
def jacobian_shape(B, D):
    """Shape of the Jacobian of the per-example cross-entropy with respect to h.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, 1, D)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian with the chain rule

The loss is $-y^\top \log a$ with $a = \mathrm{softmax}(h)$. Two Jacobians per example:
$\frac{\partial L}{\partial \log a_i} = -y_i$, of shape `(B, 1, D)`, and
$\frac{\partial \log a_i}{\partial h_j} = \delta_{ij} - a_j$, of shape `(B, D, D)`. Chain them,
summing over their shared axis (the entries of $\log a$):

$$\frac{\partial L}{\partial h_j} = -\sum_i y_i\,(\delta_{ij} - a_j)
= a_j \sum_i y_i - y_j = a_j - y_j \quad\text{(a one-hot } y \text{ sums to 1).}$$

> **The shortcut** `softmax(h) - y` is what frameworks compute, and it is right here because
> each label sums to 1. Write the chain, and compare it with the shortcut, side by side:
> they must agree to rounding.

Compute `a` stably (subtract each row's maximum before `np.exp`). Write `dloss_dh(y, h)`
returning the Jacobian of shape `(B, 1, D)`.
""",
    function='''\
def dloss_dh(y, h):
    """Jacobian of the per-example loss -sum_i y_bi log softmax(h_b)_i with respect to h.

    Parameters
    ----------
    y : ndarray, shape (B, D)
        One-hot labels.
    h : ndarray, shape (B, D)
        Scores (logits).

    Returns
    -------
    ndarray, shape (B, 1, D)
        Batch axis, then the loss's axis (1,), then h's axis per example (D,).
    """
    ### BEGIN SOLUTION
    D = h.shape[1]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)  # (B, D)
    dloss_dlog_a = -np.einsum("i,bj->bij", np.ones(1), y)  # (B, 1, D)
    dlog_a_dh = np.eye(D) - np.einsum("i,bj->bij", np.ones(D), a)  # (B, D, D)
    return np.einsum("bij,bjk->bik", dloss_dlog_a, dlog_a_dh)  # (B, 1, D)
    ### END SOLUTION''',
)


AFFINE_WRT_INPUT = NotebookText(
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

Per example, the output `z` has shape `(output_dim,)` and the input `x` has shape
`(input_dim,)`. Complete `jacobian_shape(B, output_dim, input_dim)`: the shape of `dz_dx` for
a batch of `B` examples.""",
    jacobian_shape='''\
def jacobian_shape(B, output_dim, input_dim):
    """Shape of the Jacobian of z = W x + b with respect to x, for a batch of B examples.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, output_dim, input_dim)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian

$z_i = \sum_k W_{ik} x_k + b_i$, so $\frac{\partial z_i}{\partial x_j} = W_{ij}$: the same
matrix for every example, and the bias drops out. The Jacobian still has one copy per
example: an einsum with a vector of ones of length `B` adds the batch axis.

Write `dz_dx(W, b, x)` returning the Jacobian of shape `(B, output_dim, input_dim)`.
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
    ndarray, shape (B, output_dim, input_dim)
        Batch axis, then z's axis (output_dim,), then x's axis per example (input_dim,).
    """
    ### BEGIN SOLUTION
    B = x.shape[0]
    return np.einsum("b,ij->bij", np.ones(B), W)
    ### END SOLUTION''',
)


AFFINE_WRT_BIAS = NotebookText(
    math=r"""
**The function.** The same affine layer,

$$z = W x + b, \qquad b \in \mathbb{R}^n,$$

now as a function of its bias `b`, of shape `(output_dim,)` and shared by the batch; `x` has
shape `(B, input_dim)` and `z` shape `(B, output_dim)`.

**Goal.** Compute $\nabla_b z$ for every example of the batch: what a training step needs
to update the bias.
""",
    shape_hint="""\
## 1. Shape analysis

Per example, the output `z` has shape `(output_dim,)`; the input `b` has shape
`(output_dim,)`. As for `W` in notebook 03 of `jacobians`, a parameter shared by the batch
still gets one Jacobian per example. Complete `jacobian_shape(B, output_dim, input_dim)`: the
shape of `dz_db`.""",
    jacobian_shape='''\
def jacobian_shape(B, output_dim, input_dim):
    """Shape of the Jacobian of z = W x + b with respect to b, for a batch of B examples.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, output_dim, output_dim)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian

$\frac{\partial z_i}{\partial b_j} = \delta_{ij}$: an identity matrix for every example,
whatever `W` and `x` are. Output `i` depends only on `b_i`: off the diagonal the zeros are
part of the Jacobian. (A training step sums these Jacobians over the batch, chained with the
loss's, which gives the familiar "sum of the upstream gradient over the batch".)

Write `dz_db(W, b, x)` returning the Jacobian of shape `(B, output_dim, output_dim)`.
""",
    function='''\
def dz_db(W, b, x):
    """Jacobian of z_b = W x_b + b with respect to b, for each example b.

    Parameters
    ----------
    W : ndarray, shape (output_dim, input_dim)
    b : ndarray, shape (output_dim,)
    x : ndarray, shape (B, input_dim)

    Returns
    -------
    ndarray, shape (B, output_dim, output_dim)
        Batch axis, then z's axis (output_dim,), then b's axis (output_dim,).
    """
    ### BEGIN SOLUTION
    B, output_dim = x.shape[0], W.shape[0]
    return np.einsum("b,ij->bij", np.ones(B), np.eye(output_dim))
    ### END SOLUTION''',
)


TANH = NotebookText(
    math=r"""
**The function.** The hyperbolic tangent, a smooth activation applied to each entry:

$$a = \tanh(h), \quad a_i = \tanh(h_i), \qquad a, h \in \mathbb{R}^D.$$

A batch arrives as `h` of shape `(B, D)`, and `a` has shape `(B, D)`.

**Goal.** Compute $\nabla_h a$ for every example of the batch.
""",
    shape_hint="""\
## 1. Shape analysis

Per example, the output `a` has shape `(D,)` and the input `h` has shape `(D,)`. Complete
`jacobian_shape(B, D)`: the shape of `da_dh` for a batch of `B` examples.""",
    jacobian_shape='''\
def jacobian_shape(B, D):
    """Shape of the Jacobian of a = tanh(h) with respect to h, for a batch of B examples.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (B, D, D)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian

$a_i$ depends only on $h_i$, so $\frac{\partial a_i}{\partial h_j} = \delta_{ij}\,(1 -
\tanh^2 h_i)$: a diagonal matrix per example, like the sigmoid's, and unlike the softmax's
of notebook 01. The elementwise derivative has shape `(B, D)`; `np.eye(D)` in an einsum adds
the second axis.

Write `da_dh(h)` returning the Jacobian of shape `(B, D, D)`.
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
    ndarray, shape (B, D, D)
        Batch axis, then a's axis (D,), then h's axis (D,).
    """
    ### BEGIN SOLUTION
    D = h.shape[1]
    return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(D))
    ### END SOLUTION''',
)


TWO_LAYER_NETWORK = NotebookText(
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

The output (the averaged loss) has shape `(1,)`, with no batch axis; the input `W1` has shape
`(hidden_dim, input_dim)`. Complete `jacobian_shape(B, input_dim, hidden_dim, output_dim)`:
the shape of `dloss_dW1`.""",
    jacobian_shape='''\
def jacobian_shape(B, input_dim, hidden_dim, output_dim):
    """Shape of the Jacobian of the batch-averaged loss with respect to W1.

    Return a tuple of ints.
    """
    ### BEGIN SOLUTION
    return (1, hidden_dim, input_dim)
    ### END SOLUTION''',
    code_hint=r"""
## 2. Code the Jacobian by chaining four Jacobians

Name the steps of each example: $h = W_1 x$, $a = \tanh(h)$, $\hat{y} = W_2 a$, and the
loss $\frac{1}{2}\lVert y - \hat{y} \rVert^2$. Each step has a Jacobian you have met:

| Jacobian | per example | shape with the batch axis |
|---|---|---|
| $\partial L_b / \partial \hat{y}$ | $-(y - \hat{y})$ | `(B, 1, output_dim)` |
| $\partial \hat{y} / \partial a$ | $W_2$ | `(B, output_dim, hidden_dim)` |
| $\partial a / \partial h$ | $\mathrm{diag}(1 - a^2)$ | `(B, hidden_dim, hidden_dim)` |
| $\partial h / \partial W_1$ | $\delta_{ij}\,x_k$ | `(B, hidden_dim, hidden_dim, input_dim)` |

Chain them from the loss down, one einsum per step, each summing over the axis two
neighbours share, then average over the batch: `(1, hidden_dim, input_dim)`.

> **Side by side, the shortcut** frameworks compute: with `a` and `yhat` as above,
> ```python
> delta = np.einsum("bk,kj->bj", yhat - y, W2) * (1 - a ** 2)   # (B, hidden_dim)
> shortcut = np.einsum("bj,bi->ji", delta, x)[None] / B         # (1, hidden_dim, input_dim)
> ```
> It never builds the big Jacobians, because each one is mostly zeros (or the same matrix
> for every example); the chain shows where each factor comes from. Both must agree to
> rounding: try it.

Write `dloss_dW1(y, W1, W2, x)` returning the Jacobian of shape `(1, hidden_dim, input_dim)`.
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
    ndarray, shape (1, hidden_dim, input_dim)
        The loss's axis (1,), then W1's axes (hidden_dim, input_dim); no batch axis.
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
)


TEXTS: dict[str, NotebookText] = {
    "softmax": SOFTMAX,
    "softmax_cross_entropy": SOFTMAX_CROSS_ENTROPY,
    "affine_wrt_input": AFFINE_WRT_INPUT,
    "affine_wrt_bias": AFFINE_WRT_BIAS,
    "tanh": TANH,
    "two_layer_network": TWO_LAYER_NETWORK,
}
"""By case key."""
