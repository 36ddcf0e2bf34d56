# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # PS2: Softmax regression and backpropagation
#
# In PS1 you built the pieces of a classifier one at a time: the softmax, the cross-entropy, their gradients, and a
# network with one hidden layer. In this problem set you put them to work. You train **softmax regression**
# (multinomial logistic regression: one layer with a softmax output) from scratch on Fisher's **Iris** flowers,
# see why the output layer and the loss are always **chosen together**, write **backpropagation** for a network with
# any number of hidden layers, and finally train the same kind of classifier batch-wise with **PyTorch**.
#
# | part | what you build |
# | --- | --- |
# | 1 | softmax regression from scratch: `softmax_regression_forward`, `softmax_regression_loss`, `softmax_regression_grads`, `standardize`, `fit_softmax_regression`, `predict_classes`, `accuracy`; trained on Iris |
# | 2 | output layer and loss, chosen together: `output_loss`, `output_delta` for three pairs |
# | 3 | backpropagation through a deep network: `mlp_forward`, `mlp_grads` |
# | 4 | the same classifier in PyTorch: `build_classifier`, `evaluate`, `train_classifier` (on a GPU when there is one) |
#
# ### How this notebook works
#
# * Each function has a cell ending in `# YOUR CODE HERE` / `raise NotImplementedError()`: replace those two
#   lines with your code. Do not rename the function or change its arguments.
# * Right below it, a **"Check your work"** cell runs a few asserts on small inputs you can verify by hand. Run it!
#   Passing it is necessary but not sufficient: hidden tests with many more inputs run when your notebook is graded
#   (in the cell below the check). nbgrader shows each grading cell's points.
# * Written answers go into the markdown cells that say `YOUR ANSWER HERE`; they are graded by hand. Use LaTeX:
#   `$\hat y - y$` gives $\hat y - y$. Each derivation comes *before* the code that uses it: do it first.
# * Parts 1–3 are **from scratch**: NumPy only, no automatic differentiation (no `torch.autograd`, no `.backward()`).
# * The data file `iris.csv` must be in the same folder as this notebook.
# * Do not add, delete or copy the provided cells (a deleted grading cell earns no points). Before you submit:
#   *Kernel → Restart & Run All*, and check that nothing fails. Keep your top-level code fast (the whole notebook
#   runs in seconds).
#
# ### Conventions the hidden tests check (all of PS1's)
#
# * **Arrays in, arrays out.** A float input keeps its dtype (`float32` in, `float32` out); an integer input is
#   treated as `float64`. When `float32` and `float64` arrays are mixed, **either** result dtype is accepted.
#   Python numbers (`lr`) never decide the dtype. `np.result_type(dtype1, dtype2, ...)` promotes.
# * **Never modify an input.** Work on new arrays (`z = x - x.max()`), not in place (`x -= x.max()`).
# * **A mistake costs points once, where it is.** When a function calls another graded function (for example
#   `fit_softmax_regression` calling your `softmax_regression_grads`), the hidden tests grade it with a correct
#   version of the one it calls. Reuse your functions without fear.
# * **Batches are rows**, and weights are stored **input-major**: `W` has shape `(inputs, outputs)`, so a layer is
#   `X @ W + b` with a 1-D bias `b`.
# * **Losses are means over the batch** (the mean over the $n$ rows), and every gradient is the gradient of that mean.
# * **Stable** means finite, correct, and *no `RuntimeWarning`* (overflow, divide by zero, invalid value) for
#   pre-activations as large as $|z| = 10^4$ in `float64`.
# * Every function that takes a `kind` or an `activation` raises `ValueError` for one it does not know.

# %% [markdown]
# ### Notation: lecture and code
#
# | lecture | code | meaning |
# | --- | --- | --- |
# | $x^{[i]}$ (one example) | `X[i]`, `X` shape `(n, m)` | $n$ examples with $m$ features, one per row |
# | $W$, $b$ | `W` shape `(m, h)`, `b` shape `(h,)` | weights (input-major) and bias of a layer with $h$ outputs |
# | $Z = XW + b$ | `Z = X @ W + b` | the net inputs (*logits*) |
# | $A = \mathrm{softmax}(Z)$, $\hat y$ | `A`, `y_hat` | the predicted class probabilities, one row per example |
# | $Y$ (one-hot), $y$ (labels) | `Y` shape `(n, h)`, `y` shape `(n,)` | the targets |
# | $\eta$ | `lr` | the learning rate |
# | $\theta \leftarrow \theta - \eta \nabla_\theta \mathcal{L}$ | `W = W - lr * dW` | one gradient-descent step |

# %% deletable=false editable=false nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import numpy as np
import torch
import matplotlib.pyplot as plt

# %% [markdown]
# ## Part 1: softmax regression from scratch
#
# ### 1.1 The model
#
# Softmax regression is a single layer with one output per class and a softmax activation. For $n$ examples
# (rows of `X`, shape `(n, m)`) and $h$ classes:
#
# $$Z = XW + b, \qquad A = \mathrm{softmax}(Z) \text{ (row by row)}, \qquad
# \mathcal{L} = \frac1n \sum_{i=1}^{n} \Bigl(-\sum_{j=1}^{h} Y_{ij} \log A_{ij}\Bigr),$$
#
# where $Y$ holds the targets as **one-hot** rows: $Y_{ij} = 1$ if example $i$ is of class $j$, else 0. So the
# inner sum picks out $-\log$ of the probability the model gives the correct class: the **multi-category
# cross-entropy**. Training by gradient descent needs its gradient, which (you show it below) is
#
# $$\frac{\partial \mathcal{L}}{\partial W} = \frac1n X^\top (A - Y), \qquad
# \frac{\partial \mathcal{L}}{\partial b} = \frac1n \sum_{i=1}^{n} (A - Y)_{i,:}.$$
#
# Compare logistic regression: the same rule with a sigmoid output and one column. With $h = 2$ classes softmax
# regression *is* logistic regression (PS1: a sigmoid is a two-class softmax).
#
# **The lecture's worked example.** Four examples of three classes, $Y = \text{one-hot}(0, 1, 2, 2)$, and the softmax
# outputs
#
# $$A = \begin{pmatrix} 0.3792 & 0.3104 & 0.3104 \\ 0.3072 & 0.4147 & 0.2780 \\ 0.4263 & 0.2248 & 0.3490 \\
# 0.2668 & 0.2978 & 0.4354 \end{pmatrix}$$
#
# give the losses $-\log 0.3792 = 0.9697$, $-\log 0.4147 = 0.8801$, $-\log 0.3490 = 1.0527$, $-\log 0.4354 = 0.8315$ and the
# mean cross-entropy $\mathcal{L} = 0.9335$. Your loss function reproduces it below.

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_softmax_regression_rule", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question 1.** Derive the learning rule above from the cross-entropy. For one example with logits
# $z = W^\top x + b \in \mathbb{R}^h$, $a = \mathrm{softmax}(z)$ and a one-hot target $y$, use the Jacobian of the
# softmax, $\partial a_k / \partial z_j = a_k(\delta_{kj} - a_j)$, to show $\partial \mathcal{L} / \partial z = a - y$.
# Then go from $z$ to $W$ and $b$, and from one example to the mean over $n$ examples, to reach
# $\frac1n X^\top(A - Y)$ and the mean of the rows of $A - Y$. Say where the one-hot target is used.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_softmax_regression_rule", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# One example: $\mathcal{L} = -\sum_k y_k \log a_k$. By the chain rule through the softmax Jacobian,
# $$\frac{\partial \mathcal{L}}{\partial z_j} = -\sum_k \frac{y_k}{a_k}\,\frac{\partial a_k}{\partial z_j}
# = -\sum_k \frac{y_k}{a_k}\, a_k(\delta_{kj} - a_j) = -y_j + a_j \sum_k y_k = a_j - y_j,$$
# because a one-hot (or any probability) target has $\sum_k y_k = 1$: the Jacobian's $a_k$ cancels the $1/a_k$ of the
# logarithm, and what is left is $a - y$.
#
# From $z$ to the parameters: $z_j = \sum_l x_l W_{lj} + b_j$, so $\partial z_j / \partial W_{lj} = x_l$ and
# $\partial z_j / \partial b_j = 1$ (and $W_{lj}$ affects no other logit). Hence
# $\partial \mathcal{L} / \partial W_{lj} = x_l (a_j - y_j)$, i.e. $\nabla_W \mathcal{L} = x\,(a - y)^\top$ (an outer
# product, shape $(m, h)$), and $\nabla_b \mathcal{L} = a - y$.
#
# The batch loss is the mean $\frac1n \sum_i \mathcal{L}_i$ and example $i$ only enters $\mathcal{L}_i$, so the
# gradients are the means of the per-example ones:
# $\nabla_W = \frac1n \sum_i x^{[i]} (a^{[i]} - y^{[i]})^\top = \frac1n X^\top (A - Y)$ (row $i$ of $X$ times row $i$ of
# $A - Y$, summed over $i$) and $\nabla_b = \frac1n \sum_i (A - Y)_{i,:}$.
#
# === BEGIN MARK SCHEME ===
# * 1 point: chain rule through the softmax Jacobian (or writing $\mathcal{L} = -\sum_k y_k z_k + \log\sum_l e^{z_l}$)
#   set up correctly.
# * 1 point: reaching $a - y$, with the step $\sum_k y_k = 1$ (the one-hot target) visible.
# * 1 point: $\partial z / \partial W$ and $\partial z / \partial b$: the outer product $x (a - y)^\top$ and $a - y$.
# * 1 point: the batch: sum over examples divided by $n$, written as $X^\top(A - Y)/n$ and the mean of the rows.
#   Missing $1/n$ or a transposed product (shape $(h, m)$): no point here.
# === END MARK SCHEME ===
# ### END SOLUTION

# %% [markdown]
# ### 1.2 The forward pass
#
# `softmax_regression_forward(X, W, b)` returns $A = \mathrm{softmax}(XW + b)$, the softmax of **every row**
# (one example) separately, so each row of $A$ sums to 1. Make it stable as in PS1: subtract each row's maximum
# logit before exponentiating (`Z.max(axis=1, keepdims=True)`). Logits of $\pm 10^4$ must give no warning.

# %% nbgrader={"grade": false, "grade_id": "solution_softmax_regression_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_regression_forward(X, W, b):
    """Class probabilities of softmax regression.

    X (n, m) features, W (m, h) weights, b (h,) bias.
    Returns A (n, h): the softmax of every row of X @ W + b. Stable; no input is modified.
    """
    ### BEGIN SOLUTION
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    Z = X.astype(dtype) @ W.astype(dtype) + b.astype(dtype)
    # shift each row so that its largest logit is 0: exp() stays in (0, 1], the row sum is at least 1
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_softmax_regression_forward", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing softmax_regression_forward.
X = np.array([[1.0, 2.0], [0.0, -1.0]])        # n = 2 examples, m = 2 features
W = np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.0]])  # h = 3 classes
b = np.array([0.0, 1.0, 0.0])
X_before, W_before, b_before = X.copy(), W.copy(), b.copy()
A = softmax_regression_forward(X, W, b)
assert isinstance(A, np.ndarray) and A.shape == (2, 3), f"A should be an array of shape (n, h) = (2, 3); got {type(A).__name__} of shape {np.shape(A)}"
for name, now, before in (("X", X, X_before), ("W", W, W_before), ("b", b, b_before)):
    assert np.array_equal(now, before), f"softmax_regression_forward must not modify {name}: it was {before.tolist()}, now {now.tolist()}"
assert np.allclose(A.sum(axis=1), 1.0), f"each ROW of A (one example) should sum to 1; got row sums {A.sum(axis=1)} (a softmax over axis 0 normalises the columns)"
# the logits are X @ W + b = [[2, 2, -1], [-0.5, 0.5, 0]]
expected = np.array([[0.48785555, 0.48785555, 0.02428890], [0.18632372, 0.50648039, 0.30719589]])
assert np.allclose(A, expected), f"with logits [[2, 2, -1], [-0.5, 0.5, 0]] A should be {expected.round(5).tolist()}; got {np.round(A, 5).tolist()}"
# Any overflow / divide / invalid warning becomes an error inside this block:
with np.errstate(over="raise", divide="raise", invalid="raise"):
    big = softmax_regression_forward(np.array([[1.0], [-1.0]]), np.array([[1e4, 0.0, -1e4]]), np.zeros(3))
assert np.allclose(big, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), f"logits [[1e4, 0, -1e4], [-1e4, 0, 1e4]] should give [[1, 0, 0], [0, 0, 1]]: shift each row by its own maximum; got {big.tolist()}"
A32 = softmax_regression_forward(X.astype(np.float32), W.astype(np.float32), b.astype(np.float32))
assert A32.dtype == np.float32, f"float32 inputs should give a float32 output; got {A32.dtype}"
print("softmax_regression_forward: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_softmax_regression_forward", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for softmax_regression_forward run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("softmax_regression_forward")
### END HIDDEN TESTS

# %% [markdown]
# ### 1.3 The loss, from the logits
#
# `softmax_regression_loss(X, Y, W, b)` returns the mean cross-entropy $\mathcal{L}$ of 1.1 as a float. Do not take
# the log of $A$: a probability that underflowed to 0 gives $\log 0 = -\infty$. Use the **log-softmax** instead: with
# $Z = XW + b$ and $m_i = \max_j Z_{ij}$,
#
# $$\log A_{ij} = Z_{ij} - m_i - \log \sum_{l} e^{Z_{il} - m_i},$$
#
# which is finite however large the logits are. Then average $-\sum_j Y_{ij} \log A_{ij}$ over the **rows** (not over
# all $n \cdot h$ entries).

# %% nbgrader={"grade": false, "grade_id": "solution_softmax_regression_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_regression_loss(X, Y, W, b):
    """Mean cross-entropy of softmax regression, computed from the logits.

    X (n, m), Y (n, h) one-hot targets, W (m, h), b (h,).
    Returns a float: the mean over the n rows of -sum_j Y_ij log softmax(X W + b)_ij. Stable.
    """
    ### BEGIN SOLUTION
    X, Y, W, b = np.asarray(X), np.asarray(Y), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, Y, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    Z = X.astype(dtype) @ W.astype(dtype) + b.astype(dtype)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_A = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log-softmax, finite
    return float(-(Y.astype(dtype) * log_A).sum(axis=1).mean())
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_softmax_regression_loss", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing softmax_regression_loss.
# Raschka's worked example. With X = log(A), W = the identity and b = 0 the logits are log(A), and since every row
# of A sums to 1 (to 4 digits) their softmax is A itself.
A_lecture = np.array([[0.3792, 0.3104, 0.3104], [0.3072, 0.4147, 0.2780],
                      [0.4263, 0.2248, 0.3490], [0.2668, 0.2978, 0.4354]])
Y_lecture = np.eye(3)[[0, 1, 2, 2]]  # one-hot(0, 1, 2, 2)
X, W, b = np.log(A_lecture), np.eye(3), np.zeros(3)
X_before, Y_before = X.copy(), Y_lecture.copy()
loss = softmax_regression_loss(X, Y_lecture, W, b)
assert np.ndim(loss) == 0, f"the loss should be a float (a scalar); got {type(loss).__name__} of shape {np.shape(loss)}"
assert abs(loss - 0.93352) < 5e-5, f"the lecture's example has mean cross-entropy 0.93352 (losses 0.9697, 0.8801, 1.0527, 0.8315); got {loss:.5f} (the sum over the 4 rows is 3.734, the mean over all 12 entries 0.311)"
assert np.array_equal(X, X_before) and np.array_equal(Y_lecture, Y_before), "softmax_regression_loss must not modify its inputs"
# Zero weights: every class gets probability 1/3, so the loss is log(3) = 1.09861 whatever the features.
zero = softmax_regression_loss(np.array([[1.0, 2.0], [3.0, 4.0]]), np.eye(3)[[0, 2]], np.zeros((2, 3)), np.zeros(3))
assert np.isclose(zero, np.log(3)), f"with W = 0 and b = 0 the loss should be log(3) = 1.09861; got {zero}"
# Huge logits: the correct class is 2e4 below the best one. log(softmax) would be log(0) = -inf here.
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    big = softmax_regression_loss(np.array([[1.0], [-1.0]]), np.eye(3)[[2, 2]], np.array([[1e4, 0.0, -1e4]]), np.zeros(3))
assert np.isclose(big, 1e4), f"logits [[1e4, 0, -1e4], [-1e4, 0, 1e4]] with targets class 2 have losses 2e4 and 0, mean 1e4; got {big} (compute log-softmax from the logits, do not take log of a probability)"
print("softmax_regression_loss: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_softmax_regression_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for softmax_regression_loss run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("softmax_regression_loss")
### END HIDDEN TESTS

# %% [markdown]
# ### 1.4 The gradients
#
# `softmax_regression_grads(X, Y, W, b)` returns the pair `(dW, db)` of your derivation:
# `dW` $= X^\top(A - Y)/n$, shape `(m, h)` like `W`, and `db` the mean of the rows of $A - Y$, shape `(h,)` like `b`
# (not `(1, h)`). Reuse `softmax_regression_forward`.

# %% nbgrader={"grade": false, "grade_id": "solution_softmax_regression_grads", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_regression_grads(X, Y, W, b):
    """Gradients of softmax_regression_loss with respect to W and b.

    Returns (dW, db): X^T (A - Y) / n with shape (m, h), and the mean over the rows of A - Y with shape (h,).
    """
    ### BEGIN SOLUTION
    X, Y, W, b = np.asarray(X), np.asarray(Y), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, Y, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    X = X.astype(dtype)
    delta = softmax_regression_forward(X, W, b).astype(dtype) - Y.astype(dtype)  # (n, h): dL_i/dz_i per example
    n = X.shape[0]
    return X.T @ delta / n, delta.mean(axis=0)
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_softmax_regression_grads", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing softmax_regression_grads.
# A gradient check (PS1, Part 4): the gradients should agree with centred differences of YOUR
# softmax_regression_loss, so make its check pass first.
def check_numerical_grad(f, x, h=1e-6):
    """Centred differences of a scalar function f at x (x is restored)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = f()
        x[i] = saved - h
        down = f()
        x[i] = saved
        g[i] = (up - down) / (2 * h)
    return g

rng = np.random.default_rng(0)
X = rng.normal(size=(5, 4))           # n = 5, m = 4
Y = np.eye(3)[[0, 2, 1, 1, 0]]         # h = 3
W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
X_before, W_before, b_before = X.copy(), W.copy(), b.copy()
grads = softmax_regression_grads(X, Y, W, b)
assert isinstance(grads, tuple) and len(grads) == 2, f"softmax_regression_grads should return a pair (dW, db); got {type(grads).__name__}"
dW, db = grads
assert np.shape(dW) == (4, 3), f"dW should be shaped like W, (m, h) = (4, 3); got {np.shape(dW)}"
assert np.shape(db) == (3,), f"db should be shaped like b, (h,) = (3,); got {np.shape(db)}"
for name, now, before in (("X", X, X_before), ("W", W, W_before), ("b", b, b_before)):
    assert np.array_equal(now, before), f"softmax_regression_grads must not modify {name}"
dW_num = check_numerical_grad(lambda: softmax_regression_loss(X, Y, W, b), W)
db_num = check_numerical_grad(lambda: softmax_regression_loss(X, Y, W, b), b)
assert np.allclose(dW, dW_num, atol=1e-6), f"dW disagrees with the numerical gradient of softmax_regression_loss:\nexpected {dW_num.round(5).tolist()}\ngot      {np.round(dW, 5).tolist()}\n(ratio {np.median(dW / dW_num):.3g}: a factor of n = 5 means a missing 1/n)"
assert np.allclose(db, db_num, atol=1e-6), f"db disagrees with the numerical gradient: expected {db_num.round(5).tolist()}, got {np.round(db, 5).tolist()} (the mean over the rows of A - Y)"
# At W = 0, b = 0 every probability is 1/3, and the classes 0, 1, 2 make up 2/5, 2/5, 1/5 of the rows:
# db = mean of (1/3 - Y) = [1/3 - 2/5, 1/3 - 2/5, 1/3 - 1/5].
_, db0 = softmax_regression_grads(X, Y, np.zeros((4, 3)), np.zeros(3))
assert np.allclose(db0, [-1 / 15, -1 / 15, 2 / 15]), f"at W = 0, b = 0, db should be [-0.06667, -0.06667, 0.13333]; got {np.round(db0, 5).tolist()}"
dW32, db32 = softmax_regression_grads(X.astype(np.float32), Y.astype(np.float32), W.astype(np.float32), b.astype(np.float32))
assert dW32.dtype == np.float32 and db32.dtype == np.float32, f"float32 inputs should give float32 gradients; got {dW32.dtype}, {db32.dtype}"
print("softmax_regression_grads: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_softmax_regression_grads", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for softmax_regression_grads run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("softmax_regression_grads")
### END HIDDEN TESTS

# %% [markdown]
# ### 1.5 Standardising the features
#
# Gradient descent with one learning rate for all weights works best when the features have similar scales. Each
# feature (column) is therefore **standardised**: $x' = (x - \mu)/s$ with its mean $\mu$ and its population standard
# deviation $s$ (`ddof=0`, NumPy's default for `np.std`).
#
# The statistics must come from the **training rows only**: the held-out rows stand for data the model has never
# seen, so they are scaled with the training mean and deviation too (using their own statistics, or those of all
# rows, leaks information about the test set into training). `standardize(X_train, X_other)` returns both scaled
# arrays.
#
# A feature that does not vary in the training rows ($s = 0$) cannot be scaled: only centre it (divide by 1).
# Rounding counts as no spread: treat $s \le 10^{-12} \cdot \max(1, |\mu|)$ as zero (for example `0.1 + 0.2` and
# `0.3` differ in the last bit, and dividing that difference by its tiny $s$ would blow it up to $\pm 1$).

# %% nbgrader={"grade": false, "grade_id": "solution_standardize", "locked": false, "schema_version": 3, "solution": true, "task": false}
def standardize(X_train, X_other):
    """Scale every column with the training rows' mean and population standard deviation.

    X_train (n, m), X_other (k, m). Returns (X_train_std, X_other_std). A column whose training spread is zero
    (std <= 1e-12 * max(1, |mean|)) is only centred.
    """
    ### BEGIN SOLUTION
    X_train, X_other = np.asarray(X_train), np.asarray(X_other)
    floats = [a.dtype for a in (X_train, X_other) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    X_train, X_other = X_train.astype(dtype), X_other.astype(dtype)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)  # ddof = 0
    # a spread at the level of rounding is no spread: divide such a column by 1 (centre it only)
    scale = np.where(std <= 1e-12 * np.maximum(1.0, np.abs(mean)), 1.0, std).astype(dtype)
    return (X_train - mean) / scale, (X_other - mean) / scale
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_standardize", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing standardize.
X_train = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]])
X_other = np.array([[3.0, 10.0], [5.0, 0.0]])
train_before, other_before = X_train.copy(), X_other.copy()
result = standardize(X_train, X_other)
assert isinstance(result, tuple) and len(result) == 2, f"standardize should return a pair (X_train_std, X_other_std); got {type(result).__name__}"
T, O = result
assert np.shape(T) == (3, 2) and np.shape(O) == (2, 2), f"the shapes should stay (3, 2) and (2, 2); got {np.shape(T)} and {np.shape(O)}"
assert np.array_equal(X_train, train_before) and np.array_equal(X_other, other_before), "standardize must not modify its inputs"
assert np.allclose(T.mean(axis=0), 0.0) and np.allclose(T.std(axis=0), 1.0), f"every training column should get mean 0 and std 1; got means {T.mean(axis=0)}, stds {T.std(axis=0)} (statistics per COLUMN: axis=0)"
# column 0 has mean 2 and population std sqrt(2/3) = 0.81650: the value 3 becomes 1.22474 (ddof=1 would give 1.0)
assert np.isclose(T[2, 0], 1.2247449), f"X_train[2, 0] = 3 with mean 2 and population std 0.8165 should become 1.22474; got {T[2, 0]:.5f} (use ddof=0)"
expected_other = (X_other - [2.0, 30.0]) / [np.sqrt(2 / 3), np.sqrt(1400 / 3)]
assert np.allclose(O, expected_other), f"X_other should be scaled with the TRAINING mean [2, 30] and std [0.8165, 21.602]: expected {expected_other.round(5).tolist()}; got {np.round(O, 5).tolist()}"
# a constant column is only centred, without a division by zero; a rounding-level spread counts as none
X_flat = np.array([[5.0, 0.1 + 0.2], [5.0, 0.3], [5.0, 0.3]])
with np.errstate(over="raise", divide="raise", invalid="raise"):
    T, O = standardize(X_flat, np.array([[6.0, 0.3]]))
assert np.allclose(T[:, 0], 0.0) and np.isclose(O[0, 0], 1.0), f"a constant column (all 5) should only be centred: training values 0, the other row's 6 -> 1; got {T[:, 0].tolist()} and {O[0, 0]}"
assert np.allclose(T[:, 1], 0.0, atol=1e-9), f"a column [0.1 + 0.2, 0.3, 0.3] varies only by rounding (std 2.6e-17): it should only be centred, giving about 0; got {T[:, 1].tolist()}"
T32, O32 = standardize(X_train.astype(np.float32), X_other.astype(np.float32))
assert T32.dtype == np.float32 and O32.dtype == np.float32, f"float32 inputs should give float32 outputs; got {T32.dtype}, {O32.dtype}"
print("standardize: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_standardize", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for standardize run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("standardize")
### END HIDDEN TESTS

# %% [markdown]
# ### 1.6 Training by gradient descent
#
# `fit_softmax_regression(X, y, num_classes, lr=0.5, epochs=300)` trains softmax regression on integer labels `y`
# (shape `(n,)`, values in $[0, h)$ with $h$ = `num_classes`):
#
# 1. turn `y` into one-hot rows `Y` (shape `(n, h)`);
# 2. start from `W = 0` (shape `(m, h)`) and `b = 0` (shape `(h,)`);
# 3. repeat `epochs` times: record the current mean loss, then take one **full-batch** gradient-descent step
#    $\theta \leftarrow \theta - \eta \nabla_\theta \mathcal{L}$ for $W$ and $b$ (new arrays: `W = W - lr * dW`).
#
# Return `(W, b, losses)`, where `losses` is a list of `epochs` Python floats and `losses[k]` is the loss **before**
# step $k$ (so `losses[0]` is the loss of the all-zero model, $\log h$). Nothing here is random: the same data give
# the same result.

# %% nbgrader={"grade": false, "grade_id": "solution_fit_softmax_regression", "locked": false, "schema_version": 3, "solution": true, "task": false}
def fit_softmax_regression(X, y, num_classes, *, lr=0.5, epochs=300):
    """Full-batch gradient descent for softmax regression, from W = 0 and b = 0.

    X (n, m) features, y (n,) integer labels in [0, num_classes).
    Returns (W, b, losses): W (m, num_classes), b (num_classes,) and the list of `epochs` mean losses, each taken
    before its step.
    """
    ### BEGIN SOLUTION
    X, y = np.asarray(X), np.asarray(y)
    dtype = X.dtype if X.dtype.kind == "f" else np.float64
    X = X.astype(dtype)
    Y = np.zeros((X.shape[0], num_classes), dtype=dtype)
    Y[np.arange(X.shape[0]), y.astype(np.intp)] = 1.0
    W = np.zeros((X.shape[1], num_classes), dtype=dtype)
    b = np.zeros(num_classes, dtype=dtype)
    losses = []
    for _ in range(epochs):
        losses.append(float(softmax_regression_loss(X, Y, W, b)))  # before the step
        dW, db = softmax_regression_grads(X, Y, W, b)
        W = W - lr * dW
        b = b - lr * db
    return W, b, losses
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_fit_softmax_regression", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing fit_softmax_regression.
X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
y = np.array([0, 1, 2, 2])
X_before, y_before = X.copy(), y.copy()
result = fit_softmax_regression(X, y, 3, lr=0.5, epochs=1)
assert isinstance(result, tuple) and len(result) == 3, f"fit_softmax_regression should return (W, b, losses); got {type(result).__name__}"
W, b, losses = result
assert np.shape(W) == (2, 3) and np.shape(b) == (3,), f"W should be (m, h) = (2, 3) and b (h,) = (3,); got {np.shape(W)} and {np.shape(b)}"
assert isinstance(losses, list) and len(losses) == 1, f"losses should be a list with one loss per epoch (1 here); got {losses!r}"
assert all(isinstance(v, float) for v in losses), f"the losses should be Python floats; got {[type(v).__name__ for v in losses]}"
assert np.isclose(losses[0], np.log(3)), f"losses[0] is the loss BEFORE the first step, of W = 0 and b = 0: log(3) = 1.09861; got {losses[0]}"
# one step from zero: A = 1/3 everywhere; db = mean of the rows of A - Y = [1/3 - 1/4, 1/3 - 1/4, 1/3 - 1/2], and
# dW = X^T (A - Y) / 4 = [[-1/4, 0, 1/4], [0, -1/4, 1/4]] (work it out by hand: it is worth it)
assert np.allclose(b, [-0.5 * (1 / 3 - 0.25), -0.5 * (1 / 3 - 0.25), -0.5 * (1 / 3 - 0.5)]), f"after one step of lr = 0.5 from zero b should be [-0.04167, -0.04167, 0.08333]; got {np.round(b, 5).tolist()}"
expected_W = np.array([[0.125, 0.0, -0.125], [0.0, 0.125, -0.125]])  # -0.5 dW
assert np.allclose(W, expected_W), f"after one step of lr = 0.5 from zero W should be {expected_W.round(5).tolist()}; got {np.round(W, 5).tolist()}"
# num_classes counts the classes, even one without examples: here y has only the labels 0 and 1 but there are 3 classes
W_gap, b_gap, _ = fit_softmax_regression(X, np.array([0, 1, 0, 1]), 3, lr=0.5, epochs=1)
assert np.shape(W_gap) == (2, 3) and np.shape(b_gap) == (3,), f"num_classes = 3 with labels [0, 1, 0, 1] (class 2 has no examples): W should still be (2, 3) and b (3,); got {np.shape(W_gap)} and {np.shape(b_gap)} (use num_classes, not y.max() + 1)"
assert np.isclose(b_gap[2], -0.5 / 3), f"class 2 has no examples, so one step from zero gives b[2] = -0.5 (1/3 - 0) = -0.16667; got {b_gap[2]:.5f}"
assert np.array_equal(X, X_before) and np.array_equal(y, y_before), "fit_softmax_regression must not modify X or y"
W, b, losses = fit_softmax_regression(X, y, 3, lr=0.5, epochs=50)
assert len(losses) == 50, f"epochs=50 should record 50 losses; got {len(losses)}"
assert all(later <= earlier + 1e-12 for earlier, later in zip(losses, losses[1:])), f"full-batch gradient descent with a small step should never increase the loss; got {np.round(losses[:6], 5).tolist()} ..."
assert losses[-1] < 0.5, f"after 50 steps the loss on these 4 separable points should be below 0.5; got {losses[-1]:.4f}"
W2, b2, losses2 = fit_softmax_regression(X, y, 3, lr=0.5, epochs=50)
assert np.array_equal(W, W2) and losses == losses2, "fit_softmax_regression should be deterministic: two runs gave different results"
print("fit_softmax_regression: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_fit_softmax_regression", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for fit_softmax_regression run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("fit_softmax_regression")
### END HIDDEN TESTS

# %% [markdown]
# ### 1.7 Predictions and accuracy
#
# The predicted class of an example is the one with the largest probability, which is the one with the largest
# **logit** (the softmax keeps the order): `predict_classes(X, W, b)` returns the arg-max of each row of
# $XW + b$ as integer labels, shape `(n,)`. For a tie take the lowest index, as `np.argmax` does.
#
# `accuracy(y_true, y_pred)` is the fraction of positions where the two label arrays agree, a float in $[0, 1]$.
# Comparing arrays of different lengths (or two empty ones) is a mistake in the caller: raise `ValueError`.

# %% nbgrader={"grade": false, "grade_id": "solution_predict_classes", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict_classes(X, W, b):
    """Predicted labels of softmax regression: the arg-max of every row of X @ W + b (lowest index on a tie).

    Returns an integer array of shape (n,).
    """
    ### BEGIN SOLUTION
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    floats = [a.dtype for a in (X, W, b) if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    Z = X.astype(dtype) @ W.astype(dtype) + b.astype(dtype)
    return np.argmax(Z, axis=1)
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_predict_classes", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing predict_classes.
X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [0.0, 0.0]])  # n = 4
W = np.array([[2.0, 0.0, -1.0], [0.0, 2.0, -1.0]])                 # h = 3
b = np.zeros(3)
X_before = X.copy()
labels = predict_classes(X, W, b)
assert isinstance(labels, np.ndarray) and labels.shape == (4,), f"predict_classes should return one label per row, shape (4,); got {type(labels).__name__} of shape {np.shape(labels)} (arg-max over axis 1, the classes)"
assert labels.dtype.kind in "iu", f"the labels should be integers; got dtype {labels.dtype}"
# logits [[2, 0, -1], [0, 2, -1], [-2, -2, 2], [0, 0, 0]]: the last row is a three-way tie
assert labels.tolist() == [0, 1, 2, 0], f"with logits [[2, 0, -1], [0, 2, -1], [-2, -2, 2], [0, 0, 0]] the labels should be [0, 1, 2, 0] (a tie goes to the lowest index); got {labels.tolist()}"
assert np.array_equal(X, X_before), "predict_classes must not modify X"
# Huge logits: the arg-max of the logits needs no exponential (an unshifted softmax overflows to inf / inf = nan).
# Any overflow / invalid warning becomes an error inside this block:
with np.errstate(over="raise", invalid="raise"):
    big = predict_classes(np.array([[1.0], [-1.0]]), np.array([[1e4, 0.0, -1e4]]), np.zeros(3))
assert big.tolist() == [0, 2], f"logits [[1e4, 0, -1e4], [-1e4, 0, 1e4]] should give the labels [0, 2]; got {big.tolist()}"
print("predict_classes: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_predict_classes", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for predict_classes run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("predict_classes")
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "solution_accuracy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def accuracy(y_true, y_pred):
    """Fraction of equal entries of two label arrays of the same length, a float in [0, 1].

    Raises ValueError if the lengths differ or are 0.
    """
    ### BEGIN SOLUTION
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError(f"accuracy needs two non-empty label arrays of the same length; got {len(y_true)} and {len(y_pred)}")
    return float(np.mean(y_true == y_pred))
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_accuracy", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing accuracy.
acc = accuracy(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2]))
assert np.ndim(acc) == 0, f"accuracy should return a float; got {type(acc).__name__} of shape {np.shape(acc)}"
assert np.isclose(acc, 0.75), f"3 of 4 labels agree: the accuracy should be 0.75; got {acc}"
assert np.isclose(accuracy(np.array([1, 1]), np.array([1, 1])), 1.0), "equal labels should give accuracy 1.0"
assert np.isclose(accuracy(np.array([0, 1, 2]), np.array([2, 0, 1])), 0.0), "no equal labels should give accuracy 0.0"
for a, b in (([0, 1, 2], [0, 1]), ([], [])):
    try:
        accuracy(np.array(a, dtype=int), np.array(b, dtype=int))
    except ValueError:
        pass
    else:
        raise AssertionError(f"accuracy of label arrays of lengths {len(a)} and {len(b)} should raise ValueError")
print("accuracy: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_accuracy", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for accuracy run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("accuracy")
### END HIDDEN TESTS

# %% [markdown]
# ### 1.8 Iris
#
# Fisher's Iris data (1936): 150 flowers, 50 of each of three species (*setosa*, *versicolor*, *virginica*), each
# measured in four ways (sepal length and width, petal length and width, in cm). Source: the UCI Machine Learning
# Repository (licence CC BY 4.0); the file `iris.csv` next to this notebook has one flower per row.
#
# The cell below loads it and makes a **stratified** split, fixed by a seed: 40 flowers of each species for training
# (120) and 10 of each for testing (30), so both parts have the three species in the same proportion. Then it
# standardises the features with the training statistics, trains your softmax regression with the defaults, and
# reports the accuracy on the 30 held-out flowers (with a correct solution: above 90 %).

# %%
def load_iris(path="iris.csv"):
    """Iris from the CSV: features (150, 4) float64, labels (150,) int64 and the species names (label order)."""
    rows = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=str)
    species = sorted({str(name) for name in rows[:, 4]})
    return rows[:, :4].astype(np.float64), np.array([species.index(s) for s in rows[:, 4]]), species


def stratified_split(y, test_per_class, seed):
    """Indices (train, test): test_per_class rows of every class for testing, the rest for training."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        test += rows[:test_per_class].tolist()
        train += rows[test_per_class:].tolist()
    return np.sort(train), np.sort(test)


X_iris, y_iris, species = load_iris("iris.csv")
train_idx, test_idx = stratified_split(y_iris, test_per_class=10, seed=453)
print(f"{len(X_iris)} flowers, features {X_iris.shape[1]}, species {species}; {len(train_idx)} for training, {len(test_idx)} held out")

# %%
# Softmax regression on Iris, from scratch: train on 120 flowers, test on the 30 held out.
try:
    X_train, X_test = standardize(X_iris[train_idx], X_iris[test_idx])
    y_train, y_test = y_iris[train_idx], y_iris[test_idx]
    W_iris, b_iris, iris_losses = fit_softmax_regression(X_train, y_train, num_classes=3)
    train_acc = accuracy(y_train, predict_classes(X_train, W_iris, b_iris))
    test_acc = accuracy(y_test, predict_classes(X_test, W_iris, b_iris))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(iris_losses)
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("mean cross-entropy (training)")
    ax.set_title("Softmax regression on Iris")
    plt.show()
    print(f"final training loss {iris_losses[-1]:.4f}; accuracy: training {train_acc:.1%}, held out {test_acc:.1%}")
except NotImplementedError:
    print("Skipped: write the functions of Part 1 above, then re-run this cell.")

# %% [markdown]
# **Your turn (not graded).** Train on the raw (unstandardised) features with the same learning rate: what happens to
# the loss curve? And what goes wrong if you standardise the training and test rows separately, each with its own
# statistics?

# %% [markdown]
# ## Part 2: output layer and loss, chosen together
#
# The last layer's activation and the loss are not independent choices; they come as pairs that match the kind of
# target. With $a$ the output layer's **pre-activations** (net inputs, shape `(n, k)`) and $y$ the targets:
#
# | kind | targets | output $\hat y$ | loss (mean over the $n$ examples) |
# | --- | --- | --- | --- |
# | `"linear_mse"` | real values | $\hat y = a$ | $\frac1n \sum_i \sum_j (a_{ij} - y_{ij})^2$ |
# | `"sigmoid_bce"` | $k$ independent yes/no labels, $y \in \{0, 1\}$ | $\hat y = \sigma(a)$ | $\frac1n \sum_i \sum_j -[y_{ij} \log \hat y_{ij} + (1 - y_{ij}) \log(1 - \hat y_{ij})]$ |
# | `"softmax_ce"` | one of $k$ classes, one-hot $y$ | $\hat y = \mathrm{softmax}(a)$ | $\frac1n \sum_i -\sum_j y_{ij} \log \hat y_{ij}$ |
#
# Note the **sum over the $k$ outputs** and the **mean over the $n$ examples**. PyTorch's losses with their default
# `reduction="mean"` average over all $n \cdot k$ entries instead, which differs by a factor $k$ for the first two.
#
# Backpropagation starts at the output layer with $\delta = \partial \mathcal{L} / \partial a$, the gradient of the
# mean loss with respect to the pre-activations. For these pairs it is remarkably simple. Derive it first.

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_output_pairs", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question 2.** For one example, compute $\partial \mathcal{L} / \partial a_j$ for each of the three pairs.
# Why are `output_delta` for sigmoid + binary cross-entropy and for softmax + cross-entropy both $\hat y - y$ (per
# example), while linear + squared error is a factor 2 away from it? What would go wrong if you used a sigmoid output
# (with squared error or with cross-entropy) for real-valued targets such as house prices?

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_output_pairs", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Linear + squared error.** $\ell = \sum_j (a_j - y_j)^2$, so $\partial \ell / \partial a_j = 2(a_j - y_j) = 2(\hat y_j - y_j)$:
# the 2 comes from differentiating the square (the loss has no $\frac12$ in front); the output's derivative is 1.
#
# **Sigmoid + BCE.** $\ell = -\sum_j [y_j \log \hat y_j + (1 - y_j)\log(1 - \hat y_j)]$ with $\hat y_j = \sigma(a_j)$ and
# $\sigma' = \hat y_j(1 - \hat y_j)$:
# $$\frac{\partial \ell}{\partial a_j} = \Bigl(-\frac{y_j}{\hat y_j} + \frac{1 - y_j}{1 - \hat y_j}\Bigr)\hat y_j(1 - \hat y_j)
# = -y_j(1 - \hat y_j) + (1 - y_j)\hat y_j = \hat y_j - y_j.$$
#
# **Softmax + CE.** Through the softmax Jacobian, $\partial \ell / \partial a_j = -\sum_k y_k(\delta_{kj} - \hat y_j)
# = \hat y_j - y_j$ using $\sum_k y_k = 1$ (written question 1).
#
# **Why they coincide.** In both, the loss is the negative log-likelihood of the output's distribution (Bernoulli,
# categorical), and the output function is that distribution's *canonical link*: the derivative of the log in the loss
# ($1/\hat y$) cancels the derivative of the activation ($\hat y(1 - \hat y)$, or the softmax Jacobian). What is left is
# the error $\hat y - y$. Squared error is the negative log-likelihood of a Gaussian with variance $\frac12$ (up to a
# constant); with the conventional $\frac12 (a - y)^2$ it would be $\hat y - y$ too, here it is $2(\hat y - y)$. With the
# mean over the batch every row is divided by $n$.
#
# **Sigmoid for real targets.** A sigmoid output lies in $(0, 1)$: it cannot represent targets outside that range (a
# price of 250 000 is never reached; the network can only push $a \to \infty$ and saturate), and the BCE is not even
# defined (not a likelihood) for $y \notin [0, 1]$. With squared error the gradient becomes
# $2(\hat y - y)\,\hat y(1 - \hat y)$: the factor $\sigma'$ does not cancel, so a saturated, badly wrong output gets an
# almost-zero gradient and learning stalls.
#
# === BEGIN MARK SCHEME ===
# * 1 point: the three derivatives: $2(a - y)$, $\hat y - y$ (sigmoid + BCE, with the $\sigma'$ step shown),
#   $\hat y - y$ (softmax + CE); the $1/n$ of the batch mean mentioned.
# * 1 point: why the last two coincide: the $1/\hat y$ of the log cancels the activation's derivative (matching /
#   canonical pairs, negative log-likelihood).
# * 1 point: the factor 2 comes from the square (no $\frac12$ in this loss).
# * 1 point: sigmoid for real values: range $(0, 1)$ cannot fit the targets and/or saturation: $\sigma'$ no longer
#   cancels and the gradient vanishes. Either argument, clearly made.
# === END MARK SCHEME ===
# ### END SOLUTION

# %% [markdown]
# ### 2.1 The three losses
#
# `output_loss(kind, a, y)` returns the loss of the table as a float, computed from the pre-activations `a`
# **stably**: never take the log of a probability that may have underflowed to 0.
#
# * `"sigmoid_bce"`: from the logits, $-[y \log \sigma(a) + (1 - y)\log(1 - \sigma(a))] = \max(a, 0) - a y + \log(1 + e^{-|a|})$
#   (check it for $a \ge 0$ and $a < 0$); `np.log1p` computes $\log(1 + t)$ accurately for small $t$.
# * `"softmax_ce"`: the log-softmax of each row, as in 1.3.
#
# Any other `kind` is a `ValueError`.

# %% nbgrader={"grade": false, "grade_id": "solution_output_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def output_loss(kind, a, y):
    """Mean loss of an output layer with pre-activations a (n, k) against targets y (n, k).

    kind: "linear_mse", "sigmoid_bce" or "softmax_ce" (else ValueError). Returns a float: the sum over the k outputs,
    averaged over the n examples. Stable.
    """
    ### BEGIN SOLUTION
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(f"unknown kind {kind!r}: expected 'linear_mse', 'sigmoid_bce' or 'softmax_ce'")
    a, y = np.asarray(a), np.asarray(y)
    floats = [t.dtype for t in (a, y) if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    a, y = a.astype(dtype), y.astype(dtype)
    n = a.shape[0]
    if kind == "linear_mse":
        per_entry = (a - y) ** 2
    elif kind == "sigmoid_bce":
        # BCE from the logit: max(a, 0) - a y + log(1 + exp(-|a|)); exp of a number <= 0 cannot overflow
        per_entry = np.maximum(a, 0) - a * y + np.log1p(np.exp(-np.abs(a)))
    else:
        shifted = a - a.max(axis=1, keepdims=True)
        per_entry = -y * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
    return float(per_entry.sum() / n)
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_output_loss", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing output_loss.
a = np.array([[1.0, 2.0], [3.0, 4.0]])  # n = 2 examples, k = 2 outputs
a_before = a.copy()
mse = output_loss("linear_mse", a, np.zeros((2, 2)))
assert np.ndim(mse) == 0, f"output_loss should return a float; got {type(mse).__name__} of shape {np.shape(mse)}"
assert np.isclose(mse, 15.0), f"linear_mse of a = [[1, 2], [3, 4]] against 0: (1 + 4 + 9 + 16) / n = 30 / 2 = 15 (sum over outputs, mean over examples); got {mse} (7.5 is the mean over all n k entries)"
assert np.array_equal(a, a_before), "output_loss must not modify a"
bce = output_loss("sigmoid_bce", np.zeros((1, 2)), np.array([[1.0, 0.0]]))
assert np.isclose(bce, 2 * np.log(2)), f"sigmoid_bce at a = 0 costs log 2 per output: 2 outputs, 1 example -> 1.38629; got {bce}"
bce = output_loss("sigmoid_bce", np.array([[2.0, -1.0]]), np.array([[1.0, 1.0]]))
assert np.isclose(bce, np.log1p(np.exp(-2.0)) + np.log1p(np.exp(1.0))), f"sigmoid_bce of a = [2, -1], y = [1, 1] should be log(1 + e^-2) + log(1 + e^1) = 1.44018; got {bce}"
ce = output_loss("softmax_ce", np.log(np.array([[0.3792, 0.3104, 0.3104], [0.3072, 0.4147, 0.2780], [0.4263, 0.2248, 0.3490], [0.2668, 0.2978, 0.4354]])), np.eye(3)[[0, 1, 2, 2]])
assert abs(ce - 0.93352) < 5e-5, f"softmax_ce of the lecture's example (logits log A) should be 0.93352; got {ce:.5f}"
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    big_bce = output_loss("sigmoid_bce", np.array([[1e4, -1e4]]), np.array([[0.0, 1.0]]))
    good_bce = output_loss("sigmoid_bce", np.array([[1e4, -1e4]]), np.array([[1.0, 0.0]]))
    big_ce = output_loss("softmax_ce", np.array([[1e4, 0.0, -1e4]]), np.array([[0.0, 0.0, 1.0]]))
assert np.isclose(big_bce, 2e4), f"sigmoid_bce of a = [1e4, -1e4] with the wrong labels [0, 1] costs 1e4 per output, 2e4 in all; got {big_bce} (compute it from the logits)"
assert abs(good_bce) < 1e-6, f"sigmoid_bce of a = [1e4, -1e4] with the right labels [1, 0] should be about 0; got {good_bce}"
assert np.isclose(big_ce, 2e4), f"softmax_ce of logits [1e4, 0, -1e4] with class 2 should be 2e4; got {big_ce}"
for bad in ("mse", "softmax", "cross_entropy"):
    try:
        output_loss(bad, a, np.zeros((2, 2)))
    except ValueError:
        pass
    else:
        raise AssertionError(f"output_loss({bad!r}, ...) should raise ValueError: the kinds are 'linear_mse', 'sigmoid_bce', 'softmax_ce'")
print("output_loss: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_output_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for output_loss run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("output_loss")
### END HIDDEN TESTS

# %% [markdown]
# ### 2.2 The output deltas
#
# `output_delta(kind, a, y)` returns $\delta = \partial \mathcal{L} / \partial a$, shape `(n, k)`, for the mean loss of
# 2.1: $(\hat y - y)/n$ for `"sigmoid_bce"` and `"softmax_ce"`, $2(a - y)/n$ for `"linear_mse"`. Compute $\hat y$
# stably (the sigmoid and softmax of PS1). Any other `kind` is a `ValueError`.

# %% nbgrader={"grade": false, "grade_id": "solution_output_delta", "locked": false, "schema_version": 3, "solution": true, "task": false}
def output_delta(kind, a, y):
    """Gradient of output_loss(kind, a, y) with respect to the pre-activations a.

    Returns an (n, k) array: (y_hat - y) / n for "sigmoid_bce" and "softmax_ce", 2 (a - y) / n for "linear_mse".
    Raises ValueError for any other kind.
    """
    ### BEGIN SOLUTION
    if kind not in ("linear_mse", "sigmoid_bce", "softmax_ce"):
        raise ValueError(f"unknown kind {kind!r}: expected 'linear_mse', 'sigmoid_bce' or 'softmax_ce'")
    a, y = np.asarray(a), np.asarray(y)
    floats = [t.dtype for t in (a, y) if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    a, y = a.astype(dtype), y.astype(dtype)
    n = a.shape[0]
    if kind == "linear_mse":
        return 2 * (a - y) / n
    if kind == "sigmoid_bce":
        e = np.exp(-np.abs(a))  # in (0, 1]: no overflow on either side
        y_hat = np.where(a >= 0, 1 / (1 + e), e / (1 + e))
    else:
        e = np.exp(a - a.max(axis=1, keepdims=True))
        y_hat = e / e.sum(axis=1, keepdims=True)
    return (y_hat - y) / n
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_output_delta", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing output_delta.
# Values by hand, n = 2 examples: a = 0 gives y_hat = 1/2 (sigmoid) or 1/2 per class (softmax over 2 outputs).
a0, y0 = np.zeros((2, 2)), np.array([[1.0, 0.0], [0.0, 1.0]])
for kind, expected in (("linear_mse", [[-1.0, 0.0], [0.0, -1.0]]),    # 2 (a - y) / n
                       ("sigmoid_bce", [[-0.25, 0.25], [0.25, -0.25]]),  # (1/2 - y) / n
                       ("softmax_ce", [[-0.25, 0.25], [0.25, -0.25]])):  # (1/2 - y) / n
    delta = output_delta(kind, a0, y0)
    assert np.allclose(delta, expected), f"{kind}: at a = 0 with y = [[1, 0], [0, 1]] the delta should be {expected}; got {np.round(delta, 5).tolist()}"
# A gradient check (PS1, Part 4): the deltas should agree with centred differences of YOUR output_loss, so make
# its check pass first.
def check_numerical_grad(f, x, h=1e-6):
    """Centred differences of a scalar function f at x (x is restored)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = f()
        x[i] = saved - h
        down = f()
        x[i] = saved
        g[i] = (up - down) / (2 * h)
    return g

rng = np.random.default_rng(1)
a = rng.normal(size=(4, 3))  # n = 4, k = 3
targets = {"linear_mse": rng.normal(size=(4, 3)),
           "sigmoid_bce": rng.integers(0, 2, size=(4, 3)).astype(float),
           "softmax_ce": np.eye(3)[[0, 2, 1, 2]]}
for kind, y in targets.items():
    a_before = a.copy()
    delta = output_delta(kind, a, y)
    assert isinstance(delta, np.ndarray) and delta.shape == (4, 3), f"{kind}: the delta should be shaped like a, (4, 3); got {type(delta).__name__} of shape {np.shape(delta)}"
    assert np.array_equal(a, a_before), f"{kind}: output_delta must not modify a"
    numerical = check_numerical_grad(lambda: output_loss(kind, a, y), a)
    assert np.allclose(delta, numerical, atol=1e-6), f"{kind}: the delta disagrees with the numerical gradient of output_loss:\nexpected {numerical.round(5).tolist()}\ngot      {np.round(delta, 5).tolist()}\n(ratio {np.median(delta / numerical):.3g}: 4 = n means a missing 1/n, 0.5 a missing factor 2)"
# The softmax delta: every row sums to 0 (the probabilities and the one-hot row both sum to 1).
assert np.allclose(output_delta("softmax_ce", a, targets["softmax_ce"]).sum(axis=1), 0.0), "the softmax_ce delta's rows should sum to 0: apply the softmax per ROW"
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    big_s = output_delta("sigmoid_bce", np.array([[1e4, -1e4]]), np.array([[0.0, 0.0]]))
    big_c = output_delta("softmax_ce", np.array([[1e4, 0.0, -1e4]]), np.array([[0.0, 0.0, 1.0]]))
assert np.allclose(big_s, [[1.0, 0.0]]), f"sigmoid_bce delta at a = [1e4, -1e4], y = 0 should be [[1, 0]]; got {big_s.tolist()}"
assert np.allclose(big_c, [[1.0, 0.0, -1.0]]), f"softmax_ce delta at logits [1e4, 0, -1e4], class 2 should be [[1, 0, -1]]; got {big_c.tolist()}"
for bad in ("mse", "tanh_mse", "Softmax_CE"):
    try:
        output_delta(bad, a, targets["softmax_ce"])
    except ValueError:
        pass
    else:
        raise AssertionError(f"output_delta({bad!r}, ...) should raise ValueError: the kinds are 'linear_mse', 'sigmoid_bce', 'softmax_ce'")
print("output_delta: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_output_delta", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for output_delta run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("output_delta")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: backpropagation through a deep network
#
# A network with $L$ layers: `params` is a list of $L$ pairs `(W_l, b_l)` with `W_l` of shape $(d_{l-1}, d_l)$ and
# `b_l` of shape $(d_l,)$, where $d_0$ is the number of input features. With $H_0 = x$,
#
# $$Z_l = H_{l-1} W_l + b_l, \qquad H_l = g(Z_l) \quad (l = 1, \dots, L - 1), \qquad \hat y = H_L = \mathrm{softmax}(Z_L),$$
#
# where the hidden activation $g$ is chosen per call: `"sigmoid"`, `"tanh"` or `"relu"`. The loss is the mean
# cross-entropy against one-hot `y`. With $L = 1$ there is no hidden layer and this is softmax regression.
#
# The derivatives of the activations, written through what the forward pass already has:
# $\sigma'(z) = \sigma(z)(1 - \sigma(z))$, $\tanh'(z) = 1 - \tanh^2(z)$, and $\mathrm{ReLU}'(z) = 1$ for $z > 0$,
# $0$ for $z \le 0$: **at exactly $z = 0$ the derivative is taken to be 0**, as PyTorch does.
#
# **Backpropagation** "talks to" the output layer first, then to each hidden layer in turn, and at each layer to its
# weights:
#
# 1. output layer: $\delta_L = \partial \mathcal{L} / \partial Z_L = (\hat y - y)/n$ (Part 2);
# 2. the weights of layer $l$: $\partial \mathcal{L}/\partial W_l = H_{l-1}^\top \delta_l$ and
#    $\partial \mathcal{L}/\partial b_l = \sum_i (\delta_l)_{i,:}$ (a sum: the $1/n$ is already in $\delta$);
# 3. the layer below: $\delta_{l-1} = (\delta_l W_l^\top) \odot g'(Z_{l-1})$, where $\odot$ is the element-wise product;
# 4. repeat 2–3 from $l = L$ down to $l = 1$.
#
# So the forward pass must keep (*cache*) every $H_l$ (and what $g'$ needs), and the backward pass reuses each
# $\delta_l$ for both the weights of layer $l$ and the next $\delta$.

# %% [markdown] deletable=false editable=false nbgrader={"grade": false, "grade_id": "question_backprop_chain", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Written question 3.** For a network with two hidden layers ($L = 3$), write $\partial \mathcal{L} / \partial W_1$
# as the chain "output layer, then each hidden layer, then the weights": a product of factors from the loss down to
# $W_1$, in the matrix form of the steps above. Which factors does `mlp_grads` compute once and reuse from one layer
# to the next, and why does that make backpropagation cost about as much as one more forward pass?

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_backprop_chain", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# Talk to the output layer: $\delta_3 = \partial \mathcal{L}/\partial Z_3 = (\hat y - y)/n$.
# Then the second hidden layer: $\partial \mathcal{L}/\partial H_2 = \delta_3 W_3^\top$ and
# $\delta_2 = (\delta_3 W_3^\top) \odot g'(Z_2)$. Then the first: $\delta_1 = (\delta_2 W_2^\top) \odot g'(Z_1)$.
# Then the weights: $\partial \mathcal{L}/\partial W_1 = x^\top \delta_1$. In one line,
# $$\frac{\partial \mathcal{L}}{\partial W_1} = x^\top\Bigl(\bigl(\bigl[\tfrac1n(\hat y - y)\bigr] W_3^\top \odot g'(Z_2)\bigr) W_2^\top \odot g'(Z_1)\Bigr),$$
# that is, per element, $\frac{\partial \mathcal{L}}{\partial Z_3}\cdot\frac{\partial Z_3}{\partial H_2}\cdot
# \frac{\partial H_2}{\partial Z_2}\cdot\frac{\partial Z_2}{\partial H_1}\cdot\frac{\partial H_1}{\partial Z_1}\cdot
# \frac{\partial Z_1}{\partial W_1}$ summed over the intermediate units and the examples.
#
# Reused: each $\delta_l$ (the gradient with respect to layer $l$'s pre-activations). $\delta_3$ gives
# $\partial \mathcal{L}/\partial W_3 = H_2^\top \delta_3$ and $\partial/\partial b_3$ and is the start of $\delta_2$;
# $\delta_2$ gives layer 2's gradients and $\delta_1$; and so on. The forward pass's cached $H_l$ (and $Z_l$ or
# $g(Z_l)$ for $g'$) are reused too. Each layer therefore costs a constant number of matrix products (two: $\delta_l
# W_l^\top$ and $H_{l-1}^\top\delta_l$) instead of re-deriving the chain from the loss for every weight, so the backward
# pass costs about as much as (twice) the forward pass, not a factor of the number of layers or weights more.
#
# === BEGIN MARK SCHEME ===
# * 1 point: $\delta_3 = (\hat y - y)/n$ as the start (the output layer).
# * 1 point: the two hidden steps with $W^\top$ and the element-wise $g'(Z)$ in the right order.
# * 1 point: $x^\top \delta_1$ (the transposed input on the left; shapes $(d_0, d_1)$).
# * 1 point: reuse: each $\delta_l$ serves both its layer's weights and the next $\delta$, and the cached
#   activations; cost linear in the number of layers.
# === END MARK SCHEME ===
# ### END SOLUTION

# %% [markdown]
# ### 3.1 The forward pass
#
# `mlp_forward(x, params, activation)` returns $\hat y$, shape $(n, d_L)$. Raise `ValueError` for an activation
# other than the three (even when $L = 1$ and it would not be used), for an empty `params`, and for shapes that do
# not chain (`x` has $d_0$ columns, `W_l` has as many rows as `W_{l-1}` has columns, `b_l` as many entries).

# %% nbgrader={"grade": false, "grade_id": "solution_mlp_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mlp_forward(x, params, activation):
    """Forward pass of a network with hidden activation `activation` and a softmax output.

    x (n, d_0); params: a list of L pairs (W_l (d_{l-1}, d_l), b_l (d_l,)).
    Returns y_hat (n, d_L). Raises ValueError for an unknown activation or shapes that do not chain.
    """
    ### BEGIN SOLUTION
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(f"unknown activation {activation!r}: expected 'sigmoid', 'tanh' or 'relu'")
    if len(params) == 0:
        raise ValueError("params must hold at least one layer (W, b)")
    x = np.asarray(x)
    params = [(np.asarray(W), np.asarray(b)) for W, b in params]
    arrays = [x] + [t for pair in params for t in pair]
    floats = [t.dtype for t in arrays if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    width = x.shape[1] if x.ndim == 2 else None
    for l, (W, b) in enumerate(params, start=1):
        if x.ndim != 2 or W.ndim != 2 or b.shape != (W.shape[1],) or W.shape[0] != width:
            raise ValueError(f"layer {l}: W {W.shape} and b {b.shape} do not chain with an input of width {width}")
        width = W.shape[1]
    H = x.astype(dtype)
    for l, (W, b) in enumerate(params, start=1):
        Z = H @ W.astype(dtype) + b.astype(dtype)
        if l < len(params):
            if activation == "sigmoid":
                e = np.exp(-np.abs(Z))  # stable sigmoid: exp of a number <= 0 only
                H = np.where(Z >= 0, 1 / (1 + e), e / (1 + e))
            elif activation == "tanh":
                H = np.tanh(Z)
            else:
                H = np.maximum(Z, 0)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_mlp_forward", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing mlp_forward.
x = np.array([[1.0, -1.0, 0.5]])                              # n = 1, d_0 = 3
W1, b1 = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), np.array([0.0, 0.0])  # hidden z = [1, -1]
W2, b2 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), np.array([0.0, 0.0, 0.0])  # logits [h_1, h_2, 0]
params = [(W1, b1), (W2, b2)]
x_before, W1_before = x.copy(), W1.copy()
for activation, h, expected in (("sigmoid", [0.73105858, 0.26894142], [[0.47363114, 0.29836324, 0.22800562]]),
                                ("tanh", [0.76159416, -0.76159416], [[0.59349394, 0.12939098, 0.27711507]]),
                                ("relu", [1.0, 0.0], [[0.57611688, 0.21194156, 0.21194156]])):
    y_hat = mlp_forward(x, params, activation)
    assert isinstance(y_hat, np.ndarray) and y_hat.shape == (1, 3), f"{activation}: y_hat should be (n, d_L) = (1, 3); got {type(y_hat).__name__} of shape {np.shape(y_hat)}"
    assert np.allclose(y_hat, expected), f"{activation}: the hidden layer gives {h}, so y_hat should be softmax([{h[0]:.4f}, {h[1]:.4f}, 0]) = {expected}; got {np.round(y_hat, 5).tolist()}"
assert np.array_equal(x, x_before) and np.array_equal(W1, W1_before), "mlp_forward must not modify x or params"
# L = 1 is softmax regression (the activation is not used): compare with your softmax_regression_forward.
rng = np.random.default_rng(2)
X = rng.normal(size=(4, 3))
single = [(rng.normal(size=(3, 2)), rng.normal(size=2))]
assert np.allclose(mlp_forward(X, single, "relu"), softmax_regression_forward(X, *single[0])), "with L = 1 the network is softmax regression: softmax(x W + b), no hidden activation"
# L = 3 on 2 examples (values computed with PyTorch): the activation on BOTH hidden layers, the softmax at the end.
x3 = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0]])
deep = [(np.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]]), np.array([0.0, 0.5])),
        (np.array([[1.0, 0.5], [-1.0, 1.0]]), np.array([0.1, 0.0])),
        (np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]]), np.array([0.0, 0.0, 0.5]))]
for activation, expected in (("sigmoid", [[0.28764892, 0.35517565, 0.35717543], [0.35011031, 0.34633105, 0.30355865]]),
                             ("tanh", [[0.12103086, 0.26373142, 0.61523773], [0.72578142, 0.16410898, 0.1101096]]),
                             ("relu", [[0.18632372, 0.30719589, 0.50648039], [0.42692783, 0.30085096, 0.27222121]])):
    y_deep = mlp_forward(x3, deep, activation)
    assert np.shape(y_deep) == (2, 3), f"L = 3, {activation}: 2 examples and 3 outputs should give shape (2, 3); got {np.shape(y_deep)}"
    assert np.allclose(y_deep, expected), f"L = 3, {activation}: y_hat should be {expected}; got {np.round(y_deep, 5).tolist()} (the activation on both hidden layers, the softmax only after the last)"
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    for activation in ("sigmoid", "tanh", "relu"):
        big = mlp_forward(np.array([[1.0]]), [(np.array([[1e4, -1e4]]), np.zeros(2)), (np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros(2))], activation)
        assert np.all(np.isfinite(big)), f"{activation}: pre-activations of +-1e4 should give finite outputs; got {big}"
for bad_activation, bad_params in (("softmax", single), ("Relu", deep), ("relu", [(np.ones((2, 2)), np.zeros(2))]),
                                   ("relu", [(np.ones((3, 4)), np.zeros(4)), (np.ones((5, 2)), np.zeros(2))]),
                                   ("relu", [(np.ones((3, 4)), np.zeros(1)), (np.ones((4, 2)), np.zeros(2))])):  # b_1 should be (4,)
    try:
        mlp_forward(X, bad_params, bad_activation)
    except ValueError:
        pass
    else:
        shapes = [(W.shape, b.shape) for W, b in bad_params]
        raise AssertionError(f"mlp_forward(x of shape {X.shape}, params of shapes {shapes}, {bad_activation!r}) should raise ValueError")
assert mlp_forward(X.astype(np.float32), [(W.astype(np.float32), b.astype(np.float32)) for W, b in deep], "relu").dtype == np.float32, "float32 inputs should give a float32 output"
print("mlp_forward: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_mlp_forward", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for mlp_forward run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("mlp_forward")
### END HIDDEN TESTS

# %% [markdown]
# ### 3.2 The backward pass
#
# `mlp_grads(x, y, params, activation)` returns a list of $L$ pairs `(dW_l, db_l)`, each shaped like its parameter:
# the gradients of the mean cross-entropy, by the backpropagation steps above (no automatic differentiation). Do the
# forward pass again inside, keeping what the backward pass needs, then walk the layers from $L$ down to 1. Raise
# `ValueError` as `mlp_forward` does.

# %% nbgrader={"grade": false, "grade_id": "solution_mlp_grads", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mlp_grads(x, y, params, activation):
    """Gradients of the mean cross-entropy of mlp_forward(x, params, activation) against one-hot y, by backpropagation.

    Returns a list of L pairs (dW_l, db_l) shaped like params. Raises ValueError as mlp_forward does.
    """
    ### BEGIN SOLUTION
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError(f"unknown activation {activation!r}: expected 'sigmoid', 'tanh' or 'relu'")
    if len(params) == 0:
        raise ValueError("params must hold at least one layer (W, b)")
    x, y = np.asarray(x), np.asarray(y)
    params = [(np.asarray(W), np.asarray(b)) for W, b in params]
    arrays = [x, y] + [t for pair in params for t in pair]
    floats = [t.dtype for t in arrays if t.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.float64
    width = x.shape[1] if x.ndim == 2 else None
    for l, (W, b) in enumerate(params, start=1):
        if x.ndim != 2 or W.ndim != 2 or b.shape != (W.shape[1],) or W.shape[0] != width:
            raise ValueError(f"layer {l}: W {W.shape} and b {b.shape} do not chain with an input of width {width}")
        width = W.shape[1]
    if y.shape != (x.shape[0], width):
        raise ValueError(f"y should have shape {(x.shape[0], width)}; got {y.shape}")
    Ws = [W.astype(dtype) for W, _ in params]
    bs = [b.astype(dtype) for _, b in params]
    # forward, caching every layer's input H_{l-1} and each hidden layer's g'(Z_l)
    H, inputs, slopes = x.astype(dtype), [], []
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        inputs.append(H)
        Z = H @ W + b
        if l < len(Ws):
            if activation == "sigmoid":
                e = np.exp(-np.abs(Z))
                H = np.where(Z >= 0, 1 / (1 + e), e / (1 + e))
                slopes.append(H * (1 - H))
            elif activation == "tanh":
                H = np.tanh(Z)
                slopes.append(1 - H * H)
            else:
                H = np.maximum(Z, 0)
                slopes.append((Z > 0).astype(dtype))  # ReLU'(0) = 0, as PyTorch
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    y_hat = E / E.sum(axis=1, keepdims=True)
    # backward: the output layer, then each hidden layer, each delta used for its weights and the next delta
    delta = (y_hat - y.astype(dtype)) / x.shape[0]
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = (inputs[l].T @ delta, delta.sum(axis=0))
        if l > 0:
            delta = (delta @ Ws[l].T) * slopes[l - 1]
    return grads
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_mlp_grads", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing mlp_grads.
# A gradient check (PS1, Part 4): the gradients should agree with centred differences of the mean cross-entropy of
# YOUR mlp_forward, so make its check pass first.
def check_mlp_loss(x, y, params, activation):
    return -(y * np.log(mlp_forward(x, params, activation))).sum(axis=1).mean()

def check_numerical_grad(f, x, h=1e-6):
    """Centred differences of a scalar function f at x (x is restored)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = f()
        x[i] = saved - h
        down = f()
        x[i] = saved
        g[i] = (up - down) / (2 * h)
    return g

rng = np.random.default_rng(3)
x = rng.normal(size=(5, 3))
y = np.eye(2)[[0, 1, 1, 0, 1]]
# [3, 4, 4, 2]: two hidden layers of one width, so each layer's activation slope must be its own (shapes cannot tell)
for widths in ([3, 2], [3, 4, 2], [3, 4, 3, 2], [3, 4, 4, 2]):  # L = 1, 2, 3, 3
    params = [(rng.normal(size=(i, o)), rng.normal(size=o)) for i, o in zip(widths, widths[1:])]
    for activation in ("sigmoid", "tanh", "relu"):
        before = [(W.copy(), b.copy()) for W, b in params]
        grads = mlp_grads(x, y, params, activation)
        L = len(params)
        assert isinstance(grads, list) and len(grads) == L, f"L = {L}, {activation}: mlp_grads should return a list of {L} pairs (dW, db); got {type(grads).__name__} of length {len(grads) if hasattr(grads, '__len__') else '?'}"
        assert all(np.array_equal(W, W0) and np.array_equal(b, b0) for (W, b), (W0, b0) in zip(params, before)), f"L = {L}, {activation}: mlp_grads must not modify params"
        for l, ((W, b), (dW, db)) in enumerate(zip(params, grads), start=1):
            assert np.shape(dW) == W.shape and np.shape(db) == b.shape, f"L = {L}, {activation}, layer {l}: dW should be {W.shape} and db {b.shape}; got {np.shape(dW)} and {np.shape(db)}"
            dW_num = check_numerical_grad(lambda: check_mlp_loss(x, y, params, activation), W)
            db_num = check_numerical_grad(lambda: check_mlp_loss(x, y, params, activation), b)
            assert np.allclose(dW, dW_num, atol=1e-6), f"L = {L}, {activation}, layer {l}: dW disagrees with the numerical gradient:\nexpected {dW_num.round(5).tolist()}\ngot      {np.round(dW, 5).tolist()}"
            assert np.allclose(db, db_num, atol=1e-6), f"L = {L}, {activation}, layer {l}: db disagrees with the numerical gradient: expected {db_num.round(5).tolist()}, got {np.round(db, 5).tolist()} (db is the SUM over rows of delta, whose 1/n is already in it)"
# ReLU at exactly 0: hidden unit 0 gets z = 0 for every example, so its derivative is 0 and its weights get no gradient.
W1 = rng.normal(size=(3, 2))
W1[:, 0] = 0.0
params = [(W1, np.zeros(2)), (rng.normal(size=(2, 2)), np.zeros(2))]
(dW1, db1), _ = mlp_grads(x, y, params, "relu")
assert db1[0] == 0.0 and np.all(dW1[:, 0] == 0.0), f"a ReLU unit whose pre-activation is exactly 0 has derivative 0 (as PyTorch): db1[0] and dW1[:, 0] should be 0; got db1[0] = {db1[0]:.5f}, dW1[:, 0] = {np.round(dW1[:, 0], 5).tolist()} (use z > 0, not z >= 0)"
# Large pre-activations: saturated units, no warnings
with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
    for activation in ("sigmoid", "tanh", "relu"):
        big = mlp_grads(np.array([[1.0]]), np.array([[0.0, 1.0]]), [(np.array([[1e4, -1e4]]), np.zeros(2)), (np.eye(2), np.zeros(2))], activation)
        assert all(np.all(np.isfinite(g)) for pair in big for g in pair), f"{activation}: pre-activations of +-1e4 should give finite gradients"
for bad_activation, bad_params in (("softmax", params[:1]), ("relu", [(np.ones((2, 2)), np.zeros(2))]),
                                   ("relu", [(np.ones((3, 2)), np.zeros(1)), (np.ones((2, 2)), np.zeros(2))])):  # b_1 should be (2,)
    try:
        mlp_grads(x, y, bad_params, bad_activation)
    except ValueError:
        pass
    else:
        raise AssertionError(f"mlp_grads with activation {bad_activation!r} and params of shapes {[(W.shape, b.shape) for W, b in bad_params]} should raise ValueError")
print("mlp_grads: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_mlp_grads", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for mlp_grads run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("mlp_grads")
### END HIDDEN TESTS

# %% [markdown]
# **Your turn (not graded).** Train a two-hidden-layer network on the standardised Iris features with your
# `mlp_grads` and plain gradient descent (start from small random weights, e.g. `0.1 * rng.normal(size=...)`, not
# zeros: why?). Compare `"sigmoid"` and `"relu"`.

# %% [markdown]
# ## Part 4: the same classifier in PyTorch
#
# PyTorch does the backward pass for you (autograd) and the batching (`DataLoader`). This part trains a network with
# one hidden layer of ReLUs on Iris, **mini-batch** by mini-batch, on the GPU when there is one.
#
# Tensors: `X` is a `float32` CPU tensor `(n, d_in)`, `y` an `int64` CPU tensor `(n,)` of class indices (what
# `torch.nn.functional.cross_entropy` wants, no one-hot).
#
# ### 4.1 The model
#
# `build_classifier(d_in, hidden, d_out)` returns `Linear(d_in, hidden)` → `ReLU` → `Linear(hidden, d_out)` as a
# `torch.nn.Module` (`torch.nn.Sequential` chains them). It returns **logits**: no softmax at the end, since
# `torch.nn.functional.cross_entropy` applies the log-softmax itself, stably (Part 1.3). Leave PyTorch's default
# initialisation.

# %% nbgrader={"grade": false, "grade_id": "solution_build_classifier", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_classifier(d_in, hidden, d_out):
    """Linear(d_in, hidden) -> ReLU -> Linear(hidden, d_out), returning logits, as a torch.nn.Module."""
    ### BEGIN SOLUTION
    return torch.nn.Sequential(
        torch.nn.Linear(d_in, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, d_out),  # logits: the loss applies the log-softmax
    )
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_build_classifier", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing build_classifier.
torch.manual_seed(0)
model = build_classifier(4, 16, 3)
assert isinstance(model, torch.nn.Module), f"build_classifier should return a torch.nn.Module; got {type(model).__name__}"
n_params = sum(p.numel() for p in model.parameters())
assert n_params == (4 + 1) * 16 + (16 + 1) * 3, f"Linear(4, 16) and Linear(16, 3) have (4 + 1) 16 + (16 + 1) 3 = 131 parameters; got {n_params}"
out = model(torch.randn(5, 4)).detach()
assert tuple(out.shape) == (5, 3), f"a batch of 5 rows should give 5 rows of 3 logits, shape (5, 3); got {tuple(out.shape)}"
assert not torch.allclose(out.sum(dim=1), torch.ones(5)), "the model should return logits, not probabilities: drop the softmax at the end"
linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
assert [(m.in_features, m.out_features) for m in linears] == [(4, 16), (16, 3)], f"the layers should be Linear(4, 16) and Linear(16, 3); got {[(m.in_features, m.out_features) for m in linears]}"
assert any(isinstance(m, torch.nn.ReLU) for m in model.modules()), "the hidden layer should use a ReLU (torch.nn.ReLU)"
print("build_classifier: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_build_classifier", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for build_classifier run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("build_classifier")
### END HIDDEN TESTS

# %% [markdown]
# ### 4.2 Evaluating
#
# `evaluate(model, X, y, device)` returns the accuracy of the model's predictions, the arg-max of its logits, on
# `device`, as a Python `float`. Switch the model to evaluation mode (`model.eval()`: dropout and batch
# normalisation behave differently while training), move the model and `X` (and `y`) to `device`, compute without
# recording a graph (`torch.no_grad()`), and turn the result into a Python number with `.item()`.

# %% nbgrader={"grade": false, "grade_id": "solution_evaluate", "locked": false, "schema_version": 3, "solution": true, "task": false}
def evaluate(model, X, y, device):
    """Accuracy (a Python float) of the arg-max of model(X) against the labels y, computed on device."""
    ### BEGIN SOLUTION
    model.to(device)
    model.eval()
    with torch.no_grad():
        predictions = model(X.to(device)).argmax(dim=1)
        return (predictions == y.to(device)).float().mean().item()
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_evaluate", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing evaluate.
# A hand-made model whose logits are the inputs themselves: the prediction is the arg-max of each row of X.
identity = torch.nn.Linear(3, 3)
with torch.no_grad():
    identity.weight.copy_(torch.eye(3))
    identity.bias.zero_()
X = torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.0, 0.0, 3.0], [5.0, 0.0, 1.0]])
y = torch.tensor([0, 1, 0, 0])
acc = evaluate(identity, X, y, "cpu")
assert isinstance(acc, float), f"evaluate should return a Python float (use .item()); got {type(acc).__name__}"
assert abs(acc - 0.75) < 1e-6, f"the arg-max of the rows is [0, 1, 2, 0] against labels [0, 1, 0, 0]: accuracy 0.75; got {acc} (arg-max over dim 1, the classes)"
assert evaluate(identity, X, torch.tensor([0, 1, 2, 0]), "cpu") == 1.0, "all four predictions right should give 1.0"

class TrainingModeProbe(torch.nn.Module):
    """The identity's logits in evaluation mode, their negation in training mode: a model that, like one with dropout
    or batch norm, predicts differently in the two modes."""
    def __init__(self):
        super().__init__()
        self.identity = identity
    def forward(self, inputs):
        logits = self.identity(inputs)
        return -logits if self.training else logits

probe_acc = evaluate(TrainingModeProbe(), X, y, "cpu")
assert abs(probe_acc - 0.75) < 1e-6, f"a model that predicts differently in training mode gave accuracy {probe_acc} (0.75 in evaluation mode, 0.25 in training mode): call model.eval() before predicting"
print("evaluate: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_evaluate", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for evaluate run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("evaluate")
### END HIDDEN TESTS

# %% [markdown]
# ### 4.3 Training batch-wise with a `DataLoader`
#
# `train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0)` trains `model` in place:
#
# 1. move the model to `device`; make a `torch.optim.SGD` optimizer over its parameters with learning rate `lr`;
# 2. wrap the data in a `torch.utils.data.TensorDataset(X, y)` and a `torch.utils.data.DataLoader` with
#    `batch_size=batch_size`, `shuffle=True` and `generator=torch.Generator().manual_seed(seed)` (created once: each
#    epoch then draws a new order, and the same `seed` the same orders);
# 3. every epoch: for each mini-batch, move it to `device`, compute the mean cross-entropy **from the logits**
#    (`torch.nn.functional.cross_entropy`), reset the gradients, backpropagate, step. Record the epoch's loss as the
#    mean of the mini-batch losses, each taken *before* its update and weighted by the batch's number of rows; after
#    the epoch, record the accuracy on the whole training set, as `evaluate` computes it.
#
# Return `(losses, accuracies)`: two lists of `epochs` Python floats. (`evaluate` switches the model to evaluation
# mode: switch it back with `model.train()` at the start of every epoch.)

# %% nbgrader={"grade": false, "grade_id": "solution_train_classifier", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_classifier(model, X, y, *, device, epochs=50, batch_size=16, lr=0.1, seed=0):
    """Train model in place with mini-batch SGD on the mean cross-entropy from logits, on device.

    Returns (losses, accuracies): per epoch, the example-weighted mean of the mini-batch losses (each before its
    update) and the accuracy on all of X after the epoch.
    """
    ### BEGIN SOLUTION
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(X, y), batch_size=batch_size, shuffle=True,
        generator=torch.Generator().manual_seed(seed))  # one generator: a new order every epoch
    losses, accuracies = [], []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)  # weight by the batch size
        losses.append(total / len(y))
        accuracies.append(evaluate(model, X, y, device))
    return losses, accuracies
    ### END SOLUTION


# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "check_train_classifier", "locked": true, "points": 0, "schema_version": 3, "solution": false, "task": false}
# Check your work: run this cell after writing train_classifier.
import copy

g = torch.Generator().manual_seed(0)
X = torch.randn(10, 4, generator=g)
y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
torch.manual_seed(0)
start = build_classifier(4, 8, 3)

def record_batches(model, batches):
    """A forward hook that records every input batch the model sees (during training and evaluation)."""
    return model.register_forward_hook(lambda module, inputs, output: batches.append(inputs[0].detach().cpu().clone()))

# 1. The mini-batches and the recorded loss: with lr = 0 nothing changes, so each epoch's loss is the mean
#    cross-entropy of the starting model over all 10 rows, and its accuracy that of the starting model.
model, batches = copy.deepcopy(start), []
hook = record_batches(model, batches)
result = train_classifier(model, X, y, device="cpu", epochs=2, batch_size=4, lr=0.0, seed=1)
hook.remove()
assert isinstance(result, tuple) and len(result) == 2, f"train_classifier should return (losses, accuracies); got {type(result).__name__}"
losses, accuracies = result
assert isinstance(losses, list) and len(losses) == 2 and isinstance(accuracies, list) and len(accuracies) == 2, f"two epochs should give two losses and two accuracies; got {losses!r} and {accuracies!r}"
assert all(isinstance(v, float) for v in losses + accuracies), f"losses and accuracies should be Python floats; got {[type(v).__name__ for v in losses + accuracies]}"
training_batches = [b for b in batches if len(b) < 10]  # evaluate's calls see all 10 rows at once
sizes = [len(b) for b in training_batches]
assert sizes == [4, 4, 2, 4, 4, 2], f"10 rows in mini-batches of at most 4 should give sizes [4, 4, 2] in each of the 2 epochs; got {sizes}"
epoch1, epoch2 = torch.cat(training_batches[:3]), torch.cat(training_batches[3:])
for epoch in (epoch1, epoch2):
    assert sorted(epoch.tolist()) == sorted(X.tolist()), "every epoch should visit every row of X exactly once"
assert not torch.equal(epoch1, epoch2), "reshuffle every epoch: both epochs visited the rows in the same order (create the generator once, before the first epoch)"
with torch.no_grad():
    full = torch.nn.functional.cross_entropy(start(X), y).item()
    start_acc = (start(X).argmax(dim=1) == y).float().mean().item()
assert np.allclose(losses, [full, full], rtol=1e-5), f"with lr = 0 each epoch's loss should be the mean cross-entropy over all 10 rows, {full:.6f} (weight each batch's loss by its size); got {losses}"
assert np.allclose(accuracies, [start_acc, start_acc]), f"with lr = 0 each epoch's accuracy should be the starting model's on all rows, {start_acc}; got {accuracies}"

# 2. The same seed gives the same batches; another seed another order.
def batch_order(seed):
    model, seen = copy.deepcopy(start), []
    hook = record_batches(model, seen)
    train_classifier(model, X, y, device="cpu", epochs=2, batch_size=4, lr=0.0, seed=seed)
    hook.remove()
    return [b for b in seen if len(b) < 10]
again = batch_order(1)
assert all(torch.equal(a, b) for a, b in zip(training_batches, again)), "the same seed should give the same mini-batches (seed a torch.Generator with it)"
assert not all(torch.equal(a, b) for a, b in zip(training_batches, batch_order(2))), "seeds 1 and 2 gave the same mini-batches: shuffle with a generator seeded with `seed`"

# 3. The updates: with batch_size = 10 each epoch is one plain SGD step on the mean cross-entropy of all rows.
model = copy.deepcopy(start)
losses, accuracies = train_classifier(model, X, y, device="cpu", epochs=2, batch_size=10, lr=0.5, seed=1)
expected_model, expected_losses, expected_accuracies = copy.deepcopy(start), [], []
for _ in range(2):
    loss = torch.nn.functional.cross_entropy(expected_model(X), y)
    expected_losses.append(loss.item())  # taken before the step
    steps = torch.autograd.grad(loss, list(expected_model.parameters()))
    with torch.no_grad():
        for p, step in zip(expected_model.parameters(), steps):
            p -= 0.5 * step
        expected_accuracies.append((expected_model(X).argmax(dim=1) == y).float().mean().item())  # after the step
assert np.allclose(losses, expected_losses, rtol=1e-5), f"two full-batch epochs at lr = 0.5 should record the losses {expected_losses} (each before its step, cross-entropy from the logits); got {losses}"
for p, q in zip(model.parameters(), expected_model.parameters()):
    assert torch.allclose(p.detach().cpu(), q.detach(), atol=1e-6), "after two plain SGD steps (lr = 0.5, mean cross-entropy, gradients reset before each step) the parameters differ from the expected ones"
assert np.allclose(accuracies, expected_accuracies), f"each epoch's accuracy should be measured on all rows AFTER that epoch's updates: {expected_accuracies}; got {accuracies}"
print("train_classifier: visible checks passed")

# %% deletable=false editable=false nbgrader={"grade": true, "grade_id": "grade_train_classifier", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The hidden tests for train_classifier run here when your notebook is graded.
### BEGIN HIDDEN TESTS
from autograder.notebook import grade_cell
grade_cell("train_classifier")
### END HIDDEN TESTS

# %% [markdown]
# ### 4.4 Iris in PyTorch
#
# The cell below trains a classifier with 16 hidden units on the same 120 standardised training flowers as Part 1, on
# the GPU if there is one, and plots the loss and the training accuracy of every epoch. The held-out accuracy is
# measured on the 30 other flowers (with a correct solution: above 90 %).

# %%
# Plot: the PyTorch classifier on Iris, loss and accuracy per epoch.
device = "cuda" if torch.cuda.is_available() else "cpu"
try:
    X_train, X_test = standardize(X_iris[train_idx], X_iris[test_idx])
    X_train_t = torch.tensor(X_train, dtype=torch.float32)
    X_test_t = torch.tensor(X_test, dtype=torch.float32)
    y_train_t = torch.tensor(y_iris[train_idx], dtype=torch.int64)
    y_test_t = torch.tensor(y_iris[test_idx], dtype=torch.int64)
    torch.manual_seed(0)
    iris_model = build_classifier(4, 16, 3)
    epoch_losses, epoch_accuracies = train_classifier(iris_model, X_train_t, y_train_t, device=device, seed=0)
    held_out = evaluate(iris_model, X_test_t, y_test_t, device)
    epochs = range(1, len(epoch_losses) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
    ax_loss.plot(epochs, epoch_losses, marker=".")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean cross-entropy (training)")
    ax_acc.plot(epochs, epoch_accuracies, marker=".", color="C1")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("training accuracy")
    fig.suptitle(f"Iris, Linear(4, 16) -> ReLU -> Linear(16, 3) on {device}")
    plt.show()
    print(f"device: {device}; final loss {epoch_losses[-1]:.4f}; accuracy: training {epoch_accuracies[-1]:.1%}, held out {held_out:.1%}")
except NotImplementedError:
    print("Skipped: write standardize and the functions of Part 4 above, then re-run this cell.")

# %% [markdown]
# **Your turn (not graded).** Compare the held-out accuracy with softmax regression's in Part 1. Does the hidden layer
# help on Iris? Try `batch_size=120` (full batch) and `batch_size=1`: how do the curves change?

# %% [markdown]
# ## Before you submit
#
# * *Kernel → Restart & Run All*: every "Check your work" cell should print `... visible checks passed`, and no cell
#   should fail.
# * Every written answer cell should contain your answer, not `YOUR ANSWER HERE`.
# * Do not leave slow experiments at the top level of the notebook: the whole notebook is run when it is graded.
