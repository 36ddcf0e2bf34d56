"""PS1 part 5: the majority dataset, the model, mini-batch training (on CUDA when there is one), predict.

Training runs in the worker through harness operations: the student's ``train`` trains the GRADER's
model (Linear + sigmoid that records every batch it sees) on the grader's dataset, and the parent
judges what came back: the losses, the trained parameters (classified here by the grader's own
forward pass), and the batches (rows, devices, which strings, their loss before the update).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.codec import TensorInfo
from autograder.suitelib import checks
from . import oracle
from autograder.suitelib.devices import DEVICES, auto_device, missing, require_device
from autograder.suitelib.calls import both, run_both

N_BITS = 10
N = 2 ** N_BITS
TRAIN_TIMEOUT = 120.0  # seconds for one harness call that trains (CUDA start-up included)


# ------------------------------------------------------------------ majority_dataset: 3 points


def grade_dataset(student, reference, n_bits: int | None) -> None:
    n = N_BITS if n_bits is None else n_bits
    where = "majority_dataset()" if n_bits is None else f"majority_dataset({n_bits})"
    args = () if n_bits is None else (n_bits,)

    def judge(reply, who):
        X, y = checks.check_pair(reply.value, where=where, names="(X, y)")
        X = checks.check_tensor(X, fn="majority_dataset", where=f"X of {where}")
        y = checks.check_tensor(y, fn="majority_dataset", where=f"y of {where}")
        for name, t, shape in (("X", X, (2 ** n, n)), ("y", y, (2 ** n,))):
            if t.dtype != "float32":
                raise AssertionError(f"{name} of {where} has dtype {t.dtype}; expected float32.")
            if t.shape != shape:
                raise AssertionError(f"{name} of {where} has shape {t.shape}; expected {shape}.")
        xv, yv = X.values.astype(np.float64), y.values.astype(np.float64)
        if not np.all((xv == 0) | (xv == 1)):
            raise AssertionError(f"X of {where} holds values other than 0 and 1.")
        ids = (xv @ (2.0 ** np.arange(n))).astype(np.int64)
        if np.unique(ids).size != 2 ** n:
            raise AssertionError(f"X of {where} holds {np.unique(ids).size} different bit strings; expected all "
                                 f"{2 ** n}, each once.")
        expected = oracle.majority_labels(xv)
        wrong = np.flatnonzero(yv != expected)
        if wrong.size:
            i = int(wrong[0])
            bits = "".join(str(int(b)) for b in xv[i])
            raise AssertionError(f"y of {where} labels the string {bits} (row {i}) {yv[i]:g}, expected "
                                 f"{expected[i]:g} (1 iff more ones than zeros; a tie is 0).")

    both(student, reference, "majority_dataset", args, judge)


@pytest.mark.grade(points=1, visibility="visible")
def test_majority_dataset_visible(student, reference):
    """majority_dataset: majority_dataset(4) has the 16 strings of 4 bits and their labels"""
    grade_dataset(student, reference, 4)


@pytest.mark.grade(points=1, visibility="hidden")
def test_majority_dataset_default(student, reference):
    """majority_dataset: the default n_bits = 10 gives all 1024 strings, each once, labelled"""
    grade_dataset(student, reference, None)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_majority_dataset_odd(student, reference):
    """majority_dataset: an odd number of bits (n_bits = 7)"""
    grade_dataset(student, reference, 7)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_majority_dataset_tiny(student, reference):
    """majority_dataset: n_bits = 1 and 2 (ties are 0)"""
    grade_dataset(student, reference, 1)
    grade_dataset(student, reference, 2)


# ------------------------------------------------------------------ build_model: 3 points


def grade_model(student, reference, rng, n_bits: int, batch: int, scale: float = 1.0,
                backward: bool = False) -> None:
    where = f"build_model({n_bits})"
    on = "" if scale == 1.0 else f" times {scale:g}"
    seed = int(rng.integers(0, 2 ** 31))

    def judge(report, who):
        missing(report, "build_model")
        if not report["module"]:
            raise AssertionError(f"{where} returned {report['type']}; expected a torch.nn.Module.")
        out = report["output"]
        call = f"the model of {where} on a batch of {batch} bit strings{on}"
        if not isinstance(out, TensorInfo):
            raise AssertionError(f"{call} returned {checks.type_text(out)}; expected a tensor.")
        if out.shape != (batch,):
            raise AssertionError(f"{call} returned shape {out.shape}; expected ({batch},).")
        if out.dtype != "float32":
            raise AssertionError(f"{call} returned dtype {out.dtype}; expected float32.")
        v = out.values.astype(np.float64)
        if not np.all(np.isfinite(v)) or np.any(v < 0) or np.any(v > 1):
            bad = v[~(np.isfinite(v) & (v >= 0) & (v <= 1))][0]
            raise AssertionError(f"{call} returned {checks.num(bad)}; expected probabilities in [0, 1] "
                                 "(a sigmoid output).")
        if backward and report["backward"]:
            raise AssertionError(f"back-propagating through the model of {where}: {report['backward']}.")

    run_both(student, reference, "model_report", judge, label="build_model", n_bits=n_bits, batch=batch,
             seed=seed, scale=scale, timeout=TRAIN_TIMEOUT)


@pytest.mark.grade(points=1, visibility="visible")
def test_build_model_visible(student, reference, rng):
    """build_model: build_model(10) maps a batch (8, 10) to 8 probabilities"""
    grade_model(student, reference, rng, 10, 8)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_build_model_one_example(student, reference, rng):
    """build_model: a batch of one string gives shape (1,)"""
    grade_model(student, reference, rng, 6, 1)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_build_model_other_sizes(student, reference, rng):
    """build_model: other numbers of bits (3 and 17)"""
    grade_model(student, reference, rng, 3, 5)
    grade_model(student, reference, rng, 17, 9)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_build_model_probabilities(student, reference, rng):
    """build_model: outputs stay in [0, 1] even for inputs scaled by 100 (a sigmoid output)"""
    grade_model(student, reference, rng, 10, 32, scale=100.0)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_build_model_trainable(student, reference, rng):
    """build_model: has trainable parameters that get finite, nonzero gradients"""
    grade_model(student, reference, rng, 10, 16, backward=True)


# ------------------------------------------------------------------ train: 7 points


def initial_parameters(rng) -> tuple[np.ndarray, np.ndarray]:
    """Like torch.nn.Linear's default initialisation, drawn from this test's rng."""
    bound = 1.0 / math.sqrt(N_BITS)
    return (rng.uniform(-bound, bound, N_BITS).astype(np.float32),
            rng.uniform(-bound, bound, 1).astype(np.float32))


def train_call(hyper: dict, device: str) -> str:
    args = ", ".join([f"device={device!r}"] + [f"{k}={v!r}" for k, v in hyper.items()])
    return f"train(model, X, y, {args})"


def check_losses(losses, *, where: str, epochs: int) -> list[float]:
    if type(losses) is not list:
        raise AssertionError(f"{where} returned {checks.type_text(losses)}; expected a list of per-epoch losses.")
    if len(losses) != epochs:
        raise AssertionError(f"{where} returned {len(losses)} losses; expected one per epoch, {epochs}.")
    out = []
    for i, v in enumerate(losses):
        if isinstance(v, TensorInfo):
            raise AssertionError(f"{where} returned a tensor as the loss of epoch {i}; expected a number "
                                 "(use loss.item()).")
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise AssertionError(f"{where} returned {checks.type_text(v)} as the loss of epoch {i}; expected a number.")
        try:
            value = float(v)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            raise AssertionError(f"{where}: the loss of epoch {i} is {value}; expected a finite number.")
        out.append(value)
    return out


def check_learned(run: dict, *, where: str, w0: np.ndarray, b0: np.ndarray) -> None:
    """The grader's own forward pass with the trained parameters classifies at least 97 % of the strings."""
    w, b = run["weight"], run["bias"]
    if np.array_equal(w, w0) and np.array_equal(b, b0):
        raise AssertionError(f"{where} did not change the parameters of the model it was given "
                             "(did it train a copy?).")
    X = oracle.all_bit_strings(N_BITS)
    p = oracle.grader_model_probabilities(w, b, X)
    accuracy = float(np.mean((p > 0.5) == (oracle.majority_labels(X) == 1)))
    if not accuracy >= 0.97:
        raise AssertionError(f"after {where} the model classifies {accuracy:.1%} of the {N} strings correctly; "
                             "expected at least 97 %.")


def trained_batches(run: dict, *, where: str) -> list[dict]:
    batches = [b for b in run["batches"] if b["backward"]]
    if not batches:
        raise AssertionError(f"{where} never back-propagated a loss through the model it was given.")
    return batches


def check_devices(batches: list[dict], *, where: str, device: str) -> None:
    for i, b in enumerate(batches):
        if b["input_device"] != device:
            raise AssertionError(f"{where}: training batch {i} was on {b['input_device']}; expected {device}.")
        if b["param_device"] != device:
            raise AssertionError(f"{where}: the model was on {b['param_device']} for training batch {i}; "
                                 f"expected {device}.")


def split_epochs(batches: list[dict], *, where: str, epochs: int, batch_size: int) -> list[list[dict]]:
    """The training batches grouped by epoch: each epoch is every string once, in ceil(N / batch_size)
    mini-batches of at most batch_size rows."""
    for i, b in enumerate(batches):
        if b["rows"] > batch_size:
            raise AssertionError(f"{where} trained on a batch of {b['rows']} rows (batch {i}); expected at most "
                                 f"batch_size = {batch_size}.")
    total = sum(b["rows"] for b in batches)
    if total != epochs * N:
        raise AssertionError(f"{where} trained on {total} rows in {len(batches)} batches; expected each of the "
                             f"{N} strings once per epoch, {epochs * N} rows.")
    per_epoch = math.ceil(N / batch_size)
    groups, current, rows = [], [], 0
    for b in batches:
        current.append(b)
        rows += b["rows"]
        if rows >= N:
            if rows != N:
                raise AssertionError(f"{where}: a batch straddles the end of epoch {len(groups)}; expected each "
                                     f"epoch to cover the {N} strings exactly.")
            groups.append(current)
            current, rows = [], 0
    for e, group in enumerate(groups):
        ids = np.concatenate([np.asarray(b["ids"]).reshape(-1) for b in group])
        if np.unique(ids).size != N:
            raise AssertionError(f"{where}: epoch {e} trained on {np.unique(ids).size} different strings; "
                                 f"expected all {N}, each once.")
        if len(group) != per_epoch:
            raise AssertionError(f"{where}: epoch {e} had {len(group)} mini-batches; expected "
                                 f"ceil({N} / {batch_size}) = {per_epoch}.")
    return groups


def run_train(student, reference, judge, *, device: str, w0, b0, repeats: int = 1, **hyper):
    def full_judge(result, who):
        missing(result, "train")
        return judge(result["runs"], who)

    return run_both(student, reference, "train_run", full_judge, label="train", timeout=TRAIN_TIMEOUT,
                    n_bits=N_BITS, device=device, weight=w0, bias=b0, repeats=repeats, **hyper)


@pytest.mark.grade(points=1, visibility="visible")
def test_train_visible(student, reference, rng):
    """train: with the defaults, the losses go down and the model learns the majority function"""
    device = auto_device(reference)
    w0, b0 = initial_parameters(rng)
    where = train_call({}, device)

    def judge(runs, who):
        losses = check_losses(runs[0]["losses"], where=where, epochs=20)
        if not losses[-1] < losses[0]:
            raise AssertionError(f"{where}: the loss went from {losses[0]:.4g} to {losses[-1]:.4g}; expected it "
                                 "to go down.")
        check_learned(runs[0], where=where, w0=w0, b0=b0)

    run_train(student, reference, judge, device=device, w0=w0, b0=b0)


@pytest.mark.grade(points=2, visibility="hidden")
@pytest.mark.parametrize("device", DEVICES)
def test_train_learns_on_device(student, reference, rng, device):
    """train: learns the majority function with the model and every batch on the device"""
    require_device(device, reference)
    w0, b0 = initial_parameters(rng)
    hyper = {"seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, device)

    def judge(runs, who):
        run = runs[0]
        losses = check_losses(run["losses"], where=where, epochs=20)
        check_devices(trained_batches(run, where=where), where=where, device=device)
        if not losses[-1] < losses[0]:
            raise AssertionError(f"{where}: the loss went from {losses[0]:.4g} to {losses[-1]:.4g}; expected it "
                                 "to go down.")
        check_learned(run, where=where, w0=w0, b0=b0)

    run_train(student, reference, judge, device=device, w0=w0, b0=b0, **hyper)


@pytest.mark.grade(points=1, visibility="hidden")
def test_train_mini_batches(student, reference, rng):
    """train: every epoch is all 1024 strings in ceil(N / batch_size) mini-batches of at most batch_size"""
    w0, b0 = initial_parameters(rng)
    hyper = {"epochs": 2, "batch_size": 100, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")

    def judge(runs, who):
        split_epochs(trained_batches(runs[0], where=where), where=where, epochs=2, batch_size=100)

    run_train(student, reference, judge, device="cpu", w0=w0, b0=b0, **hyper)


@pytest.mark.grade(points=1, visibility="hidden")
def test_train_epoch_loss(student, reference, rng):
    """train: an epoch's loss is the example-weighted mean of its batch losses, each before its update"""
    w0, b0 = initial_parameters(rng)
    hyper = {"epochs": 3, "batch_size": 100, "lr": 0.5, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")

    def judge(runs, who):
        losses = check_losses(runs[0]["losses"], where=where, epochs=3)
        groups = split_epochs(trained_batches(runs[0], where=where), where=where, epochs=3, batch_size=100)
        for e, (got, group) in enumerate(zip(losses, groups)):
            expected = sum(b["rows"] * b["loss"] for b in group) / sum(b["rows"] for b in group)
            if not abs(got - expected) <= 1e-5 * abs(expected) + 1e-6:
                raise AssertionError(f"{where}: the loss of epoch {e} is {checks.num(got, expected)}, expected "
                                     f"{checks.num(expected, got)}, the mean BCE of its mini-batches weighted by "
                                     "their rows, each taken before its update.")

    run_train(student, reference, judge, device="cpu", w0=w0, b0=b0, **hyper)


@pytest.mark.grade(points=1, visibility="hidden")
def test_train_sgd_step(student, reference, rng):
    """train: a full-batch epoch is one plain SGD step at lr on the mean BCE (two epochs, two steps)"""
    w0, b0 = initial_parameters(rng)
    lr = float(np.round(rng.uniform(0.2, 0.9), 2))
    hyper = {"epochs": 2, "batch_size": N, "lr": lr, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")
    X = oracle.all_bit_strings(N_BITS)
    w1, b1, loss0 = oracle.sgd_step(w0, b0, X, lr)
    w2, b2, loss1 = oracle.sgd_step(w1, b1, X, lr)

    def judge(runs, who):
        run = runs[0]
        losses = check_losses(run["losses"], where=where, epochs=2)
        trained_batches(run, where=where)
        for name, got, expected in (("weight", run["weight"], w2), ("bias", run["bias"], b2)):
            checks.check_close(np.asarray(got, dtype=np.float64), expected, where=f"the {name} after {where}",
                               rtol=1e-4, atol=1e-5, hint="; expected two steps p <- p - lr * (gradient of the "
                               "mean BCE over the whole batch), plain SGD without momentum")
        for e, expected in enumerate((loss0, loss1)):
            checks.check_scalar_close(losses[e], expected, where=f"the loss of epoch {e} of {where}", rtol=1e-4,
                                      atol=1e-6, hint=" (the mean BCE of the batch before its update)")

    run_train(student, reference, judge, device="cpu", w0=w0, b0=b0, **hyper)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_train_deterministic(student, reference, rng):
    """train: the same seed and initial parameters give the same losses and parameters"""
    w0, b0 = initial_parameters(rng)
    hyper = {"epochs": 3, "batch_size": 64, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")

    def judge(runs, who):
        first, second = runs
        a = check_losses(first["losses"], where=where, epochs=3)
        b = check_losses(second["losses"], where=where, epochs=3)
        trained_batches(first, where=where)
        if np.array_equal(first["weight"], w0) and np.array_equal(first["bias"], b0):
            raise AssertionError(f"{where} did not change the parameters of the model it was given.")
        if a != b:
            e = next(i for i, (u, v) in enumerate(zip(a, b)) if u != v)
            raise AssertionError(f"{where} run twice from the same initial parameters returned {a[e]!r} and then "
                                 f"{b[e]!r} as the loss of epoch {e}; expected the same (seed every random choice "
                                 "from seed).")
        if first["weight"].tobytes() != second["weight"].tobytes() or first["bias"].tobytes() != second["bias"].tobytes():
            raise AssertionError(f"{where} run twice from the same initial parameters trained different "
                                 "parameters; expected the same (seed every random choice from seed).")

    run_train(student, reference, judge, device="cpu", w0=w0, b0=b0, repeats=2, **hyper)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_train_reshuffles(student, reference, rng):
    """train: the mini-batches are reshuffled every epoch"""
    w0, b0 = initial_parameters(rng)
    hyper = {"epochs": 3, "batch_size": 128, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")

    def judge(runs, who):
        groups = split_epochs(trained_batches(runs[0], where=where), where=where, epochs=3, batch_size=128)
        orders = [np.concatenate([np.asarray(b["ids"]).reshape(-1) for b in g]) for g in groups]
        if np.array_equal(orders[0], np.arange(N)):
            raise AssertionError(f"{where} took the strings in the order of X; expected them shuffled.")
        for e in range(1, len(orders)):
            if np.array_equal(orders[e], orders[e - 1]):
                raise AssertionError(f"{where}: epochs {e - 1} and {e} took the strings in the same order; "
                                     "expected a new shuffle every epoch.")

    run_train(student, reference, judge, device="cpu", w0=w0, b0=b0, **hyper)


# ------------------------------------------------------------------ predict: 2 points


def grade_predict(student, reference, weight, bias, device: str, *, what: str) -> None:
    X = oracle.all_bit_strings(N_BITS)
    p = oracle.grader_model_probabilities(weight, bias, X).astype(np.float64)
    expected = (p > 0.5).astype(np.float64)
    graded = np.abs(p - 0.5) > (1e-6 if device == "cpu" else 1e-4)
    where = f"predict(model, X, device={device!r}) for {what}"

    def judge(result, who):
        missing(result, "predict")
        labels = checks.check_tensor(result["labels"], fn="predict", where=where)
        if not labels.device.startswith("cpu"):
            raise AssertionError(f"{where} returned a tensor on {labels.device}; expected a CPU tensor.")
        if labels.values.size != N or labels.shape not in ((N,), (N, 1)):
            raise AssertionError(f"{where} returned shape {labels.shape}; expected ({N},), one label per string.")
        v = labels.values.reshape(-1).astype(np.float64)
        if not np.all((v == 0) | (v == 1)):
            bad = v[(v != 0) & (v != 1)][0]
            raise AssertionError(f"{where} returned the label {checks.num(bad)}; expected labels 0 and 1.")
        wrong = np.flatnonzero(graded & (v != expected))
        if wrong.size:
            i = int(wrong[0])
            bits = "".join(str(int(b)) for b in X[i])
            raise AssertionError(f"{where} labels the string {bits} (row {i}) {v[i]:g}, but the model gives it "
                                 f"probability {p[i]:.4f} ({wrong.size} strings wrong).")

    run_both(student, reference, "predict_run", judge, label="predict", timeout=TRAIN_TIMEOUT,
             n_bits=N_BITS, device=device, weight=np.asarray(weight, np.float32), bias=np.asarray(bias, np.float32))


@pytest.mark.grade(points=1, visibility="visible")
def test_predict_visible(student, reference):
    """predict: a model with weights 1 and bias -5.5 predicts the majority labels"""
    grade_predict(student, reference, np.ones(N_BITS, np.float32), np.array([-5.5], np.float32),
                  auto_device(reference), what="the model sigmoid(sum of the bits - 5.5)")


@pytest.mark.grade(points=1, visibility="hidden")
@pytest.mark.parametrize("device", DEVICES)
def test_predict_random_model(student, reference, rng, device):
    """predict: thresholds a random model's probabilities at 0.5, on the device"""
    require_device(device, reference)
    weight = rng.normal(0.0, 1.0, N_BITS).astype(np.float32)
    bias = rng.normal(0.0, 1.0, 1).astype(np.float32)
    grade_predict(student, reference, weight, bias, device, what="a model with random weights")
