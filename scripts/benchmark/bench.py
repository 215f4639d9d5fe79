"""The benchmark: `bash scripts/benchmark.sh SCALE` runs this.

    python scripts/benchmark/bench.py SCALE [--bench-dir DIR] [--regenerate]

1. generates the raw data once per scale into <bench dir>/raw_scale_<SCALE>.duckdb (cached);
2. copies it to a work file and times, each step in its own process (wall time, peak RSS):
   the floor (floor.sql), `dbt build --full-refresh`, the pandas implementation (whose metrics are
   then compared with the marts), `generate_demo_data.py --append-day` and a plain `dbt build`;
3. prints the table and ratios and writes <bench dir>/results_scale_<SCALE>.json (rewritten after
   every step: `complete` is false until the last one).
Exit status 0 only when every step succeeded and pandas agrees with the marts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare import compare_files  # type: ignore[import-not-found]  # a sibling on sys.path; see pyproject.toml
from config import (  # type: ignore[import-not-found]  # a sibling on sys.path; see pyproject.toml
    FIXED_PROFILES,
    PROFILES_DIR,
    PROJECT_DIR,
    PYTHON,
    append_day_command,
    bench_dir,
    duckdb_settings,
    generate_command,
    generator_args,
    raw_stamp,
)
from report import dbt_timings, machine, ratio, render  # type: ignore[attr-defined]  # mypy takes scripts/report.py
from run import Measurement, measure  # type: ignore[import-not-found]  # a sibling on sys.path; see pyproject.toml

HERE = Path(__file__).resolve().parent
DBT = str(Path(PYTHON).parent / "dbt")


def scale_label(scale: str) -> str:
    """A number (0.01, 1, 10 ...) or a fixed demo profile name (small, medium)."""
    if scale not in FIXED_PROFILES:
        float(scale)  # a number, or argparse's error
    return scale


def remove_duckdb(path: Path) -> None:
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in (".wal", ".tmp", ".floor.tmp", ".pandas.tmp"))):
        if candidate.is_dir():
            shutil.rmtree(candidate)
        elif candidate.exists():
            candidate.unlink()


def step_record(measurement: Measurement, note: str = "") -> dict[str, Any]:
    record = asdict(measurement)
    record["note"] = note if measurement.ok else f"FAILED (exit {measurement.returncode}, log {measurement.log}) {note}"
    return record


# the builds are what a scheduled production job runs: every model and data test, no unit tests
# (dbt's advice: their inputs are fixed, so they run in development and CI — .ci/run runs them all)
SCHEDULED_RUN_EXCLUDES = ["--exclude-resource-type", "unit_test"]


def dbt_command(target_dir: Path, log_dir: Path, full_refresh: bool, exclude: str | None = None,
                unit_tests: bool = False) -> list[str]:
    command = [DBT, "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR),
               "--target", "duckdb", "--target-path", str(target_dir), "--log-path", str(log_dir)]
    if not unit_tests:
        command += SCHEDULED_RUN_EXCLUDES
    if exclude:
        command += ["--exclude", *exclude.split()]
    return command + (["--full-refresh"] if full_refresh else [])


def reuse_parse(previous_target: Path, target: Path) -> None:
    """A scheduled run in the same checkout finds the previous run's parse in its target directory
    (dbt's partial parsing): the incremental build starts from the full build's."""
    target.mkdir(parents=True, exist_ok=True)
    parse = previous_target / "partial_parse.msgpack"
    if parse.exists():
        shutil.copyfile(parse, target / parse.name)


def ensure_raw(scale: str, out: Path, regenerate: bool) -> tuple[Path, dict[str, Any] | None]:
    """The cached raw file of a scale (generated when missing, stale or asked)."""
    raw = out / f"raw_scale_{scale}.duckdb"
    stamp = out / f"raw_scale_{scale}.command.json"
    command = generate_command(scale, raw)
    generated_from = raw_stamp(scale)
    cached = raw.exists() and stamp.exists() and json.loads(stamp.read_text()) == generated_from
    if cached and not regenerate:
        return raw, None
    remove_duckdb(raw)
    measurement = measure(command, log_path=out / f"generate_scale_{scale}.log", cwd=PROJECT_DIR,
                          label=f"generate raw data (scale {scale})")
    if not measurement.ok:
        raise SystemExit(f"generating the raw data failed: see {measurement.log}")
    stamp.write_text(json.dumps(generated_from))
    return raw, step_record(measurement, "generated now (cached for the next run)")


def pandas_step(steps: dict[str, dict[str, Any]], name: str, work: Path, pickle: Path, env: dict[str, str],
                log: Path, skip: bool = False) -> tuple[Measurement | None, dict[str, Any] | None]:
    """Time the pandas implementation on the work file, then compare it with the marts there."""
    if skip:
        steps[name] = {"wall_s": None, "peak_rss_gib": None, "returncode": None,
                       "note": "skipped (--skip-pandas: it needs about 8 GiB per unit of scale)"}
        return None, None
    measurement = measure([PYTHON, str(HERE / "pandas_metrics.py"), "--duckdb", str(work), "--out", str(pickle)],
                          env, log, PROJECT_DIR, label=name)
    steps[name] = step_record(measurement, "change delivery + LLM economics")
    if not measurement.ok:
        return measurement, None
    try:
        return measurement, asdict(compare_files(str(work), str(pickle)))
    except duckdb.Error as error:  # a mart was not built (dbt failed before it)
        steps[name]["note"] += f"; not compared: {str(error).splitlines()[0]}"
        return measurement, None


def run(scale: str, out: Path, regenerate: bool = False, dbt_exclude: str | None = None,
        skip_pandas: bool = False, unit_tests: bool = False) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    settings = duckdb_settings()
    raw, generated = ensure_raw(scale, out, regenerate)
    work = out / f"work_scale_{scale}.duckdb"
    remove_duckdb(work)
    shutil.copyfile(raw, work)
    logs = out / f"logs_scale_{scale}"
    logs.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROFILES_DIR),
        "AI_MATURITY_DUCKDB_PATH": str(work),
        "AI_MATURITY_DUCKDB_THREADS": str(settings.threads),
        "AI_MATURITY_DBT_THREADS": str(settings.dbt_threads),
        "AI_MATURITY_DUCKDB_MEMORY_LIMIT": settings.memory_limit,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    steps: dict[str, dict[str, Any]] = {}
    if generated:
        steps["generate raw data (untimed below)"] = generated
    results_path = out / f"results_scale_{scale}.json"
    # written again after every step, so a run stopped half-way still leaves what it measured
    result: dict[str, Any] = {
        "scale": scale,
        "generator_args": generator_args(scale),
        "raw_file": str(raw),
        "dbt_exclude": dbt_exclude,
        "unit_tests": unit_tests,
        "duckdb": {"threads": settings.threads, "memory_limit": settings.memory_limit, "dbt_threads": settings.dbt_threads},
        "machine": machine(),
        "steps": steps,
        "ratios": {},
        "dbt_full": {},
        "dbt_incremental": {},
        "comparison": None,
        "comparison_incremental": None,
        "complete": False,
        "results_path": str(results_path),
    }

    def save(**fields: Any) -> None:
        result.update(fields)
        results_path.write_text(json.dumps(result, indent=2, default=str))

    floor = measure([PYTHON, str(HERE / "floor.py"), "--duckdb", str(work)], env, logs / "floor.log", PROJECT_DIR,
                    label="floor")
    steps["floor (floor.sql, one pass)"] = step_record(floor)
    save()

    target_full = out / f"target_full_scale_{scale}"
    shutil.rmtree(target_full, ignore_errors=True)
    full = measure(dbt_command(target_full, logs, full_refresh=True, exclude=dbt_exclude, unit_tests=unit_tests),
                   env,
                   logs / "dbt_full.log", PROJECT_DIR, label="dbt build --full-refresh")
    steps["dbt build --full-refresh"] = step_record(full)
    dbt_full = dbt_timings(target_full)
    save(dbt_full=dbt_full)

    pandas, comparison = pandas_step(steps, "pandas metrics (vectorized)", work, out / f"pandas_scale_{scale}.pkl",
                                     env, logs / "pandas.log", skip_pandas)
    save(comparison=comparison)

    append = append_day_command(scale, work)
    if append is None:
        steps["append one day"] = {"wall_s": None, "peak_rss_gib": None, "returncode": None,
                                   "note": "skipped: the generator has no --append-day"}
    else:
        appended = measure(append, env, logs / "append_day.log", PROJECT_DIR, label="append one day")
        steps["append one day"] = step_record(appended)
    save()
    target_incr = out / f"target_incremental_scale_{scale}"
    shutil.rmtree(target_incr, ignore_errors=True)
    reuse_parse(target_full, target_incr)
    incremental = measure(dbt_command(target_incr, logs, full_refresh=False, exclude=dbt_exclude,
                                        unit_tests=unit_tests), env,
                          logs / "dbt_incremental.log", PROJECT_DIR, label="dbt build (incremental)")
    steps["dbt build (incremental)"] = step_record(
        incremental, "after the appended day" if append else "no new data (nothing appended)")
    save(dbt_incremental=dbt_timings(target_incr))
    # the incremental marts must equal what pandas computes from the raw tables with the new day
    _, comparison_incremental = pandas_step(
        steps, "pandas metrics (after the new day)", work, out / f"pandas_incremental_scale_{scale}.pkl", env,
        logs / "pandas_incremental.log", skip_pandas)

    save(
        comparison_incremental=comparison_incremental,
        complete=True,
        ratios={
            "full_over_floor": ratio(full.wall_s, floor.wall_s),
            "incremental_over_full": ratio(incremental.wall_s, full.wall_s),
            "pandas_over_dbt": ratio(pandas.wall_s if pandas else None, full.wall_s),
            "pandas_over_metric_nodes": ratio(pandas.wall_s if pandas else None, dbt_full.get("metric_node_seconds")),
        },
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the package at a data scale.")
    parser.add_argument("scale", type=scale_label,
                        help="data scale (a number: 0.01, 1, 10 ...; or small / medium, the fixed demo profiles)")
    parser.add_argument("--bench-dir", help=f"cache and results directory (default: env AI_MATURITY_BENCH_DIR "
                                            f"or {Path('data') / 'benchmark'})")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the cached raw data")
    parser.add_argument("--skip-pandas", action="store_true",
                        help="leave out the pandas implementation (it needs about 8 GiB of memory per unit of scale)")
    parser.add_argument("--dbt-exclude", help="nodes both dbt builds leave out (dbt --exclude syntax, quoted); "
                                              "printed in the report, for a known failing test only")
    parser.add_argument("--unit-tests", action="store_true",
                        help="run dbt's unit tests in both builds too (a scheduled job leaves them to CI)")
    args = parser.parse_args(argv)
    out = Path(args.bench_dir).resolve() if args.bench_dir else bench_dir()
    result = run(args.scale, out, args.regenerate, args.dbt_exclude, args.skip_pandas, args.unit_tests)
    print(render(result))
    failed = [name for name, step in result["steps"].items() if step.get("returncode") not in (0, None)]
    agrees = args.skip_pandas or all(
        (comparison or {}).get("cells_compared", 0) > 0 and (comparison or {}).get("cells_mismatched") == 0
        for comparison in (result["comparison"], result["comparison_incremental"])
    )
    if failed:
        print(f"FAILED steps: {', '.join(failed)}", file=sys.stderr)
    if not agrees:
        print("pandas does NOT agree with the marts", file=sys.stderr)
    return 0 if not failed and agrees else 1


if __name__ == "__main__":
    sys.exit(main())
