"""Deterministic demo-data generator for the `ai_maturity` raw contract.

Entry points: `build.generate(size, seed)` returns every raw table as a DataFrame plus the
anomaly manifest; `writer` lands them in DuckDB / parquet; `scripts/generate_demo_data.py` is the
CLI. Team designs (intended maturity per plane) and the prompt-incident scenario live in
`profiles` as data.
"""
