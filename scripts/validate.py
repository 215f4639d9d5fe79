"""Great Expectations checkpoint of the ai_maturity raw tables (a gate before `dbt build`) and marts (a check after it).

    .venv/bin/python scripts/validate.py [--target duckdb|spark|postgres] [--stage raw|marts|all]

DuckDB: the file AI_MATURITY_DUCKDB_PATH names (as dbt's `duckdb` profile; default this project's
data/ai_maturity.duckdb), opened read-only. PostgreSQL: the AI_MATURITY_PG_* settings of the
`postgres` target. Spark: the local session of the `spark` target (AI_MATURITY_SPARK_DIR).

The raw suites are generated from the raw contract (models/staging/ai_maturity_raw/
_ai_maturity_raw__sources.yml): column presence and type, required values, enumerations, key
uniqueness, ranges, plausible period timestamps, volume against the previous period. The marts
suites check what the dbt tests do not: volume against the previous period, the distribution of
headline metrics, every team of dim_teams in each cluster mart for the latest period.

Prints one line per failed expectation, writes GX Data Docs (HTML) to --docs-dir, and exits 1 when
a `critical` expectation failed (warnings only print), 2 on a usage or connection error, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gx_checkpoint.contract import PROJECT_DIR, package_vars

ENV_MAX_SHARE = "AI_MATURITY_GX_MAX_SHARE"
ENV_MAX_VOLUME_DROP = "AI_MATURITY_GX_MAX_VOLUME_DROP"


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a share in [0, 1)")
    return value


def _vars(text: str) -> dict[str, Any]:
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        raise argparse.ArgumentTypeError("--vars is not YAML/JSON") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("--vars must be a mapping, e.g. '{ai_maturity__people_enabled: false}'")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = package_vars()
    parser = argparse.ArgumentParser(
        prog="validate.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=("duckdb", "spark", "postgres"), default="duckdb",
                        help="warehouse, as the dbt target of profiles/profiles.yml (default: duckdb)")
    parser.add_argument("--stage", choices=("raw", "marts", "all"), default="all",
                        help="raw tables (before dbt build), marts (after it) or both (default: all)")
    parser.add_argument("--raw-schema", default=None,
                        help=f"schema of the raw tables (default: var ai_maturity__raw_schema, "
                             f"'{defaults.get('ai_maturity__raw_schema')}' in dbt_project.yml)")
    parser.add_argument("--marts-schema", default=None,
                        help="schema of the marts (default: the schema holding fct_team_maturity)")
    parser.add_argument("--vars", type=_vars, default={},
                        help="package vars as dbt's --vars (YAML/JSON), e.g. "
                             "'{ai_maturity__people_enabled: false, ai_maturity__period: week}'")
    parser.add_argument("--max-share", type=_share, default=None,
                        help=f"share of rows violating a key, a required value or an enumeration above which "
                             f"the fault is critical (default: {ENV_MAX_SHARE} or 0.05)")
    parser.add_argument("--max-volume-drop", type=_share, default=None,
                        help=f"fall of the latest period's volume against the previous one that is critical "
                             f"(default: {ENV_MAX_VOLUME_DROP} or 0.5)")
    parser.add_argument("--min-violating-rows", type=int, default=None,
                        help="fewer violating rows are never critical, whatever their share (default 5: one "
                             "re-delivered team of 9 is a warning)")
    parser.add_argument("--docs-dir", type=Path, default=PROJECT_DIR / "target" / "gx",
                        help="where GX Data Docs (HTML) are written (default: target/gx of this project)")
    parser.add_argument("--results-json", type=Path, default=None,
                        help="also write the failed expectations as JSON (severity, relation, check, column, count)")
    args = parser.parse_args(argv)
    if args.min_violating_rows is not None and args.min_violating_rows < 1:
        parser.error("--min-violating-rows must be at least 1")
    for option, env in (("max_share", ENV_MAX_SHARE), ("max_volume_drop", ENV_MAX_VOLUME_DROP)):
        if getattr(args, option) is None and os.environ.get(env):
            try:
                setattr(args, option, _share(os.environ[env]))
            except argparse.ArgumentTypeError as error:
                parser.error(f"{env}: {error}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from gx_checkpoint.engines import UserError, make_target
    from gx_checkpoint.run import run_checkpoint
    from gx_checkpoint.suites import Thresholds

    settings = package_vars(args.vars)
    raw_schema = args.raw_schema or str(settings["ai_maturity__raw_schema"])
    period = settings.get("ai_maturity__period")
    if str(period) not in ("week", "month", "quarter"):
        print(f"validate.py: ai_maturity__period must be week, month or quarter, not {period!r}", file=sys.stderr)
        return 2
    thresholds = Thresholds(
        **{key: value for key, value in
           (("max_share", args.max_share), ("max_volume_drop", args.max_volume_drop),
            ("min_violating_rows", args.min_violating_rows)) if value is not None})
    stages = ("raw", "marts") if args.stage == "all" else (args.stage,)
    began = time.perf_counter()
    target = None
    try:
        target = make_target(args.target)
        outcome = run_checkpoint(target, stages, raw_schema, args.marts_schema, settings, thresholds,
                                 args.docs_dir.resolve())
    except UserError as error:
        print(f"validate.py: {error}", file=sys.stderr)
        return 2
    finally:
        if target is not None:
            target.close()
    for note in outcome.notes:
        print(f"{'NOTE':8} {note}")
    for finding in sorted(outcome.findings, key=lambda item: (item.severity != "critical", item.relation)):
        print(finding.line())
    if args.results_json:
        args.results_json.write_text(json.dumps(
            {"success": not outcome.critical, "notes": outcome.notes,
             "findings": [asdict(finding) for finding in outcome.findings]}, indent=2, default=str))
    critical = len(outcome.critical)
    print(
        f"{'FAILED' if critical else 'PASSED'}: {outcome.expectations} expectations on {outcome.tables} tables "
        f"({args.target}, stage {args.stage}), {critical} critical, {len(outcome.findings) - critical} warnings, "
        f"{time.perf_counter() - began:.1f} s; Data Docs: {outcome.docs_index}"
    )
    return 1 if critical else 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # DuckDB 2.0's bindings report "leaked" type objects at interpreter exit once GX has used them:
    # everything is written and every connection closed, so leave without the interpreter's teardown
    os._exit(code)
