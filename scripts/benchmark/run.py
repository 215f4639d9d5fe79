"""Run one command as a child process and measure its wall time and peak RSS.

    python scripts/benchmark/run.py [--json OUT] -- COMMAND ...

The peak RSS is the child's own `ru_maxrss` from `os.wait4` (its largest resident set, including
its own waited-for children), so each step of the benchmark is measured alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

KIB_PER_GIB = 1024 * 1024
HEARTBEAT_S = 30.0


@dataclass(frozen=True)
class Measurement:
    command: list[str]
    returncode: int
    wall_s: float
    peak_rss_gib: float
    log: str | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _heartbeat(label: str, began: float, done: threading.Event, every: float) -> None:
    """Print `label: still running (N s)` to stderr every `every` seconds until done is set."""
    while not done.wait(every):
        print(f"{label}: still running ({time.perf_counter() - began:.0f} s)", file=sys.stderr, flush=True)


def measure(command: Sequence[str], env: Mapping[str, str] | None = None, log_path: Path | None = None,
            cwd: Path | None = None, label: str | None = None, heartbeat_s: float = HEARTBEAT_S) -> Measurement:
    """Run `command` to completion (output to log_path, else inherited) and measure it; with a
    label, progress lines go to stderr: the start, every heartbeat_s seconds, and the end."""
    log = open(log_path, "w") if log_path else None  # closed below
    done = threading.Event()
    try:
        began = time.perf_counter()
        if label:
            print(f"{label}: started" + (f" (log {log_path})" if log_path else ""), file=sys.stderr, flush=True)
            threading.Thread(target=_heartbeat, args=(label, began, done, heartbeat_s), daemon=True).start()
        process = subprocess.Popen(list(command), env=dict(env) if env is not None else None, cwd=cwd,
                                   stdout=log, stderr=subprocess.STDOUT if log else None)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        if label:
            print(f"{label}: done in {wall:.1f} s (exit {process.returncode})", file=sys.stderr, flush=True)
    finally:
        done.set()
        if log:
            log.close()
    return Measurement(list(command), process.returncode, wall, usage.ru_maxrss / KIB_PER_GIB,
                       str(log_path) if log_path else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure one command: wall time and peak RSS.")
    parser.add_argument("--json", help="write the measurement here")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    result = measure(command)
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(result), indent=2))
    print(f"{result.wall_s:.2f} s wall, {result.peak_rss_gib:.3f} GiB peak RSS, exit {result.returncode}",
          file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
