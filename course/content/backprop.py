"""The prose and the solution code of the `backprop` notebooks, keyed by case.

The second assignment goes from the course document's five cases into a network: softmax and
its cross-entropy, an affine layer's two Jacobians, tanh, and a two-layer network's gradient
built by chaining Jacobians, with the shortcut frameworks compute as an ungraded task next to
it. Solutions read every size from their inputs. What students read teaches with questions and
with worked examples on other functions, and never holds a graded answer or the shape part 1
asks for (``tests/test_student_material.py``).
"""

from __future__ import annotations

from .text import BATCH, NotebookText, jacobian_shape_cell

SOFTMAX = NotebookText(
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

- What is the shape of one example's output, its loss? How does the rule keep a scalar?
- What is the shape of one example's input, its row of `h`?
- Is the output per example?

Complete `jacobian_shape(B, D)`: the shape of `dloss_dh` for a batch of `B` examples.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of each example's cross-entropy with respect to h.",
        {"B": BATCH, "D": "The number of classes."},
        "(B, 1, D)"),
    code_hint=r"""
## 2. Code the Jacobian with the chain rule

Per example, the loss is a function of $\log a$, and $\log a$ is a function of $h$:
$L = -\sum_i y_i \log a_i$ with $a = \mathrm{softmax}(h)$. Work it out in four steps:

1. **The loss with respect to $\log a$.** What is $\partial L / \partial (\log a_i)$? What
   shape has this Jacobian with the batch axis (the loss keeps its axis of size 1)?
2. **$\log a$ with respect to $h$.** Write $\log a_i = h_i - \log \sum_k e^{h_k}$ and
   differentiate with respect to $h_j$. (The derivative of $\log \sum_k e^{h_k}$ with respect
   to $h_j$ is a ratio you met in notebook 01.) Which entries of this Jacobian are zero?
3. **Chain them** per example: multiply, and sum over the axis they share, the entries of
   $\log a$. (Per example, chaining a Jacobian with axes `(p, q)` and one with axes `(q, r)`
   is one `einsum` whose letter for `q` appears in both inputs and not after `->`.)
4. **Simplify, on paper.** The label is one-hot, so $\sum_i y_i = 1$. The result is short,
   and it is the one every framework computes: compare it with the numbers your chain gives.

**Mistakes students make here.** Check your answer against each:

- The derivative with respect to the probabilities $a$ instead of the scores $h$: the
  function's argument is `h`, and softmax stands between them.
- Softmax taken over the batch axis, which mixes the examples.
- The sign of the loss lost on the way.
- A mean over the batch: each example has its own loss here.
- The loss's axis of size 1 left out.

Compute `a` stably, as in notebook 01. Write `dloss_dh(y, h)`: the Jacobian, with the shape
you predicted in part 1.
""",
    function='''\
def dloss_dh(y, h):
    """Jacobian of each example's loss -sum_i y_bi log softmax(h_b)_i with respect to h.

    Parameters
    ----------
    y : ndarray, shape (B, D)
        One-hot labels.
    h : ndarray, shape (B, D)
        Scores (logits).

    Returns
    -------
    ndarray
        The Jacobian, with the shape you predicted in part 1.
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

- What is the shape of one example's output, its row of `z`?
- The input is `b`, shared by the batch: what are its axes?
- Is the output per example, although `b` is shared? (Think of `W` in notebook 03 of
  `jacobians`.)

Complete `jacobian_shape(B, output_dim, input_dim)`: the shape of `dz_db`.""",
    jacobian_shape=jacobian_shape_cell(
        "Shape of the Jacobian of z = W x + b with respect to b, for a batch of B examples.",
        {"B": BATCH, "output_dim, input_dim": "The numbers of rows and columns of W."},
        "(B, output_dim, output_dim)"),
    code_hint=r"""
## 2. Code the Jacobian

For one example, $z_i = \sum_k W_{ik} x_k + b_i$.

- What is $\partial z_i / \partial b_j$ when $j = i$? When $j \neq i$?
- Does it depend on $W$, on $x$, on which example it is?

You have the tools: a matrix that is zero unless two indices are equal comes from `np.eye`
(notebook 03 of `jacobians`), and the same matrix for every example is copied along the batch
axis by a vector of ones (notebook 03 of this assignment). The zeros are part of the Jacobian.

(A training step chains these Jacobians with the loss's and sums them over the batch: that is
where the familiar "sum of the upstream gradient over the batch" comes from.)

**Mistakes students make here.** Check your answer against each:

- A matrix of ones: does $z_i$ depend on $b_j$ when $j \neq i$?
- Only the diagonal, with the shape of `z`: where are the zeros?
- No batch axis, or the examples summed: is the output per example?
- A size typed in.

Write `dz_db(W, b, x)`: the Jacobian, with the shape you predicted in part 1.
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
    ndarray
        The Jacobian, with the shape you predicted in part 1.
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


TEXTS: dict[str, NotebookText] = {
    "softmax": SOFTMAX,
    "softmax_cross_entropy": SOFTMAX_CROSS_ENTROPY,
    "affine_wrt_input": AFFINE_WRT_INPUT,
    "affine_wrt_bias": AFFINE_WRT_BIAS,
    "tanh": TANH,
    "two_layer_network": TWO_LAYER_NETWORK,
}
"""By case key."""
