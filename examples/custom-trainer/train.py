#!/usr/bin/python3
"""A custom Cirrus trainer: softmax regression (classification) or least squares (regression)
fitted with numpy, written as ONNX with onnx.helper.

It honours the SageMaker training-container contract under /opt/ml (locally the runner points
$CIRRUS_ML_ROOT at a temp stand-in):
  input/config/hyperparameters.json  strings: the algorithm's own values
  input/data/cirrus/job.json         strings; `cirrus_job` holds the task, target and features
                                     (an S3 object delivered as a channel: it outgrows
                                     SageMaker's 2,500-character hyperparameter cap)
  input/data/train/*.csv             the train channel (header row)
  model/model.onnx                   what Cirrus evaluates, registers and serves
  output/failure                     the reason, when training fails

The graph takes one float input [N, features] and answers `label` + `probabilities` [N, k]
(classifiers; columns in the sorted order of the target values) or `value` [N, 1] (regressors):
Cirrus infers the model contract from it, as `cirrus models import` does.
"""
import csv
import glob
import json
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

ROOT = os.environ.get("CIRRUS_ML_ROOT", "/opt/ml")


def read_train(job):
    path = sorted(glob.glob(os.path.join(ROOT, "input", "data", "train", "*.csv")))[0]
    with open(path) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    features = job.get("features") or [c for c in header if c != job["target"]]
    x = np.array([[float(r[header.index(c)]) for c in features] for r in body])
    y = [r[header.index(job["target"])] for r in body]
    return features, x, y


def standardize(x):
    mean, std = x.mean(axis=0), x.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


def is_number(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def fit_classifier(x, y, steps, lr):
    classes = sorted(set(y), key=float) if all(is_number(v) for v in y) else sorted(set(y))
    onehot = np.eye(len(classes))[[classes.index(v) for v in y]]
    w, b = np.zeros((x.shape[1], len(classes))), np.zeros(len(classes))
    for _ in range(steps):
        z = x @ w + b
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        w -= lr * x.T @ (p - onehot) / len(x)
        b -= lr * (p - onehot).mean(axis=0)
    return w, b


def graph(n, mean, std, w, b, classification):
    inits = [numpy_helper.from_array(a.astype(np.float32), name) for a, name in
             [(mean, "mean"), (std, "std"), (w, "w"), (b, "b")]]
    nodes = [
        helper.make_node("Sub", ["X", "mean"], ["centered"]),
        helper.make_node("Div", ["centered", "std"], ["scaled"]),
        helper.make_node("MatMul", ["scaled", "w"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["scores" if classification else "value"]),
    ]
    if classification:
        nodes += [helper.make_node("Softmax", ["scores"], ["probabilities"], axis=1),
                  helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0)]
        outputs = [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
                   helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, w.shape[1]])]
    else:
        outputs = [helper.make_tensor_value_info("value", TensorProto.FLOAT, [None, 1])]
    g = helper.make_graph(nodes, "numpy_trainer", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, n])],
                          outputs, inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="numpy-onnx-example",
                              producer_version="1.0")
    model.ir_version = 8
    return model


def main():
    with open(os.path.join(ROOT, "input", "config", "hyperparameters.json")) as f:
        hyper = json.load(f)
    job_file = os.path.join(ROOT, "input", "data", "cirrus", "job.json")
    if os.path.exists(job_file):
        with open(job_file) as f:
            hyper.update(json.load(f))
    job = json.loads(hyper["cirrus_job"])
    if job["task"] not in ("classification", "regression"):
        raise ValueError(f"task {job['task']}: this trainer fits classifiers and regressors")
    features, x, y = read_train(job)
    mean, std = standardize(x)
    xs = (x - mean) / std
    if job["task"] == "classification":
        w, b = fit_classifier(xs, y, int(hyper.get("steps", "500")), float(hyper.get("learning_rate", "0.5")))
    else:
        coef = np.linalg.lstsq(np.c_[xs, np.ones(len(xs))], np.array(y, dtype=float), rcond=None)[0]
        w, b = coef[:-1].reshape(-1, 1), coef[-1:]
    os.makedirs(os.path.join(ROOT, "model"), exist_ok=True)
    save(graph(len(features), mean, std, w, b, job["task"] == "classification"),
         os.path.join(ROOT, "model", "model.onnx"))
    print(f"trained {job['task']} on {len(y)} rows, {len(features)} features")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # SageMaker reads the reason from output/failure
        os.makedirs(os.path.join(ROOT, "output"), exist_ok=True)
        with open(os.path.join(ROOT, "output", "failure"), "w") as f:
            f.write(f"{type(error).__name__}: {error}")
        sys.exit(1)
