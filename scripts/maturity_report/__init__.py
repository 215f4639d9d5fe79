"""The maturity report: one self-contained HTML file drawn from the package's marts.

Modules: `warehouse` (connect to DuckDB, Spark or PostgreSQL through the dbt profile and find the
marts' schema), `data` (read the marts), `charts` (Altair / Vega-Lite specs), `render` (the Jinja2
template with the Vega JavaScript inlined). `scripts/report.py` is the command line.
"""
