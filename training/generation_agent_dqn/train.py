#!/usr/bin/env python3
"""Trains the generation agent: a small Dueling Double DQN that selects regression tests for a
CI cycle under a time budget, in a toy environment built from past suite runs.

It talks to mlops through the tracking protocol only (no SDK): it reads MLOPS_RUN_DIR,
MLOPS_PARAMS and MLOPS_DATA_TEST_HISTORY, and writes metrics.jsonl (one line per episode),
metrics.json, architecture.json and artifacts/model.pt into the run directory. It needs only
the standard library and torch, and is deterministic for a seed on CPU.

The environment. Each test's rows in the history (in file order) are split: the first 80 %
are its "past", from which the agent's features are computed (failure rate, mean duration,
recency of its last failure, suite); the last 20 % are its "future", held out. A cycle draws
K candidate tests; whether each one fails in the cycle is drawn from one of its rows: a past
row in training cycles, a held-out row in evaluation cycles. A test costs its mean past
duration, and the cycle's budget is BUDGET_SHARE of the candidates' total cost. The agent
picks one test at a time among those that still fit; the cycle ends when none fits. Reward:
+1 per failing test picked (a fault found), minus TIME_COST x cost / budget per pick.
"""

import json
import math
import os
import random
import sys
import time

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:  # reported in main(), after the inputs are checked
    torch = None

from environment import (
    FEATURES,
    K,
    SUITES,
    Cycle,
    build_tests,
    eval_cycles,
    evaluate,
    read_history,
)
from protocol import Failure, InputError, read_params, require_env, require_file, write_json

NAME = "generation-agent-dqn"
DEFAULTS = {"episodes": 500, "gamma": 0.99, "learning_rate": 0.0005, "batch_size": 64, "seed": 7}
HIDDEN = 32
REPLAY_CAPACITY = 20_000
LEARN_START = 256  # transitions in the buffer before the first update
TARGET_SYNC = 250  # updates between target network syncs
EPSILON_START, EPSILON_END, EPSILON_DECAY_SHARE = 1.0, 0.05, 0.6
LATENCY_CALLS = 1000


if torch is not None:

    class DuelingQ(nn.Module):
        """A shared trunk scores each candidate; Q = V(cycle) + A(candidate) - mean valid A.

        The same weights see every candidate, so the order of candidates does not matter.
        """

        def __init__(self):
            super().__init__()
            self.trunk = nn.Sequential(
                nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU()
            )
            self.value = nn.Linear(HIDDEN, 1)
            self.advantage = nn.Linear(HIDDEN, 1)

        def forward(self, states, valid):
            h = self.trunk(states)  # (B, K, HIDDEN)
            adv = self.advantage(h).squeeze(-1)  # (B, K)
            validf = valid.float()
            count = validf.sum(1, keepdim=True).clamp(min=1)
            adv_mean = (adv * validf).sum(1, keepdim=True) / count
            return self.value(h.mean(1)) + adv - adv_mean


def masked(q, valid):
    return q.masked_fill(~valid, -1e9)


class Replay:
    """A ring buffer of transitions held as tensors on the training device."""

    def __init__(self, device):
        self.s = torch.zeros(REPLAY_CAPACITY, K, FEATURES, device=device)
        self.v = torch.zeros(REPLAY_CAPACITY, K, dtype=torch.bool, device=device)
        self.a = torch.zeros(REPLAY_CAPACITY, dtype=torch.long, device=device)
        self.r = torch.zeros(REPLAY_CAPACITY, device=device)
        self.s2 = torch.zeros_like(self.s)
        self.v2 = torch.zeros_like(self.v)
        self.done = torch.zeros(REPLAY_CAPACITY, device=device)
        self.size = self.next = 0
        self.device = device

    def add(self, s, v, a, r, s2, v2, done):
        i = self.next
        self.s[i], self.v[i], self.a[i], self.r[i] = s, v, a, r
        self.s2[i], self.v2[i], self.done[i] = s2, v2, float(done)
        self.next = (i + 1) % REPLAY_CAPACITY
        self.size = min(self.size + 1, REPLAY_CAPACITY)

    def sample(self, rng, n):
        idx = torch.tensor([rng.randrange(self.size) for _ in range(n)], device=self.device)
        return tuple(t[idx] for t in (self.s, self.v, self.a, self.r, self.s2, self.v2, self.done))


def learn(online, target, optimizer, batch, gamma):
    """One Double DQN update: the online net picks the next action, the target net values it."""
    s, v, a, r, s2, v2, done = batch
    q = online(s, v).gather(1, a.unsqueeze(1)).squeeze(1)
    with torch.no_grad():
        next_a = masked(online(s2, v2), v2).argmax(1, keepdim=True)
        next_q = target(s2, v2).gather(1, next_a).squeeze(1)
        goal = r + gamma * (1 - done) * next_q
    loss = F.smooth_l1_loss(q, goal)  # Huber
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(online.parameters(), 10.0)
    optimizer.step()
    return loss.item()


def latency_p95_ms(net, device, cycle):
    """p95 of one forward pass (with the argmax) for a single cycle state, timed call by call."""
    s = torch.tensor([cycle.state()], device=device)
    v = torch.tensor([cycle.valid()], device=device)
    times = []
    with torch.no_grad():
        for i in range(50 + LATENCY_CALLS):
            if device.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter_ns()
            net(s, v).argmax(1)
            if device.type == "cuda":
                torch.cuda.synchronize()
            if i >= 50:  # after a warm-up
                times.append((time.perf_counter_ns() - start) / 1e6)
    times.sort()
    return times[math.ceil(0.95 * len(times)) - 1]


def train_agent(tests, params, device, log):
    """Plays `episodes` training cycles epsilon-greedily, learning from replay after each pick;
    appends one metrics line per episode to `log`. Returns the online network."""
    rng = random.Random(params["seed"])
    episodes, batch_size, gamma = params["episodes"], params["batch_size"], params["gamma"]
    online, target = DuelingQ().to(device), DuelingQ().to(device)
    target.load_state_dict(online.state_dict())
    optimizer = torch.optim.Adam(online.parameters(), lr=params["learning_rate"])
    replay = Replay(device)
    updates, recent, started = 0, [], time.perf_counter()
    for episode in range(1, episodes + 1):
        # linear decay over the first EPSILON_DECAY_SHARE of the episodes, then flat
        progress = min(1.0, (episode - 1) / max(1, EPSILON_DECAY_SHARE * episodes))
        epsilon = EPSILON_START + (EPSILON_END - EPSILON_START) * progress
        cycle = Cycle(tests, rng, "past")
        s = torch.tensor(cycle.state(), device=device)
        v = torch.tensor(cycle.valid(), device=device)
        total, losses, done = 0.0, [], not any(cycle.valid())
        while not done:
            if rng.random() < epsilon:
                action = rng.choice([i for i, ok in enumerate(cycle.valid()) if ok])
            else:
                with torch.no_grad():
                    action = int(masked(online(s[None], v[None]), v[None]).argmax(1).item())
            reward, done = cycle.step(action)
            total += reward
            s2 = torch.tensor(cycle.state(), device=device)
            v2 = torch.tensor(cycle.valid(), device=device)
            replay.add(s, v, action, reward, s2, v2, done)
            s, v = s2, v2
            if replay.size >= LEARN_START:
                batch = replay.sample(rng, batch_size)
                losses.append(learn(online, target, optimizer, batch, gamma))
                updates += 1
                if updates % TARGET_SYNC == 0:
                    target.load_state_dict(online.state_dict())
        line = {"step": episode, "reward": round(total, 6), "epsilon": round(epsilon, 6)}
        if losses:  # no loss until learning starts
            line["loss"] = round(sum(losses) / len(losses), 6)
        if not all(math.isfinite(x) for x in line.values()):
            raise Failure(f"episode {episode}: a metric is not finite: {line}")
        log.write(json.dumps(line) + "\n")
        recent.append(total)
        if episode % 50 == 0 or episode == episodes:
            log.flush()
            loss = f"{line['loss']:.4f}" if "loss" in line else "- (not learning yet)"
            print(
                f"episode {episode}/{episodes}  mean reward (last {len(recent)})"
                f" {sum(recent) / len(recent):.3f}  epsilon {epsilon:.3f}  loss {loss}"
                f"  {time.perf_counter() - started:.1f}s"
            )
            recent = []
    online.eval()
    return online


def evaluate_agent(net, tests, seed, device):
    """The greedy policy's held-out metrics, with two baselines played on the same cycles."""

    def greedy(cycle):
        with torch.no_grad():
            s = torch.tensor([cycle.state()], device=device)
            v = torch.tensor([cycle.valid()], device=device)
            return int(masked(net(s, v), v).argmax(1).item())

    baseline_rng = random.Random(seed + 2)

    def random_pick(cycle):
        return baseline_rng.choice([i for i, ok in enumerate(cycle.valid()) if ok])

    def cheapest(cycle):
        valid = cycle.valid()
        return min((t["cost"], i) for i, t in enumerate(cycle.tests) if valid[i])[1]

    rate, accuracy, mean_reward = evaluate(eval_cycles(tests, seed + 1), greedy)
    random_rate, random_accuracy, _ = evaluate(eval_cycles(tests, seed + 1), random_pick)
    cheapest_rate, _, _ = evaluate(eval_cycles(tests, seed + 1), cheapest)
    metrics = {
        "accuracy": accuracy["all"],
        "fault_detection_rate": rate["all"],
        "mean_reward": mean_reward,
        "random_accuracy": random_accuracy["all"],
        "random_fault_detection_rate": random_rate["all"],
        "cheapest_first_fault_detection_rate": cheapest_rate["all"],
    }
    metrics = {k: round(x, 6) for k, x in metrics.items()}
    metrics["latency_p95_ms"] = latency_p95_ms(net, device, eval_cycles(tests, seed + 1)[0])
    slices = {
        s: {"fault_detection_rate": round(rate[s], 6), "accuracy": round(accuracy[s], 6)}
        for s in SUITES
    }
    return metrics, slices


def main():
    run_dir = require_env("MLOPS_RUN_DIR")
    if not os.path.isdir(run_dir):
        raise InputError(f"MLOPS_RUN_DIR: {run_dir} does not exist")
    params = read_params(require_env("MLOPS_PARAMS"), DEFAULTS)
    data = require_file(require_env("MLOPS_DATA_TEST_HISTORY"), "MLOPS_DATA_TEST_HISTORY")
    tests = build_tests(read_history(data))
    if torch is None:
        raise Failure(f"torch is not installed for {sys.executable}; use a Python that has it")

    torch.manual_seed(params["seed"])
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        # the batches are tiny: more threads cost more than they save, and one thread gives
        # the same numbers on machines with different core counts
        torch.set_num_threads(1)
    gpu = f" ({torch.cuda.get_device_name(0)})" if device.type == "cuda" else ""
    print(f"{NAME}: {len(tests)} tests, device {device}{gpu}, params {json.dumps(params)}")

    started = time.perf_counter()
    with open(os.path.join(run_dir, "metrics.jsonl"), "a", encoding="utf-8") as log:
        net = train_agent(tests, params, device, log)
    metrics, slices = evaluate_agent(net, tests, params["seed"], device)

    os.makedirs(os.path.join(run_dir, "artifacts"), exist_ok=True)
    # CPU tensors, so the model loads on a machine without a GPU
    state = {k: v.detach().cpu() for k, v in net.state_dict().items()}
    torch.save(state, os.path.join(run_dir, "artifacts", "model.pt"))
    write_json(os.path.join(run_dir, "metrics.json"), {**metrics, "slices": slices})
    architecture = {"type": "dueling-double-dqn", "framework": "pytorch"}
    write_json(os.path.join(run_dir, "architecture.json"), architecture)
    m = metrics
    print(
        f"held-out: fault detection {m['fault_detection_rate']:.3f}"
        f" (random {m['random_fault_detection_rate']:.3f},"
        f" cheapest first {m['cheapest_first_fault_detection_rate']:.3f}),"
        f" accuracy {m['accuracy']:.3f} (random {m['random_accuracy']:.3f}),"
        f" mean reward {m['mean_reward']:.3f}, latency p95 {m['latency_p95_ms']:.3f} ms,"
        f" {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, even in a pipe
    try:
        main()
    except Failure as e:
        print(f"{NAME}: {e}", file=sys.stderr)
        sys.exit(e.code)
    except Exception as e:  # noqa: BLE001 - one clear line, then the details
        import traceback

        traceback.print_exc()
        print(f"{NAME}: failed: {e}", file=sys.stderr)
        sys.exit(1)
