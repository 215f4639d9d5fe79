"""Generate the deterministic demo data set for `ai_maturity` into a DuckDB file.

    python scripts/generate_demo_data.py --duckdb data/ai_maturity.duckdb \
        [--schema raw] [--profile small|medium|large] [--seed 42] [--parquet-dir DIR] [--manifest PATH]

Every raw table of the contract is (re)created in the schema; same seed → identical tables.
Team designs and the prompt-incident scenario: scripts/demo_data/profiles.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_data.build import generate  # noqa: E402
from demo_data.common import SIZES  # noqa: E402
from demo_data.writer import write_duckdb, write_manifest, write_parquet  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Generate the ai_maturity demo raw tables.")
    parser.add_argument("--duckdb", required=True, help="DuckDB file to write (created if missing)")
    parser.add_argument("--schema", default="raw", help="schema of the raw tables (default: raw)")
    parser.add_argument("--profile", choices=sorted(SIZES), default="small", help="data volume (default: small)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    parser.add_argument("--parquet-dir", help="also write one parquet file per table here")
    parser.add_argument("--manifest", help="write the per-table row and anomaly counts (JSON) here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    generated = generate(args.profile, args.seed)
    write_duckdb(generated.tables, args.duckdb, args.schema)
    if args.parquet_dir:
        write_parquet(args.duckdb, args.parquet_dir, args.schema)
    if args.manifest:
        write_manifest(generated.manifest, args.manifest)
    total = sum(len(df) for df in generated.tables.values())
    print(f"wrote {len(generated.tables)} tables, {total} rows, to {args.duckdb} (schema {args.schema}) "
          f"in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
