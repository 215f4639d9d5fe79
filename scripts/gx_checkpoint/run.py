"""Run the checkpoint: one GX Checkpoint per table, results summarised, Data Docs written."""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# GX imports pyspark, which warns about pandas 3 on every import: not this run's concern
warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\..*")

from .contract import identifier, is_enabled, raw_contract  # noqa: E402
from .engines import Target, UserError  # noqa: E402
from .suites import CRITICAL, Thresholds, mart_expectations, raw_expectations  # noqa: E402

MARTS_ANCHOR = "fct_team_maturity"
MARTS_SCHEMA_SUFFIX = "_ai_maturity_marts"
CORE_MARTS = ("dim_teams", "fct_team_metrics", "fct_team_maturity")


@dataclass
class Finding:
    """One failed expectation (or a table the checkpoint could not validate)."""

    severity: str
    relation: str
    description: str
    detail: str
    check: str = "table_exists"
    column: str | None = None
    count: int | None = None

    def line(self) -> str:
        return f"{self.severity.upper():8} {self.relation}: {self.description} — {self.detail}"


@dataclass
class Outcome:
    """Everything a run found."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    expectations: int = 0
    tables: int = 0
    docs_index: Path | None = None

    @property
    def critical(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == CRITICAL]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _count(value: Any) -> str:
    return f"{int(value):,}" if isinstance(value, (int, float)) else str(value)


def _show(value: Any) -> str:
    """A sample value as a user reads it: strings quoted, timestamps and numbers plain."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        return "(" + ", ".join(_show(item) for item in value.values()) + ")"
    return str(value)


def _count_of(result: Any) -> int | None:
    """The number of offending rows a failed expectation reports, when it reports one."""
    payload = result.result or {}
    if isinstance(payload.get("unexpected_count"), (int, float)):
        return int(payload["unexpected_count"])
    rows = (payload.get("details") or {}).get("unexpected_rows") or []
    if rows and isinstance(rows[0], Mapping) and "violating_rows" in rows[0]:
        return int(rows[0]["violating_rows"])
    if result.expectation_config.type == "unexpected_rows_expectation" and isinstance(payload.get("observed_value"), int):
        return int(payload["observed_value"])
    return None


def _detail(result: Any) -> str:
    """What a failed expectation saw, with counts."""
    if result.exception_info and result.exception_info.get("raised_exception"):
        message = str(result.exception_info.get("exception_message") or "error").strip().splitlines()
        return f"could not be evaluated: {message[0] if message else 'error'}"
    for info in (result.exception_info or {}).values():
        if isinstance(info, dict) and info.get("raised_exception"):
            message = str(info.get("exception_message") or "error").strip().splitlines()
            return f"could not be evaluated: {message[0] if message else 'error'}"
    payload = result.result or {}
    kind = result.expectation_config.type
    if "unexpected_count" in payload:
        percent = payload.get("unexpected_percent")
        share = f" ({percent:.2f} % of non-null)" if isinstance(percent, (int, float)) else ""
        sample = payload.get("partial_unexpected_list") or []
        shown = ", ".join(_show(value) for value in sample[:3])
        return (f"{_count(payload['unexpected_count'])} unexpected of {_count(payload.get('element_count'))} rows"
                f"{share}" + (f", e.g. {shown}" if shown else ""))
    if kind == "unexpected_rows_expectation":
        rows = (payload.get("details") or {}).get("unexpected_rows") or []
        observed = payload.get("observed_value")
        if rows and isinstance(rows[0], Mapping) and "violating_rows" in rows[0]:
            violating, total = rows[0]["violating_rows"], rows[0]["total_rows"]
            share = f" ({100 * violating / total:.2f} %)" if total else ""
            return f"{_count(violating)} of {_count(total)} rows{share}"
        if rows and isinstance(rows[0], Mapping) and len(rows[0]) > 1:
            shown = "; ".join(", ".join(f"{key}={_show(value)}" for key, value in row.items()) for row in rows[:3])
            return f"{_count(observed)} offending row(s): {shown}"
        sample = ", ".join(_show(next(iter(row.values()))) for row in rows[:3] if isinstance(row, Mapping))
        return f"{_count(observed)} unexpected row(s)" + (f", e.g. {sample}" if sample else "")
    if kind == "expect_column_to_exist":
        return "column missing"
    return f"observed {payload.get('observed_value')!r}"


def _quiet_gx() -> None:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    logging.getLogger("py4j").setLevel(logging.ERROR)


def make_context(docs_dir: Path) -> Any:
    """An ephemeral GX context whose Data Docs site is docs_dir (HTML, index.html)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _quiet_gx()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.add_data_docs_site(
        site_name="ai_maturity",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def _validate(
    context: Any, datasource: Any, target: Target, stage: str, schema: str, table: str,
    expectations: Sequence[Any], outcome: Outcome,
) -> None:
    """Run one table's suites as GX Checkpoints and record their failed expectations.

    GX's column expectations run with result format BASIC (counts and a few sample values, never
    the list of unexpected rows); the SQL expectations run with COMPLETE, which adds the rows their
    aggregate queries return (at most a few hundred, GX's cap) — the counts behind a critical share.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    name = f"{stage}.{table}"
    batch_definition, batch_parameters = target.add_batch(datasource, schema, table)
    sql = [expectation for expectation in expectations if isinstance(expectation, gxe.UnexpectedRowsExpectation)]
    columns = [expectation for expectation in expectations if not isinstance(expectation, gxe.UnexpectedRowsExpectation)]
    relation = f"{schema}.{table}"
    runs: tuple[tuple[str, list[Any], Literal["BASIC", "COMPLETE"]], ...] = (("", columns, "BASIC"), (".sql", sql, "COMPLETE"))
    for suffix, members, result_format in runs:
        if not members:
            continue
        suite = context.suites.add(gx.ExpectationSuite(name=name + suffix, expectations=list(members)))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name + suffix, data=batch_definition, suite=suite))
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(name=name + suffix, validation_definitions=[definition], result_format=result_format))
        result = checkpoint.run(batch_parameters=batch_parameters)
        for validation in result.run_results.values():
            for expectation_result in validation.results:
                outcome.expectations += 1
                if expectation_result.success:
                    continue
                config = expectation_result.expectation_config
                severity = getattr(config.severity, "value", config.severity)
                meta = config.meta or {}
                outcome.findings.append(
                    Finding(str(severity), relation, config.description or config.type, _detail(expectation_result),
                            check=str(meta.get("check", config.type)), column=meta.get("column"),
                            count=_count_of(expectation_result)))
    outcome.tables += 1


def resolve_marts_schema(target: Target, given: str | None) -> str:
    """--marts-schema, else the schema holding fct_team_maturity (the package's marts schema first)."""
    if given:
        if target.columns(given, MARTS_ANCHOR) is None:
            raise UserError(f"no {MARTS_ANCHOR} in schema '{given}': run `dbt build` or pass the marts schema")
        return given
    schemas = target.schemas_with(MARTS_ANCHOR)
    if not schemas:
        raise UserError(f"no {MARTS_ANCHOR} in the warehouse: run `dbt build` first, or pass --marts-schema")
    if len(schemas) > 1:
        preferred = [schema for schema in schemas if schema.endswith(MARTS_SCHEMA_SUFFIX)]
        if len(preferred) != 1:
            raise UserError(f"{MARTS_ANCHOR} exists in schemas {', '.join(schemas)}: pick one with --marts-schema")
        return preferred[0]
    return schemas[0]


def run_raw(context: Any, datasource: Any, target: Target, raw_schema: str, settings: Mapping[str, Any],
            thresholds: Thresholds, outcome: Outcome) -> None:
    tables = raw_contract()
    for number, table in enumerate(tables.values(), start=1):
        began = time.perf_counter()
        relation = identifier(settings, table.name)
        label = f"[raw {number}/{len(tables)}] {raw_schema}.{relation}"
        if table.optional and not is_enabled(settings, table.name):
            outcome.notes.append(f"{raw_schema}.{relation}: optional table switched off, not checked")
            progress(f"{label}: switched off, skipped")
            continue
        present = target.columns(raw_schema, relation)
        if present is None:
            if table.optional:
                outcome.notes.append(f"{raw_schema}.{relation}: optional table absent, not checked")
                progress(f"{label}: absent (optional), skipped")
            else:
                outcome.findings.append(Finding(CRITICAL, f"{raw_schema}.{relation}",
                                                f"required raw table {table.name} exists", "table missing"))
                progress(f"{label}: MISSING (required)")
            continue
        expectations = raw_expectations(table, present, target, settings, thresholds)
        before = len(outcome.findings)
        _validate(context, datasource, target, "raw", raw_schema, relation, expectations, outcome)
        progress(f"{label}: {len(expectations)} expectations, {len(outcome.findings) - before} failed, "
                 f"{time.perf_counter() - began:.1f} s")


def run_marts(context: Any, datasource: Any, target: Target, marts_schema: str, settings: Mapping[str, Any],
              thresholds: Thresholds, outcome: Outcome) -> None:
    rows = target.query(f"select distinct mart, cluster from {target.relation(marts_schema, 'dim_metrics')}")
    cluster_marts = {str(mart): str(cluster) for mart, cluster in rows}
    marts = [*CORE_MARTS, *sorted(cluster_marts)]
    for number, mart in enumerate(marts, start=1):
        began = time.perf_counter()
        label = f"[marts {number}/{len(marts)}] {marts_schema}.{mart}"
        if target.columns(marts_schema, mart) is None:
            outcome.findings.append(Finding(CRITICAL, f"{marts_schema}.{mart}", f"mart {mart} exists", "table missing"))
            progress(f"{label}: MISSING")
            continue
        expectations = mart_expectations(mart, marts_schema, cluster_marts, target, settings, thresholds)
        before = len(outcome.findings)
        _validate(context, datasource, target, "marts", marts_schema, mart, expectations, outcome)
        progress(f"{label}: {len(expectations)} expectations, {len(outcome.findings) - before} failed, "
                 f"{time.perf_counter() - began:.1f} s")


def run_checkpoint(target: Target, stages: Sequence[str], raw_schema: str, marts_schema: str | None,
                   settings: Mapping[str, Any], thresholds: Thresholds, docs_dir: Path) -> Outcome:
    """Validate the stages on the target, write Data Docs under docs_dir."""
    outcome = Outcome()
    resolved_marts = resolve_marts_schema(target, marts_schema) if "marts" in stages else None
    context = make_context(docs_dir)
    datasource = target.add_datasource(context)
    if "raw" in stages:
        run_raw(context, datasource, target, raw_schema, settings, thresholds, outcome)
    if resolved_marts is not None:
        run_marts(context, datasource, target, resolved_marts, settings, thresholds, outcome)
    began = time.perf_counter()
    context.build_data_docs(site_names=["ai_maturity"])
    outcome.docs_index = docs_dir / "index.html"
    progress(f"Data Docs written to {outcome.docs_index} in {time.perf_counter() - began:.1f} s")
    return outcome
