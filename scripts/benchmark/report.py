"""What the benchmark reports: the machine, dbt's own per-node timings and the printed table."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

# Models whose whole upstream computes the compared metrics (event-grain models and the spine);
# the two marts count themselves only (their other parents compute other metrics).
METRIC_UPSTREAM_ROOTS = (
    "int_deployments_classified",
    "int_changes_lead_time",
    "int_incidents_restored",
    "int_llm_requests_measured",
    "int_llm_traces_costed",
    "int_team_periods",
)
METRIC_MARTS = ("fct_change_delivery", "fct_governance_ethics")


def machine() -> dict[str, Any]:
    """Cores, RAM and CPU model of this machine."""
    cpu_model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gib": ram_gib,
        "cpu_model": cpu_model,
        "python": platform.python_version(),
    }


def node_kind(unique_id: str) -> str:
    return unique_id.split(".", 1)[0]


def model_name(unique_id: str) -> str:
    return unique_id.rsplit(".", 1)[-1]


def metric_node_ids(manifest: dict[str, Any]) -> set[str]:
    """Model nodes that compute the compared metrics: the roots and all their model ancestors,
    plus the two marts themselves."""
    by_name = {model_name(uid): uid for uid in manifest["nodes"] if node_kind(uid) == "model"}
    parents = manifest.get("parent_map", {})
    wanted: set[str] = {by_name[name] for name in METRIC_MARTS if name in by_name}
    stack = [by_name[name] for name in METRIC_UPSTREAM_ROOTS if name in by_name]
    while stack:
        uid = stack.pop()
        if uid in wanted:
            continue
        wanted.add(uid)
        stack.extend(p for p in parents.get(uid, []) if node_kind(p) == "model")
    return wanted


def dbt_timings(target_dir: Path) -> dict[str, Any]:
    """dbt's own per-node timings (run_results.json): time in tests vs models, the 10 slowest
    nodes, and the time of the nodes that compute the compared metrics (manifest.json)."""
    results_path = target_dir / "run_results.json"
    if not results_path.exists():
        return {}
    results = json.loads(results_path.read_text())
    nodes = [(r["unique_id"], float(r.get("execution_time") or 0.0), r["status"]) for r in results["results"]]
    by_kind: dict[str, float] = {}
    for uid, seconds, _ in nodes:
        by_kind[node_kind(uid)] = by_kind.get(node_kind(uid), 0.0) + seconds
    total = sum(by_kind.values())
    tests = by_kind.get("test", 0.0) + by_kind.get("unit_test", 0.0)
    slowest = sorted(nodes, key=lambda node: node[1], reverse=True)[:10]
    summary: dict[str, Any] = {
        "elapsed_s": results.get("elapsed_time"),
        "nodes": len(nodes),
        "node_seconds_total": total,
        "node_seconds_by_kind": by_kind,
        "test_seconds": tests,
        "model_seconds": by_kind.get("model", 0.0),
        "test_share": tests / total if total else None,
        "slowest_nodes": [{"node": uid, "seconds": seconds, "status": status} for uid, seconds, status in slowest],
    }
    manifest_path = target_dir / "manifest.json"
    if manifest_path.exists():
        wanted = metric_node_ids(json.loads(manifest_path.read_text()))
        summary["metric_nodes"] = len([uid for uid, _, _ in nodes if uid in wanted])
        summary["metric_node_seconds"] = sum(seconds for uid, seconds, _ in nodes if uid in wanted)
    return summary


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def render(result: dict[str, Any]) -> str:
    """The printed report."""
    lines = [f"ai_maturity benchmark — scale {result['scale']} ({' '.join(result['generator_args'])})"]
    if result.get("dbt_exclude"):
        lines.append(f"dbt builds exclude: {result['dbt_exclude']}")
    lines.append("dbt builds run " + ("every model, data test and unit test" if result.get("unit_tests")
                                     else "every model and data test, no unit tests (a scheduled job's build)"))
    lines.append("")
    lines.append(f"{'step':<34} {'wall s':>9} {'peak RSS GiB':>13}  note")
    for name, step in result["steps"].items():
        lines.append(f"{name:<34} {fmt(step.get('wall_s')):>9} {fmt(step.get('peak_rss_gib'), 3):>13}  "
                     f"{step.get('note', '')}")
    ratios = result["ratios"]
    dbt = result.get("dbt_full", {})
    lines += [
        "",
        f"full/floor          {fmt(ratios.get('full_over_floor'), 1)}×",
        f"incremental/full    {fmt(ratios.get('incremental_over_full'), 3)}",
        f"pandas/dbt          {fmt(ratios.get('pandas_over_dbt'), 3)}  (pandas wall ÷ dbt full build wall)",
        f"pandas/dbt metric nodes {fmt(ratios.get('pandas_over_metric_nodes'), 3)}  "
        f"(÷ {fmt(dbt.get('metric_node_seconds'))} s "
        f"of dbt's own time in the {dbt.get('metric_nodes', '–')} models computing those metrics)",
        f"dbt node time: {fmt(dbt.get('node_seconds_total'))} s over {dbt.get('nodes', '–')} nodes, "
        f"tests {fmt(dbt.get('test_seconds'))} s = {fmt(percent(dbt.get('test_share')), 1)} %, "
        f"models {fmt(dbt.get('model_seconds'))} s",
        "10 slowest dbt nodes:",
    ]
    for node in dbt.get("slowest_nodes", []):
        lines.append(f"  {node['seconds']:8.2f} s  {node['node']}")
    for key, label in (("comparison", "full build"), ("comparison_incremental", "incremental build")):
        comparison = result.get(key) or {}
        lines.append(f"pandas vs marts ({label}): {comparison.get('cells_compared', 0)} team × month × metric "
                     f"cells compared, {comparison.get('cells_mismatched', '–')} mismatched "
                     f"(relative tolerance 1e-9, nulls equal)")
        for example in comparison.get("examples", [])[:5]:
            lines.append(f"  {example}")
    m = result["machine"]
    dbt_threads = result["duckdb"].get("dbt_threads", "–")  # not recorded before 2026-12-07
    lines.append(f"machine: {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['cpu_model']}; DuckDB threads "
                 f"{result['duckdb']['threads']}, memory_limit {result['duckdb']['memory_limit']}; dbt threads {dbt_threads}")
    lines.append(f"results: {result['results_path']}")
    return "\n".join(lines)
