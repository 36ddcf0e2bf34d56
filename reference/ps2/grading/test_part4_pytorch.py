"""PS2 part 4: the classifier in PyTorch (build_classifier, evaluate, train_classifier), on CUDA when there is one.

The student's evaluate and train_classifier run in the worker through harness operations on the GRADER's
classifier (Linear → ReLU → Linear with parameters the grader chose, recording every forward call) and
the grader's Iris split; the parent judges what came back: the returned values, the trained parameters
(against its own float64 replay or its own forward pass), and the batches (rows, devices, their loss
before the update). The tests come in the notebook's order, build_classifier, evaluate, train_classifier
(train_classifier calls evaluate: the student's own, as a torch module cannot cross to the grader).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from autograder.codec import TensorInfo
from autograder.suitelib import checks
from autograder.suitelib.devices import DEVICES, auto_device, missing, require_device
from autograder.suitelib.calls import run_both
from . import oracle

TIMEOUT = 120.0  # seconds for one harness call that trains (CUDA start-up included)
HIDDEN = 16


def iris() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The grader's fixed split of Iris, standardised with the training statistics, features float32."""
    X_train, y_train, X_test, y_test = oracle.iris_split()
    return X_train.astype(np.float32), y_train, X_test.astype(np.float32), y_test


def initial_parameters(rng, d_in: int = 4, hidden: int = HIDDEN, d_out: int = 3) -> list:
    """Random parameters drawn as nn.Linear's default initialisation draws them, float32, torch's layout."""
    params = []
    for fan_in, fan_out in ((d_in, hidden), (hidden, d_out)):
        bound = oracle.default_init_bound(fan_in)
        params.append([rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32),
                       rng.uniform(-bound, bound, fan_out).astype(np.float32)])
    return params


# ------------------------------------------------------------------ build_classifier: 4 points


def grade_build(student, reference, d_in: int, hidden: int, d_out: int, seed: int, *, backward: bool = False):
    where = f"build_classifier({d_in}, {hidden}, {d_out})"

    def judge(report, who):
        missing(report, "build_classifier")
        if not report["module"]:
            raise AssertionError(f"{where} returned {report['type']}; expected a torch.nn.Module.")
        if report["linears"] != [[d_in, hidden], [hidden, d_out]]:
            raise AssertionError(f"{where} has Linear layers {[tuple(s) for s in report['linears']]}; expected "
                                 f"Linear({d_in}, {hidden}) then Linear({hidden}, {d_out}).")
        if not report["relu"]:
            raise AssertionError(f"{where} has no torch.nn.ReLU; expected one between the two Linear layers.")
        out = report["output"]
        if not isinstance(out, TensorInfo):
            raise AssertionError(f"{where} returned {checks.type_text(out)} on a batch; expected a tensor of logits.")
        x = report["input"]
        if out.shape != (x.shape[0], d_out):
            raise AssertionError(f"{where} gave shape {out.shape} on a batch of {x.shape[0]} rows; expected "
                                 f"{(x.shape[0], d_out)}.")
        params = report["params"]
        if any(b is None for _, b in params):
            raise AssertionError(f"{where} has a Linear layer without a bias; expected biases (the default).")
        expected = oracle.classifier_logits(params, x, dtype=torch.float64).numpy()
        checks.check_close(out.values.astype(np.float64), expected, where=f"the output of {where} on a random batch",
                           rtol=1e-4, atol=1e-5, hint="; expected the logits Linear → ReLU → Linear, no softmax or "
                           "other layer")
        if backward:
            if report["backward"]:
                raise AssertionError(f"{where}: back-propagating through it fails: {report['backward']}.")
            for (w, b), fan_in in zip(params, (d_in, hidden)):
                bound = oracle.default_init_bound(fan_in) * (1 + 1e-6)
                if not (np.all(np.abs(w) <= bound) and np.all(np.abs(b) <= bound) and np.any(w != 0)):
                    raise AssertionError(f"{where}: the initial weights are not PyTorch's default initialisation "
                                         f"(U(-1/√fan_in, 1/√fan_in) = ±{bound:.4f} for fan_in {fan_in}); leave "
                                         "the layers' initialisation as it is.")

    run_both(student, reference, "classifier_report", judge, label="build_classifier", timeout=TIMEOUT,
             d_in=d_in, hidden=hidden, d_out=d_out, batch=8, seed=seed)


@pytest.mark.grade(points=1, visibility="visible")
def test_build_classifier_visible(student, reference):
    """build_classifier: build_classifier(4, 16, 3) is Linear(4, 16) → ReLU → Linear(16, 3), returning logits"""
    grade_build(student, reference, 4, 16, 3, seed=0)


@pytest.mark.grade(points=2, visibility="hidden")
def test_build_classifier_random_sizes(student, reference, rng):
    """build_classifier: other sizes, the logits of Linear → ReLU → Linear with its own parameters"""
    d_in, hidden, d_out = (int(v) for v in (rng.integers(2, 8), rng.integers(3, 21), rng.integers(2, 7)))
    grade_build(student, reference, d_in, hidden, d_out, seed=int(rng.integers(0, 1000)))


@pytest.mark.grade(points=1, visibility="hidden")
def test_build_classifier_trainable(student, reference, rng):
    """build_classifier: every parameter gets a gradient; PyTorch's default initialisation"""
    grade_build(student, reference, 5, 12, 4, seed=int(rng.integers(0, 1000)), backward=True)


# ------------------------------------------------------------------ evaluate: 5 points


def grade_evaluate(student, reference, params, X, y, device: str, *, where: str, eval_mode: bool = False):
    expected, near = oracle.classifier_accuracy(params, X, y)

    def judge(result, who):
        missing(result, "evaluate")
        value = result["value"]
        if isinstance(value, TensorInfo):
            raise AssertionError(f"{where} returned a torch tensor; expected a Python float (use .item()).")
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (float, np.floating)):
            raise AssertionError(f"{where} returned {checks.type_text(value)}; expected a Python float.")
        value = float(value)
        if not abs(value - expected) <= near / len(y) + 1e-6:
            got, want, _ = checks.mismatch(value, expected, 1e-6)
            raise AssertionError(f"{where} is {got}, expected {want}: the fraction of rows whose largest logit "
                                 "is that of their label.")
        calls = result["calls"]
        if not calls:
            raise AssertionError(f"{where} never called the model.")
        for c in calls:
            if c["input_device"] != device or c["param_device"] != device:
                raise AssertionError(f"{where} ran the model on {c['input_device']} with its parameters on "
                                     f"{c['param_device']}; expected both on {device}.")
        if eval_mode:
            if any(c["training"] for c in calls):
                raise AssertionError(f"{where} called the model in training mode; expected model.eval() first "
                                     "(dropout and batch norm behave differently in training).")
            for (w, b), (w0, b0) in zip(result["params"], params):
                if not (np.array_equal(w, w0) and np.array_equal(b, b0)):
                    raise AssertionError(f"{where} changed the model's parameters; expected it only to evaluate.")

    run_both(student, reference, "evaluate_run", judge, label="evaluate", timeout=TIMEOUT,
             params=params, X=X, y=y, device=device)


@pytest.mark.grade(points=1, visibility="visible")
def test_evaluate_visible(student, reference):
    """evaluate: a model whose logits are its inputs: rows [1, 0, 0], [0, 2, 1], [0, 0, 3], [5, 0, 1] against labels [0, 1, 0, 0] give 0.75"""
    eye = np.eye(3, dtype=np.float32)
    params = [[eye, np.zeros(3, np.float32)], [eye.copy(), np.zeros(3, np.float32)]]
    X = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.0, 0.0, 3.0], [5.0, 0.0, 1.0]], dtype=np.float32)
    grade_evaluate(student, reference, params, X, np.array([0, 1, 0, 0]), auto_device(reference),
                   where="evaluate(model, X, y, device) for the model whose logits are X and y = [0, 1, 0, 0]")


@pytest.mark.grade(points=2, visibility="hidden")
@pytest.mark.parametrize("device", DEVICES)
def test_evaluate_random_model(student, reference, rng, device):
    """evaluate: a random model on Iris's held-out flowers, computed on the device"""
    require_device(device, reference)
    _, _, X, y = iris()
    grade_evaluate(student, reference, initial_parameters(rng), X, y, device,
                   where=f"evaluate(model, X, y, {device!r}) for a random model on 30 Iris flowers")


@pytest.mark.grade(points=1, visibility="hidden")
def test_evaluate_eval_mode(student, reference, rng):
    """evaluate: calls the model in evaluation mode and leaves its parameters as they were"""
    _, _, X, y = iris()
    grade_evaluate(student, reference, initial_parameters(rng), X, y, "cpu", eval_mode=True,
                   where="evaluate(model, X, y, 'cpu') for a random model on 30 Iris flowers")


@pytest.mark.grade(points=1, visibility="hidden")
def test_evaluate_edge_cases(student, reference, rng):
    """evaluate: all right gives 1.0, all wrong 0.0, one row, seven classes"""
    params = initial_parameters(rng, d_in=5, hidden=8, d_out=7)
    X = rng.normal(0.0, 2.0, (40, 5)).astype(np.float32)
    predicted = oracle.classifier_logits(params, X).argmax(dim=1).numpy()
    for y, what in ((predicted, "the model's own predictions"), ((predicted + 1) % 7, "labels all different from its predictions"),
                    (predicted[:1], "one row")):
        rows = X[: len(y)]
        grade_evaluate(student, reference, params, rows, y, "cpu",
                       where=f"evaluate(model, X, y, 'cpu') for a random 7-class model and {what}")


# ------------------------------------------------------------------ train_classifier: 11 points


def train_call(hyper: dict, device: str) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in hyper.items())
    return f"train_classifier(model, X, y, device={device!r}{', ' + shown if shown else ''})"


def check_lists(value, *, where: str, epochs: int) -> tuple[list[float], list[float]]:
    """(losses, accuracies): two lists of ``epochs`` finite numbers."""
    losses, accuracies = checks.check_pair(value, where=where, names="(losses, accuracies)")
    out = []
    for name, values in (("losses", losses), ("accuracies", accuracies)):
        if type(values) not in (list, tuple):
            raise AssertionError(f"{where} returned {checks.type_text(values)} as {name}; expected a list of {epochs} floats.")
        if len(values) != epochs:
            raise AssertionError(f"{where} returned {len(values)} {name}; expected one per epoch, {epochs}.")
        numbers = []
        for e, v in enumerate(values):
            if isinstance(v, TensorInfo):
                raise AssertionError(f"{where} returned a tensor in {name} (epoch {e}); expected a number (use .item()).")
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise AssertionError(f"{where} returned {checks.type_text(v)} in {name} (epoch {e}); expected a number.")
            if not math.isfinite(float(v)):
                raise AssertionError(f"{where}: {name}[{e}] is {float(v)}; expected a finite number.")
            numbers.append(float(v))
        out.append(numbers)
    return out[0], out[1]


def trained_batches(run: dict, *, where: str) -> list[dict]:
    batches = [b for b in run["batches"] if b["backward"]]
    if not batches:
        raise AssertionError(f"{where} never back-propagated a loss through the model it was given.")
    return batches


def check_devices(batches: list[dict], *, where: str, device: str) -> None:
    for i, b in enumerate(batches):
        if b["input_device"] != device or b["param_device"] != device:
            raise AssertionError(f"{where}: training batch {i} was on {b['input_device']} with the model on "
                                 f"{b['param_device']}; expected both on {device}.")


def split_epochs(batches: list[dict], *, where: str, n: int, epochs: int, batch_size: int) -> list[list[dict]]:
    """The training batches grouped by epoch: each epoch every row once, in ceil(n / batch_size) mini-batches
    of at most batch_size rows."""
    for i, b in enumerate(batches):
        if b["rows"] > batch_size:
            raise AssertionError(f"{where} trained on a batch of {b['rows']} rows (batch {i}); expected at most "
                                 f"batch_size = {batch_size}.")
    total = sum(b["rows"] for b in batches)
    if total != epochs * n:
        raise AssertionError(f"{where} trained on {total} rows in {len(batches)} batches; expected each of the {n} "
                             f"rows once per epoch, {epochs * n} rows.")
    groups, current, rows = [], [], 0
    for b in batches:
        current.append(b)
        rows += b["rows"]
        if rows >= n:
            if rows != n:
                raise AssertionError(f"{where}: a batch straddles the end of epoch {len(groups)}; expected each "
                                     f"epoch to cover the {n} rows exactly.")
            groups.append(current)
            current, rows = [], 0
    per_epoch = math.ceil(n / batch_size)
    for e, group in enumerate(groups):
        ids = np.concatenate([np.asarray(b.get("ids", [])).reshape(-1) for b in group])
        if np.unique(ids[ids >= 0]).size != n:
            raise AssertionError(f"{where}: epoch {e} trained on {np.unique(ids[ids >= 0]).size} different rows of X; "
                                 f"expected all {n}, each once (and the rows as given, float32).")
        if len(group) != per_epoch:
            raise AssertionError(f"{where}: epoch {e} had {len(group)} mini-batches; expected ceil({n} / {batch_size}) "
                                 f"= {per_epoch}.")
    return groups


def params_after_epochs(run: dict, groups: list[list[dict]]) -> list:
    """The parameters after each epoch: as the first training batch of the next epoch saw them (nothing but
    a training step changes them), and the trained parameters after the last."""
    return [group[0]["params"] for group in groups[1:]] + [run["params"]]


def held_out_accuracy(params) -> float:
    _, _, X_test, y_test = iris()
    return oracle.classifier_accuracy(params, X_test, y_test)[0]


def run_train(student, reference, judge, *, params, device: str, X=None, y=None, seeds=None, record=True, **hyper):
    if X is None:
        X, y, _, _ = iris()

    def full_judge(result, who):
        missing(result, "train_classifier")
        return judge(result["runs"], who)

    return run_both(student, reference, "train_run", full_judge, label="train_classifier", timeout=TIMEOUT,
                    params=params, X=X, y=y, device=device, seeds=seeds, record=record, **hyper)


def check_changed(run: dict, *, where: str, params0) -> None:
    if all(np.array_equal(a, b) for pair, pair0 in zip(run["params"], params0) for a, b in zip(pair, pair0)):
        raise AssertionError(f"{where} did not change the parameters of the model it was given (did it train a copy?).")


def check_learned(run: dict, *, where: str, params0) -> None:
    check_changed(run, where=where, params0=params0)
    accuracy = held_out_accuracy(run["params"])
    if accuracy < 0.8:
        raise AssertionError(f"after {where} on 120 Iris flowers the model classifies {accuracy:.1%} of the 30 "
                             "held-out flowers correctly; expected at least 80 %.")


@pytest.mark.grade(points=2, visibility="visible")
def test_train_classifier_visible(student, reference, rng):
    """train_classifier: with the defaults on Iris, 50 losses and accuracies; the loss goes down, ≥ 80 % held out"""
    device = auto_device(reference)
    params0 = initial_parameters(rng)
    where = train_call({}, device)

    def judge(runs, who):
        losses, accuracies = check_lists(runs[0]["value"], where=where, epochs=50)
        if not losses[-1] < losses[0]:
            raise AssertionError(f"{where}: the loss went from {losses[0]:.4g} to {losses[-1]:.4g}; expected it to go down.")
        check_learned(runs[0], where=where, params0=params0)

    run_train(student, reference, judge, params=params0, device=device, record=False)


@pytest.mark.grade(points=2, visibility="hidden")
@pytest.mark.parametrize("device", DEVICES)
def test_train_classifier_learns_on_device(student, reference, rng, device):
    """train_classifier: learns Iris (≥ 80 % held out) with the model and every batch on the device"""
    require_device(device, reference)
    params0 = initial_parameters(rng)
    hyper = {"epochs": 30, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, device)

    def judge(runs, who):
        check_lists(runs[0]["value"], where=where, epochs=30)
        check_devices(trained_batches(runs[0], where=where), where=where, device=device)
        check_learned(runs[0], where=where, params0=params0)

    run_train(student, reference, judge, params=params0, device=device, record=False, **hyper)


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_train_classifier_mini_batches(student, reference, rng):
    """train_classifier: every epoch is all the rows once, in ceil(n / batch_size) mini-batches of at most batch_size"""
    params0 = initial_parameters(rng)
    hyper = {"epochs": 2, "batch_size": 32, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")
    n = len(iris()[1])

    def judge(runs, who):
        split_epochs(trained_batches(runs[0], where=where), where=where, n=n, epochs=2, batch_size=32)

    run_train(student, reference, judge, params=params0, device="cpu", **hyper)


@pytest.mark.grade(points=1.5, visibility="hidden")
def test_train_classifier_epoch_loss(student, reference, rng):
    """train_classifier: an epoch's loss is the example-weighted mean of its batch losses, each before its update"""
    params0 = initial_parameters(rng)
    hyper = {"epochs": 3, "batch_size": 50, "lr": 0.3, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")
    n = len(iris()[1])

    def judge(runs, who):
        losses, _ = check_lists(runs[0]["value"], where=where, epochs=3)
        groups = split_epochs(trained_batches(runs[0], where=where), where=where, n=n, epochs=3, batch_size=50)
        for e, (got, group) in enumerate(zip(losses, groups)):
            expected = sum(b["rows"] * b["loss"] for b in group) / sum(b["rows"] for b in group)
            if not abs(got - expected) <= 1e-5 * abs(expected) + 1e-6:
                raise AssertionError(f"{where}: the loss of epoch {e} is {checks.num(got, expected)}, expected "
                                     f"{checks.num(expected, got)}, the mean cross-entropy of its mini-batches "
                                     "weighted by their rows, each taken before its update.")

    run_train(student, reference, judge, params=params0, device="cpu", **hyper)


@pytest.mark.grade(points=1, visibility="hidden")
def test_train_classifier_sgd_step(student, reference, rng):
    """train_classifier: a full-batch epoch is one plain SGD step at lr on the mean cross-entropy (two epochs, two steps)"""
    params0 = initial_parameters(rng)
    X, y, _, _ = iris()
    lr = float(np.round(rng.uniform(0.2, 0.9), 2))
    hyper = {"epochs": 2, "batch_size": len(y), "lr": lr, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")
    expected_params, expected_losses = oracle.classifier_sgd(params0, X, y, lr, 2)

    def judge(runs, who):
        losses, _ = check_lists(runs[0]["value"], where=where, epochs=2)
        trained_batches(runs[0], where=where)
        for (w, b), (ew, eb), layer in zip(runs[0]["params"], expected_params, (1, 2)):
            for name, got, expected in (("weight", w, ew), ("bias", b, eb)):
                checks.check_close(np.asarray(got, dtype=np.float64), expected, where=f"the {name} of layer {layer} after {where}",
                                   rtol=1e-4, atol=1e-5, hint="; expected two steps p ← p − lr · (gradient of the mean "
                                   "cross-entropy over the whole batch), plain SGD without momentum")
        for e, expected in enumerate(expected_losses):
            checks.check_scalar_close(losses[e], expected, where=f"the loss of epoch {e} of {where}", rtol=1e-4,
                                      atol=1e-6, hint=" (the mean cross-entropy of the batch before its update)")

    run_train(student, reference, judge, params=params0, device="cpu", **hyper)


@pytest.mark.grade(points=1, visibility="hidden")
def test_train_classifier_accuracies(student, reference, rng):
    """train_classifier: accuracies[e] is the accuracy on all of X after epoch e"""
    params0 = initial_parameters(rng)
    X, y, _, _ = iris()
    hyper = {"epochs": 3, "batch_size": 40, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")

    def judge(runs, who):
        _, accuracies = check_lists(runs[0]["value"], where=where, epochs=3)
        groups = split_epochs(trained_batches(runs[0], where=where), where=where, n=len(y), epochs=3, batch_size=40)
        for e, (got, params) in enumerate(zip(accuracies, params_after_epochs(runs[0], groups))):
            expected, near = oracle.classifier_accuracy(params, X, y)
            if not abs(got - expected) <= near / len(y) + 1e-6:
                raise AssertionError(f"{where}: accuracies[{e}] is {checks.num(got, expected)}, expected "
                                     f"{checks.num(expected, got)}, the accuracy on the whole training set after the "
                                     "epoch's last update.")

    run_train(student, reference, judge, params=params0, device="cpu", **hyper)


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_train_classifier_deterministic(student, reference, rng):
    """train_classifier: the same seed and initial parameters give the same losses and parameters"""
    params0 = initial_parameters(rng)
    seed = int(rng.integers(0, 1000))
    hyper = {"epochs": 3, "batch_size": 16, "seed": seed}
    where = train_call(hyper, "cpu")

    def judge(runs, who):
        first, second = runs
        a, _ = check_lists(first["value"], where=where, epochs=3)
        b, _ = check_lists(second["value"], where=where, epochs=3)
        check_changed(first, where=where, params0=params0)  # two runs that train nothing agree trivially
        if a != b:
            e = next(i for i, (u, v) in enumerate(zip(a, b)) if u != v)
            raise AssertionError(f"{where} run twice from the same initial parameters returned {a[e]!r} and then "
                                 f"{b[e]!r} as the loss of epoch {e}; expected the same (seed the shuffling from seed).")
        same = all(np.array_equal(u, v) for p, q in zip(first["params"], second["params"]) for u, v in zip(p, q))
        if not same:
            raise AssertionError(f"{where} run twice from the same initial parameters trained different parameters; "
                                 "expected the same (seed the shuffling from seed).")

    run_train(student, reference, judge, params=params0, device="cpu", seeds=[seed, seed], record=False,
              epochs=3, batch_size=16)


def epoch_orders(run: dict, *, where: str, n: int, epochs: int, batch_size: int) -> list[np.ndarray]:
    groups = split_epochs(trained_batches(run, where=where), where=where, n=n, epochs=epochs, batch_size=batch_size)
    return [np.concatenate([np.asarray(b["ids"]).reshape(-1) for b in g]) for g in groups]


@pytest.mark.grade(points=0.5, visibility="hidden")
def test_train_classifier_seeds_differ(student, reference, rng):
    """train_classifier: different seeds give different orders"""
    params0 = initial_parameters(rng)
    seeds = [int(s) for s in rng.choice(1000, 2, replace=False)]
    n = len(iris()[1])
    where = train_call({"epochs": 1, "batch_size": 40}, "cpu") + f" with seeds {seeds[0]} and {seeds[1]}"

    def judge(runs, who):
        first, second = (epoch_orders(r, where=where, n=n, epochs=1, batch_size=40)[0] for r in runs)
        if np.array_equal(first, second):
            raise AssertionError(f"{where} took the rows in the same order; expected the seed to decide the shuffle.")

    run_train(student, reference, judge, params=params0, device="cpu", seeds=seeds, epochs=1, batch_size=40)


@pytest.mark.grade(points=1, visibility="hidden")
def test_train_classifier_reshuffles(student, reference, rng):
    """train_classifier: the mini-batches are shuffled, anew every epoch"""
    params0 = initial_parameters(rng)
    hyper = {"epochs": 3, "batch_size": 40, "seed": int(rng.integers(0, 1000))}
    where = train_call(hyper, "cpu")
    n = len(iris()[1])

    def judge(runs, who):
        orders = epoch_orders(runs[0], where=where, n=n, epochs=3, batch_size=40)
        if np.array_equal(orders[0], np.arange(n)):
            raise AssertionError(f"{where} took the rows in the order of X; expected them shuffled (shuffle=True).")
        for e in range(1, len(orders)):
            if np.array_equal(orders[e], orders[e - 1]):
                raise AssertionError(f"{where}: epochs {e - 1} and {e} took the rows in the same order; expected a "
                                     "new shuffle every epoch (one generator, created once).")

    run_train(student, reference, judge, params=params0, device="cpu", **hyper)
