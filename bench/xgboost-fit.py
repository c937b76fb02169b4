"""xgboost's side of bench/gbm.ts: one fit on the data the bench wrote, timed the way
XGBClassifier.fit (hist) spends it: QuantileDMatrix construction plus 100 boosting rounds.
Usage: /usr/bin/python3 bench/xgboost-fit.py DIR ROWS COLS TRAIN_ROWS THREADS
DIR holds X.f64 (row-major float64) and y.f64. Prints one JSON line."""
import json
import sys
import time

import numpy as np
import xgboost as xgb

folder, rows, cols, cut, threads = sys.argv[1], *map(int, sys.argv[2:6])
X = np.fromfile(f"{folder}/X.f64", dtype=np.float64).reshape(rows, cols)
y = np.fromfile(f"{folder}/y.f64", dtype=np.float64)
params = {
    "objective": "binary:logistic",
    "tree_method": "hist",
    "max_depth": 6,
    "eta": 0.1,
    "nthread": threads,
}
t0 = time.perf_counter()
c0 = time.process_time()
train = xgb.QuantileDMatrix(X[:cut], label=y[:cut], nthread=threads)
booster = xgb.train(params, train, num_boost_round=100)
seconds = time.perf_counter() - t0
cpu = time.process_time() - c0
p = booster.predict(xgb.DMatrix(X[cut:], nthread=threads))
accuracy = float(((p > 0.5) == (y[cut:] > 0.5)).mean())
print(json.dumps({"seconds": seconds, "cpu": cpu, "accuracy": accuracy}))
