#!/usr/bin/python3
"""Reference values for tests/unit/statistics_reference_test.cpp, computed with Debian's numpy
and a published table of Student's t.

Why not scipy: Debian 12's python3-scipy needs python3-pythran, which needs libboost-dev (Boost
1.74) and so cannot be installed next to libboost1.81-dev, which perf-agent builds with.

Reads a JSON request (the file named by argv[1]) and prints a JSON answer:
  quantile: {data, q}       -> numpy.quantile, method "linear" (R's type 7, as ours)
  acf: [x...]               -> lag-1 sample autocorrelation (the Box-Jenkins estimator that
                               statsmodels' acf uses: lag-1 autocovariance over the variance,
                               both about the mean and over n)
  energy: [{x, split}]      -> E-divisive's Q(split) of Matteson & James (2014), alpha = 1: the
                               mean distance between the two sides (every pair) and within each
                               side (every unordered pair once), from numpy's outer differences
  welch: {a, b, confidence} -> difference of means and Welch's 95 % half-width, with Student's t
                               at the Welch-Satterthwaite degrees of freedom from the table below
"""
import json
import sys

import numpy as np

# Student's t, 0.975 quantile (two-sided 95 %), from the NIST/SEMATECH e-Handbook of Statistical
# Methods, table 1.3.6.7.2; between rows, linear in 1/df (the usual table interpolation).
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
         9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120,
         17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064,
         25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 50: 2.009,
         60: 2.000, 80: 1.990, 100: 1.984, float("inf"): 1.960}


def t_975(df):
    rows = sorted(T_975)
    for low, high in zip(rows, rows[1:]):
        if low <= df <= high:
            inv = lambda d: 0.0 if d == float("inf") else 1.0 / d
            w = (inv(low) - inv(df)) / (inv(low) - inv(high))
            return T_975[low] + w * (T_975[high] - T_975[low])
    raise ValueError(f"df {df} outside the table")


def mean_pair_distance(values):
    v = np.asarray(values, dtype=float)
    d = np.abs(v[:, None] - v[None, :])
    n = len(v)
    return d[np.triu_indices(n, 1)].mean()


def energy_q(x, split):
    left, right = np.asarray(x[:split], dtype=float), np.asarray(x[split:], dtype=float)
    m, k = len(left), len(right)
    between = np.abs(left[:, None] - right[None, :]).mean()
    return m * k / (m + k) * (2 * between - mean_pair_distance(left) - mean_pair_distance(right))


def welch(a, b, confidence):
    if confidence != 0.95:
        raise ValueError("the table holds the 95 % quantile only")
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return {"difference": float(b.mean() - a.mean()),
            "half_width": float(t_975(df) * np.sqrt(va + vb)), "df": float(df)}


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    answer = {}
    if "quantile" in request:
        data = np.asarray(request["quantile"]["data"], dtype=float)
        answer["quantile"] = [float(np.quantile(data, q)) for q in request["quantile"]["q"]]
    if "acf" in request:
        x = np.asarray(request["acf"], dtype=float)
        d = x - x.mean()
        answer["acf"] = float(np.dot(d[1:], d[:-1]) / np.dot(d, d))
    if "energy" in request:
        answer["energy"] = [float(energy_q(e["x"], e["split"])) for e in request["energy"]]
    if "welch" in request:
        w = request["welch"]
        answer["welch"] = welch(w["a"], w["b"], w["confidence"])
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
