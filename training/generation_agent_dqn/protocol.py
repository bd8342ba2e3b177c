"""The tracking protocol, as a Python trainer sees it: its inputs come from MLOPS_* variables,
and a bad one is one clear line on stderr with exit code 2, never a traceback."""

import json
import math
import os


class Failure(Exception):
    """A failure worth one line on stderr, not a traceback; exit code 1."""

    code = 1


class InputError(Failure):
    """A missing or bad input: exit code 2."""

    code = 2


def require_env(name):
    value = os.environ.get(name)
    if not value:
        raise InputError(f"{name} is not set; run this trainer through the tracking protocol")
    return value


def require_file(path, what):
    if not os.path.isfile(path):
        raise InputError(f"{what}: {path} does not exist")
    return path


def read_params(path, defaults):
    try:
        with open(require_file(path, "MLOPS_PARAMS"), encoding="utf-8") as f:
            given = json.load(f)
    except json.JSONDecodeError as e:
        raise InputError(f"MLOPS_PARAMS: {path} is not valid JSON ({e})") from e
    if not isinstance(given, dict):
        raise InputError("MLOPS_PARAMS: expected a JSON object")
    params = dict(defaults)
    for key, default in defaults.items():
        value = given.get(key, default)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or not math.isfinite(value):
            raise InputError(f"param {key} must be a number; got {json.dumps(value)}")
        params[key] = value
    for key in ("episodes", "batch_size", "seed"):
        if params[key] != int(params[key]) or params[key] < (0 if key == "seed" else 1):
            raise InputError(f"param {key} must be a whole number >= {0 if key == 'seed' else 1}")
        params[key] = int(params[key])
    if not 0 <= params["gamma"] <= 1 or params["learning_rate"] <= 0:
        raise InputError("param gamma must be in [0, 1] and learning_rate > 0")
    return params


def write_json(path, value):
    text = json.dumps(value, indent=2, allow_nan=False)  # a NaN fails here, not in mlops
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
