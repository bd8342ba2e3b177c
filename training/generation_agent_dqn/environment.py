"""The toy test-selection environment, built from past suite runs (see train.py's docstring)."""

import csv
import math
import random

from protocol import InputError

SUITES = ("api", "ui", "unit")
K = 20  # candidate tests per cycle
BUDGET_SHARE = 0.3  # the budget fits about 30 % of the candidates
TIME_COST = 0.1  # the whole budget spent costs 0.1 reward, a tenth of a fault
FEATURES = 9  # per candidate; see Cycle.state
EVAL_CYCLES = 1000
HOLDOUT_SHARE = 0.2


def read_history(path):
    """Each test's rows, in file order: {test_id: {"suite", "rows": [(duration_ms, failed)]}}."""
    tests = {}
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"test_id", "suite", "duration_ms", "failed"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            failed = row["failed"].strip().lower()
            if failed not in ("true", "false"):
                raise InputError(
                    f"{path}:{line}: failed must be true or false; got {row['failed']!r}"
                )
            try:
                duration = float(row["duration_ms"])
            except ValueError:
                raise InputError(f"{path}:{line}: duration_ms is not a number") from None
            test = tests.setdefault(row["test_id"], {"suite": row["suite"].strip(), "rows": []})
            test["rows"].append((duration, failed == "true"))
    if len(tests) < K:
        raise InputError(f"{path}: needs at least {K} distinct tests; has {len(tests)}")
    return tests


def build_tests(history):
    """Each test's features from its past rows, and its past and held-out outcomes."""
    tests = []
    for test_id, t in history.items():
        rows = t["rows"]
        held = int(len(rows) * HOLDOUT_SHARE)
        past = rows[: len(rows) - held]
        fails = [i for i, (_, failed) in enumerate(past) if failed]
        tests.append({
            "id": test_id,
            "suite": t["suite"],
            "fail_rate": len(fails) / len(past),
            # 1 when its last past run failed, 1/2 one run before that ..., 0 if it never failed
            "recency": 1 / (len(past) - fails[-1]) if fails else 0.0,
            "cost": sum(d for d, _ in past) / len(past),
            "past": [failed for _, failed in past],
            "future": [failed for _, failed in rows[len(rows) - held:]],
        })
    # standardize the numeric features over all tests (features only; no outcome is used)
    for key in ("fail_rate", "recency", "cost"):
        values = [t[key] for t in tests]
        mean = sum(values) / len(values)
        std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
        for t in tests:
            t[key + "_z"] = (t[key] - mean) / std
    return tests


class Cycle:
    """One CI cycle: K candidates with drawn outcomes, a budget, and what has been picked."""

    def __init__(self, tests, rng, outcomes):
        self.tests = rng.sample(tests, K)
        self.fails = [rng.choice(t[outcomes]) for t in self.tests]
        self.budget = BUDGET_SHARE * sum(t["cost"] for t in self.tests)
        self.left = self.budget
        self.picked = [False] * K

    def valid(self):
        return [not p and t["cost"] <= self.left for t, p in zip(self.tests, self.picked)]

    def state(self):
        """K rows of FEATURES numbers; the last two describe the cycle, not the test."""
        left_share = self.left / self.budget
        return [
            [
                t["fail_rate_z"],
                t["recency_z"],
                t["cost_z"],
                min(2.0, t["cost"] / max(self.left, 1.0)),  # the share of what is left it takes
                *(1.0 if t["suite"] == s else 0.0 for s in SUITES),
                float(p),
                left_share,
            ]
            for t, p in zip(self.tests, self.picked)
        ]

    def step(self, action):
        test = self.tests[action]
        self.picked[action] = True
        self.left -= test["cost"]
        reward = (1.0 if self.fails[action] else 0.0) - TIME_COST * test["cost"] / self.budget
        return reward, not any(self.valid())


def evaluate(cycles, choose):
    """Plays the cycles with a policy; fault detection, decision accuracy and reward, per suite.

    accuracy: each candidate of a cycle is a pick/skip decision, scored against the oracle that
    picks exactly the tests that fail in the cycle. Only about 8 % of tests fail and the budget
    makes the agent pick about 30 %, so this is bounded well below 1; compare it with the
    random policy's (random_accuracy), not with 1.
    """
    totals = {s: {"found": 0, "present": 0, "right": 0, "seen": 0} for s in ("all", *SUITES)}
    reward = 0.0
    for cycle in cycles:
        done = not any(cycle.valid())
        while not done:
            r, done = cycle.step(choose(cycle))
            reward += r
        for t, picked, failed in zip(cycle.tests, cycle.picked, cycle.fails):
            for key in ("all", t["suite"]):
                if key not in totals:
                    continue
                totals[key]["present"] += failed
                totals[key]["found"] += picked and failed
                totals[key]["right"] += picked == failed
                totals[key]["seen"] += 1
    rate = {k: (c["found"] / c["present"] if c["present"] else 0.0) for k, c in totals.items()}
    accuracy = {k: (c["right"] / c["seen"] if c["seen"] else 0.0) for k, c in totals.items()}
    return rate, accuracy, reward / len(cycles)


def eval_cycles(tests, seed):
    """The same held-out cycles for every policy: outcomes from held-out rows only."""
    rng = random.Random(seed)
    pool = [t for t in tests if t["future"]]
    if len(pool) < K:
        raise InputError(f"only {len(pool)} tests have held-out runs; need {K}")
    return [Cycle(pool, rng, "future") for _ in range(EVAL_CYCLES)]
