"""Configuration mistakes get one clear line, never a silently wrong level or a stack trace: a typo in
the maturity criteria or SMART targets in use (the host project's relations here), and a wrong or
missing DuckDB path. (Switching off an optional table is in test_bad_input.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

from harness import (
    CRITERIA_TYPES,
    PROFILES_DIR,
    PROJECT_DIR,
    SCHEMAS,
    SMART_TARGET_TYPES,
    connect,
    copy_seed,
    run_dbt,
    write_raw_tables,
)
from test_change_delivery import RAW

VALIDATION_TESTS = [
    "test_name:maturity_criteria_are_valid",
    "test_name:smart_targets_are_smart",
    "test_name:config_metrics_are_measurable",
]
HOST_VARS = {
    "ai_maturity__maturity_criteria": "host.maturity_criteria",
    "ai_maturity__smart_targets": "host.smart_targets",
    "ai_maturity__llm_requests_enabled": False,
}
CRITERION_COLUMNS = "criterion_id, plane, level, metric_name, comparator, threshold, if_no_data, rationale, action"
TARGET_COLUMNS = "target_id, metric_name, team_id, comparator, target_value, deadline, owner, action, slo_class, description"


def host_relations(db_path: Path, criteria: Sequence[str], targets: Sequence[str]) -> None:
    """The host's own criteria and SMART targets: the package seeds' rows plus the given value rows."""
    write_raw_tables(db_path, RAW)
    with duckdb.connect(str(db_path)) as con:
        con.execute("create schema host")
        copy_seed(con, "maturity_criteria", "host.maturity_criteria", CRITERIA_TYPES)
        copy_seed(con, "smart_targets", "host.smart_targets", SMART_TARGET_TYPES)
        for row in criteria:
            con.execute(f"insert into host.maturity_criteria ({CRITERION_COLUMNS}) values {row}")
        for row in targets:
            con.execute(f"insert into host.smart_targets ({TARGET_COLUMNS}) values {row}")


def test_valid_host_relations_pass_and_a_switched_off_table_only_warns(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    # a criterion and a target of the host's own ids (not in the package seeds) are fine
    host_relations(
        db_path,
        ["('host_process_1_volume', 'process', 1, 'deployments_count', '>=', 1, 'not_met', 'volume', 'ship more')"],
        ["('host_cfr', 'change_fail_rate', 'team_a', '<=', 0.2, date '2025-12-31', 'me', 'investigate', 'p4', 'x')"],
    )
    result = run_dbt(["test", "--select", *VALIDATION_TESTS], db_path, tmp_path, dbt_vars=HOST_VARS)
    assert result.success, result.output[-3000:]
    assert sorted(r["status"] for r in result.run_results["results"]) == ["pass", "pass", "warn", "warn"]
    # llm_requests is off: the package's target on llm_error_rate is named, as a warning
    assert (
        "ai_maturity: SMART target 'all_llm_error_rate' reads llm_error_rate, whose raw table(s) llm_requests "
        "are switched off: evaluated not_measurable." in result.output
    )


BAD_CRITERIA = [
    "('typo_metric', 'process', 1, 'deployment_frequency_per_wek', '>=', 0.25, 'not_met', 'x', 'act')",
    "('bad_comparator', 'process', 1, 'deployments_count', '=>', 1, 'not_met', 'x', 'act')",
    "('bad_plane', 'Process', 1, 'deployments_count', '>=', 1, 'not_met', 'x', 'act')",
    "('bad_level', 'process', 5, 'deployments_count', '>=', 1, 'not_met', 'x', 'act')",
    "('bad_no_data', 'process', 1, 'deployments_count', '>=', 1, 'carry', 'x', 'act')",
    "('process_1_frequency', 'process', 1, 'deployments_count', '>=', 1, 'not_met', 'a second row with a seed id', 'act')",
    "(null, 'process', 1, 'deployments_count', '>=', 1, 'not_met', 'x', 'act')",
    "('no_action', 'process', 1, 'deployments_count', '>=', 1, 'not_met', 'x', ' ')",
]
BAD_CRITERIA_LINES = [
    "ai_maturity: maturity criterion 'bad_comparator' in host.maturity_criteria: unknown comparator \"=>\" (>=, >, <=, < or =)",
    "ai_maturity: maturity criterion 'bad_level' in host.maturity_criteria: unknown level 5 (1, 2, 3 or 4)",
    "ai_maturity: maturity criterion 'bad_no_data' in host.maturity_criteria: unknown if_no_data \"carry\" "
    "(not_met, met or carry_forward)",
    "ai_maturity: maturity criterion 'bad_plane' in host.maturity_criteria: unknown plane \"Process\" "
    "(process, platform, team_culture or product)",
    "ai_maturity: maturity criterion 'no_action' in host.maturity_criteria: no action "
    "(the suggested next step fct_team_next_actions shows)",
    "ai_maturity: maturity criterion 'process_1_frequency' in host.maturity_criteria: criterion_id appears 2 times",
    "ai_maturity: maturity criterion 'typo_metric' in host.maturity_criteria: "
    "unknown metric_name \"deployment_frequency_per_wek\" (not in the metric catalogue, dim_metrics)",
    "ai_maturity: maturity criterion with a null criterion_id in host.maturity_criteria: no criterion_id",
]
BAD_TARGETS = [
    "('typo_target', 'change_fail_rat', '*', '<=', 0.3, date '2025-12-31', 'me', 'investigate', 'p4', 'x')",
    "('no_owner', 'change_fail_rate', '*', '<=', 0.3, date '2025-12-31', ' ', 'investigate', 'p4', 'x')",
    "('bad_action', 'change_fail_rate', '*', '<=', 0.3, date '2025-12-31', 'me', 'page_someone', 'p4', 'x')",
    "('no_deadline', 'change_fail_rate', '*', '<=', 0.3, null, 'me', 'investigate', 'p4', 'x')",
]
BAD_TARGET_LINES = [
    "ai_maturity: SMART target 'bad_action' in host.smart_targets: not actionable: unknown action \"page_someone\" "
    "(retrain, rollback, rollback_prompt, reprioritize, throttle or investigate)",
    "ai_maturity: SMART target 'no_deadline' in host.smart_targets: not time-bound: no deadline",
    "ai_maturity: SMART target 'no_owner' in host.smart_targets: not relevant: no owner",
    "ai_maturity: SMART target 'typo_target' in host.smart_targets: not specific: unknown metric_name \"change_fail_rat\" "
    "(not in the metric catalogue, dim_metrics)",
]


def test_typos_in_host_criteria_and_targets_fail_with_one_line_each(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    host_relations(db_path, BAD_CRITERIA, BAD_TARGETS)
    result = run_dbt(["test", "--select", *VALIDATION_TESTS], db_path, tmp_path, dbt_vars=HOST_VARS)
    assert not result.success
    assert "Traceback" not in result.output
    by_test = {row["unique_id"].split(".")[2]: row for row in result.run_results["results"]}
    criteria = next(row for name, row in by_test.items() if name.startswith("ai_maturity_maturity_criteria_are_valid"))
    targets = next(row for name, row in by_test.items() if name.startswith("ai_maturity_smart_targets_are_smart"))
    assert criteria["status"] == "error" and targets["status"] == "error"
    # the message is exactly one line per bad row, sorted by id, naming the row and the problem
    assert message_lines(criteria["message"]) == BAD_CRITERIA_LINES
    assert message_lines(targets["message"]) == BAD_TARGET_LINES
    for line in BAD_CRITERIA_LINES + BAD_TARGET_LINES:
        assert line in result.output
    # a switched-off table stays a warning, even next to failing rows
    measurable = [row["status"] for name, row in by_test.items() if name.startswith("ai_maturity_config_metrics_are_measurable")]
    assert sorted(measurable) == ["warn", "warn"]


CRITERIA_MARTS = ["fct_org_investment_priorities", "fct_team_next_actions"]  # the marts that read `action`


def seed_columns(seed: str) -> list[str]:
    """The columns of a package seed, in CSV order (its header)."""
    header = (PROJECT_DIR / "seeds" / f"{seed}.csv").read_text(encoding="utf-8").splitlines()[0]
    return header.split(",")


def assert_criteria_readers_fail_with(db_path: Path, work: Path, line: str, dbt_vars: dict[str, object] | None = None) -> None:
    """The marts that read the criteria, and the criteria's validation test, each fail with `line`:
    a compiler error, never the database's (no traceback, no binder error on the missing column)."""
    for args in (["run", "--select", *CRITERIA_MARTS], ["test", "--select", "test_name:maturity_criteria_are_valid"]):
        result = run_dbt(args, db_path, work, dbt_vars=dbt_vars)
        assert not result.success
        assert line in result.output, result.output[-3000:]
        assert "Traceback" not in result.output and "Binder Error" not in result.output
        assert "Runtime Error" not in result.output


def test_host_criteria_without_action_is_one_line(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    host_relations(db_path, [], [])
    with duckdb.connect(str(db_path)) as con:
        con.execute("alter table host.maturity_criteria drop column action")
    assert_criteria_readers_fail_with(
        db_path, tmp_path,
        "ai_maturity: host.maturity_criteria (var ai_maturity__maturity_criteria) lacks column(s) action: it needs "
        "these columns of the package seed maturity_criteria: "
        + ", ".join(column for column in seed_columns("maturity_criteria") if column not in DESCRIPTIVE_CRITERIA_COLUMNS),
        HOST_VARS,
    )


DESCRIPTIVE_CRITERIA_COLUMNS = {"rationale"}  # documentation for people: the package never reads it


def test_host_criteria_without_a_descriptive_column_builds(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    host_relations(db_path, [], [])
    with duckdb.connect(str(db_path)) as con:
        con.execute("alter table host.maturity_criteria drop column rationale")
    result = run_dbt(["build", "--select", "+fct_team_next_actions", "--indirect-selection", "cautious",
                      "--exclude", "test_type:unit"], db_path, tmp_path,
                     dbt_vars=HOST_VARS)
    assert not result.failures(), result.failures()
    statuses = {item["unique_id"].split(".")[2]: item["status"] for item in result.run_results["results"]}
    assert [status for name, status in statuses.items() if name.startswith("ai_maturity_maturity_criteria_are_valid")] == ["pass"]
    assert statuses["fct_team_next_actions"] == "success"


def test_package_seed_loaded_without_action_is_one_line(tmp_path: Path) -> None:
    """A warehouse whose criteria seed was loaded before the `action` column existed."""
    db_path = tmp_path / "warehouse.duckdb"
    write_raw_tables(db_path, RAW)
    seeded = run_dbt(["seed", "--select", "maturity_criteria"], db_path, tmp_path)
    assert seeded.success, seeded.output[-3000:]
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"alter table {SCHEMAS['seeds']}.maturity_criteria drop column action")
    assert_criteria_readers_fail_with(
        db_path, tmp_path,
        "ai_maturity: seed maturity_criteria lacks column(s) action (loaded by an older version of the package): "
        "reload it with `dbt seed --full-refresh --select maturity_criteria`",
    )


def message_lines(message: str) -> list[str]:
    """The lines of a dbt compilation-error message after its heading."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return [line for line in lines if line.startswith("ai_maturity")]


# --- the DuckDB path -------------------------------------------------------------------------


def dbt_without_path_env(args: Sequence[str], cwd: Path, profiles_dir: str, work_dir: Path) -> subprocess.CompletedProcess[str]:
    """dbt from `cwd` with no AI_MATURITY_DUCKDB_PATH (the profile's default path)."""
    env = {
        key: value for key, value in os.environ.items() if key not in {"AI_MATURITY_DUCKDB_PATH", "AI_MATURITY_DUCKDB_TEMP_DIR"}
    }
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    cli = [
        str(Path(sys.executable).parent / "dbt"), *args,
        "--project-dir", str(PROJECT_DIR), "--profiles-dir", profiles_dir, "--target", "duckdb",
        "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
    ]
    return subprocess.run(cli, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_missing_directory_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = run_dbt(["build", "--select", "dim_metrics"], Path("/no/such/dir/x.duckdb"), tmp_path)
    assert not result.success
    assert (
        "ai_maturity (AI_MATURITY_DUCKDB_PATH): DuckDB file '/no/such/dir/x.duckdb' cannot be opened: directory "
        "'/no/such/dir' does not exist. Create it or set AI_MATURITY_DUCKDB_PATH to the DuckDB file that holds "
        "the raw tables." in result.output
    )
    assert "Traceback" not in result.output and "IO Error" not in result.output


def test_missing_file_is_not_created_empty(tmp_path: Path) -> None:
    typo = tmp_path / "warehuose.duckdb"
    result = run_dbt(["build", "--select", "dim_metrics"], typo, tmp_path)
    assert not result.success
    assert (
        f"ai_maturity (AI_MATURITY_DUCKDB_PATH): DuckDB file '{typo}' does not exist (dbt would create an empty database)."
        in result.output
    )
    assert "Traceback" not in result.output
    assert not typo.exists()


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A directory laid out like the project's: profiles/ (this project's profile and plugin), data/."""
    root = tmp_path / "proj"
    shutil.copytree(PROFILES_DIR, root / "profiles", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "data").mkdir()
    (tmp_path / "elsewhere").mkdir()
    return root


def test_default_path_is_the_projects_data_file_from_any_directory(project_copy: Path, tmp_path: Path) -> None:
    default = project_copy / "data" / "ai_maturity.duckdb"
    write_raw_tables(default, RAW)
    # run from another directory, with a relative --profiles-dir as a user would type it
    completed = dbt_without_path_env(
        ["run", "--select", "dim_metrics"], tmp_path / "elsewhere", "../proj/profiles", tmp_path / "run"
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    with connect(default) as con:
        metrics = con.execute("select count(*) from dim_metrics").fetchone()
    assert metrics is not None and metrics[0] > 0
    assert not list((tmp_path / "elsewhere").rglob("*.duckdb"))


def test_missing_default_file_names_the_resolved_path(project_copy: Path, tmp_path: Path) -> None:
    completed = dbt_without_path_env(
        ["build", "--select", "dim_metrics"], tmp_path / "elsewhere", str(project_copy / "profiles"), tmp_path / "run"
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    default = (project_copy / "data" / "ai_maturity.duckdb").resolve()
    assert (
        f"ai_maturity (the default path): DuckDB file '{default}' does not exist (dbt would create an empty database)."
        in output
    )
    assert "Traceback" not in output
    assert not default.exists()
