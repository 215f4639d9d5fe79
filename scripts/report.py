"""Write the maturity report: one self-contained HTML file drawn from the marts.

    .venv/bin/python scripts/report.py --duckdb data/ai_maturity.duckdb --out data/report.html
    .venv/bin/python scripts/report.py --target spark --out data/report.html      # or --target postgres

Reads only the marts, from the schema where fct_team_maturity exists (or --schema). The page opens
offline: every script, style and chart is inline. A user mistake (wrong path, target, schema, marts
not built) is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from maturity_report.errors import ReportError
from maturity_report.warehouse import DEFAULT_PROFILES_DIR, TARGETS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="report.py",
        description="Write the AI maturity report (one self-contained HTML file) from the package's marts.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--duckdb", type=Path, help="DuckDB file holding the marts (opened read-only)")
    source.add_argument(
        "--target",
        choices=TARGETS,
        help="a target of the dbt profile (profiles/profiles.yml): duckdb (its path), spark (the local "
        "metastore and warehouse of the spark target), postgres (the AI_MATURITY_PG_* settings); "
        "default: AI_MATURITY_TARGET or duckdb",
    )
    parser.add_argument("--schema", help="schema of the marts (default: the one schema holding fct_team_maturity)")
    parser.add_argument("--out", type=Path, required=True, help="HTML file to write")
    parser.add_argument("--profiles-dir", type=Path, default=DEFAULT_PROFILES_DIR, help="directory of profiles.yml")
    return parser.parse_args(argv)


def write_report(args: argparse.Namespace) -> tuple[Path, int, float]:
    """Render the report to args.out; its path, size in bytes and seconds taken."""
    from maturity_report.data import load
    from maturity_report.render import render_html
    from maturity_report.warehouse import find_schema, open_warehouse

    started = time.monotonic()
    if args.out.is_dir():
        raise ReportError(f"--out {args.out} is a directory: give the HTML file to write")
    if not args.out.parent.is_dir():
        raise ReportError(f"--out {args.out}: directory '{args.out.parent}' does not exist")
    warehouse = open_warehouse(args.duckdb, args.target, args.profiles_dir)
    try:
        schema = find_schema(warehouse, args.schema)
        data = load(warehouse, schema)
    finally:
        warehouse.close()
    source = str(args.duckdb) if args.duckdb is not None else f"target {args.target or 'default'}"
    html = render_html(data, source)
    args.out.write_text(html, encoding="utf-8")
    return args.out, len(html.encode("utf-8")), time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        path, size, seconds = write_report(args)
    except ReportError as error:
        print(f"report.py: {error}", file=sys.stderr)
        return 2
    print(f"Report written to {path} ({size / 1e6:.1f} MB, {seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
