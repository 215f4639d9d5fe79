"""The maturity report (scripts/report.py) on the demo warehouse.

Without a browser: the file is self-contained (no URL to fetch, every chart spec inline), the
numbers are honest (a suppressed survey cell says so, null is "no data", every rate carries its
sample size, tiles equal the marts) and user mistakes are one line. In headless Chromium (Debian's
`chromium`; scripts/test.sh installs it when it may, else the test is skipped with the reason), with
the network off: no script error or warning, every chart drawn as a non-empty SVG, the designed
facts of the demo visible, and a screenshot saved (AI_MATURITY_REPORT_SCREENSHOT=path keeps a copy).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, DemoWarehouse
from demo_data.profiles import INCIDENT_SCENARIO, TEAMS
from harness import MARTS_SCHEMA, query
from maturity_report.data import load
from maturity_report.formatting import NO_DATA, format_sample_size, format_score, format_value
from maturity_report.sections import Builder
from maturity_report.warehouse import DuckDBWarehouse, profile_target

REPORT = PROJECT_DIR / "scripts" / "report.py"
LEVEL_FOUR_TEAM = next(team.team_id for team in TEAMS if team.levels.overall == 4)
# the documented default of ai_maturity__min_respondents (README, Configuration)
DOCUMENTED_MIN_RESPONDENTS = 5


def run_report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPORT), *args], capture_output=True, text=True, check=False)


def copy_marts(demo_db: Path, target: Path, schema: str, rows: bool = True) -> None:
    """Copy the demo's marts (fct_/dim_) into `schema` of another DuckDB file (empty when not `rows`)."""
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach '{demo_db}' as demo (read_only)")
        con.execute(f"create schema if not exists {schema}")
        tables = con.execute(
            "select table_name from information_schema.tables where table_catalog = 'demo' "
            f"and table_schema = '{MARTS_SCHEMA}' and (table_name like 'fct_%' or table_name like 'dim_%')"
        ).fetchall()
        for (table,) in tables:
            con.execute(f"create table {schema}.{table} as select * from demo.{MARTS_SCHEMA}.{table}"
                        + ("" if rows else " where false"))


@pytest.fixture(scope="module")
def report_html(demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    completed = run_report("--duckdb", str(demo_warehouse.db_path), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith(f"Report written to {out}"), completed.stdout
    return out


@pytest.fixture(scope="module")
def builder(demo_warehouse: DemoWarehouse) -> Builder:
    warehouse = DuckDBWarehouse(demo_warehouse.db_path)
    try:
        return Builder(load(warehouse, MARTS_SCHEMA))
    finally:
        warehouse.close()


class _Scripts(HTMLParser):
    """Splits a page into its <script> bodies and everything else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.in_script = False
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.outside: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += attrs
        if tag == "script":
            self.in_script = True
            self.scripts.append((dict(attrs), ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        else:
            self.outside.append(data)


def _no_constant(name: str) -> None:
    raise AssertionError(f"{name} in the chart data")


def test_report_is_one_self_contained_file(report_html: Path) -> None:
    html = report_html.read_text()
    page = _Scripts()
    page.feed(html)
    # nothing is loaded from elsewhere: no src/href attribute but in-page anchors
    for name, value in page.attributes:
        if name in {"src", "href", "data", "srcset", "action"}:
            assert value is not None and value.startswith("#"), (name, value)
    assert "<link" not in html.lower()
    assert not re.search(r"https?://", "".join(page.outside)), "a URL outside the scripts"
    assert all("src" not in attrs for attrs, _ in page.scripts)
    specs = json.loads(
        next(body for attrs, body in page.scripts if attrs.get("id") == "chart-specs"), parse_constant=_no_constant
    )
    # no NaN, infinity or Python None printed anywhere on the page
    assert not re.search(r"\b(nan|NaN|inf|Infinity|None)\b", "".join(page.outside))
    # every chart's data is inline: no spec loads data from a URL
    assert not re.search(r'"url"\s*:', json.dumps(specs))
    chart_ids = re.findall(r'data-chart="(chart-\d+)"', html)
    assert sorted(chart_ids) == sorted(specs), "every chart div has its spec and every spec a div"
    # Vega, Vega-Lite and vega-embed are inline
    bundle = max((body for _, body in page.scripts), key=len)
    assert "vegaEmbed" in bundle and len(bundle) > 500_000


def test_survey_cells_say_suppressed_or_no_data_never_a_number(demo_warehouse: DemoWarehouse, builder: Builder) -> None:
    assert builder.data.min_respondents == DOCUMENTED_MIN_RESPONDENTS
    rows = query(
        demo_warehouse.db_path,
        "select team_id, strftime(period_start, '%b %Y') as period, westrum_score, westrum_respondents, "
        "westrum_is_suppressed from main_ai_maturity_marts.fct_people_culture order by team_id, period_start",
    )
    suppressed = [row for row in rows if row["westrum_is_suppressed"]]
    missing = [row for row in rows if row["westrum_score"] is None and not row["westrum_is_suppressed"]]
    assert suppressed and missing, "the demo has suppressed and empty survey cells"
    for row in rows:
        section = builder.team(row["team_id"])
        column = section.survey_columns.index("westrum")
        cell = next(r for r in section.survey_rows if r["period"] == row["period"])["cells"][column]
        if row["westrum_is_suppressed"]:
            assert cell == {"text": "suppressed (fewer than 5 respondents)", "kind": "suppressed"}, row
        elif row["westrum_score"] is None:
            assert cell == {"text": "no data", "kind": "none"}, row
        else:
            # the score rounded half up to 2 decimals (values within 1e-12 of a half are halves)
            score = Decimal(f"{row['westrum_score']:.12f}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            assert cell["text"] == f"{score} (n = {row['westrum_respondents']} respondents)", row


def test_dora_tiles_equal_the_mart_with_band_and_sample_size(demo_warehouse: DemoWarehouse, builder: Builder) -> None:
    row = query(
        demo_warehouse.db_path,
        "select * from main_ai_maturity_marts.fct_change_delivery "
        f"where team_id = '{LEVEL_FOUR_TEAM}' and period_start = date '2025-12-01'",
    )[0]
    tiles = {tile.label: tile for tile in builder.team(LEVEL_FOUR_TEAM).tiles}
    assert list(tiles) == [
        "deployment frequency per week",
        "change lead time median hours",
        "change fail rate",
        "failed deployment recovery median hours",
        "rework rate",
    ]
    cfr = tiles["change fail rate"]
    # 5 failed of 70 deployments in December (fct_change_delivery; 70 = the staged production
    # deployments of the month, neither cancelled nor rollbacks): 7.1 %, band high (≤ 20 % in 2024)
    assert (row["failed_deployments_count"], row["change_fail_rate_n"]) == (5, 70)
    assert (cfr.value_text, cfr.band, cfr.n_text) == ("7.1 %", "high", "n = 70")
    assert cfr.value_text == f"{100 * 5 / 70:.1f} %"
    lead = tiles["change lead time median hours"]
    assert (lead.band, lead.n_text) == (row["change_lead_time_band"], f"n = {row['change_lead_time_median_hours_n']}")
    assert lead.value_text == f"{row['change_lead_time_median_hours']:.1f} h"
    assert tiles["rework rate"].band is None  # the DORA reports give rework no band
    assert all(tile.chart_id for tile in tiles.values())


def test_null_is_no_data_and_zero_stays_zero() -> None:
    for value in (None, float("nan"), float("inf"), float("-inf")):
        assert format_value(value, "ratio") == NO_DATA
        assert format_value(value, "usd") == NO_DATA
    assert format_value(0.0, "ratio") == "0.0 %"
    assert format_value(0, "count") == "0"
    assert format_sample_size(None, True) == "n = 0"
    assert format_sample_size(12, True) == "n = 12"
    # a score a hair below or above a half prints the same (engines differ in the last bits)
    assert format_score(0.68499999999999994) == format_score(0.6850000000000001) == "0.69"
    assert format_score(None) == NO_DATA


def test_blockers_show_observed_threshold_gap_and_sample_size(demo_warehouse: DemoWarehouse, builder: Builder) -> None:
    expected = query(
        demo_warehouse.db_path,
        "select b.team_id, b.criterion_id, b.observed_value, b.threshold, b.gap, m.sample_size "
        "from main_ai_maturity_marts.fct_maturity_blockers as b left join main_ai_maturity_marts.fct_team_metrics as m "
        "on m.team_id = b.team_id and m.period_start = b.period_start and m.metric_name = b.metric_name "
        "where b.period_start = date '2025-12-01' and b.criterion_id = 'platform_4_sla'",
    )
    assert expected, "some team is blocked on platform_4_sla in December"
    for row in expected:
        shown = next(b for b in builder.team(row["team_id"]).blockers if b["criterion_id"] == "platform_4_sla")
        assert shown["rule"] == "sla_adherence >= 0.99"
        assert shown["observed"] == f"{100 * row['observed_value']:.1f} %"
        assert shown["threshold"] == "99.0 %"
        assert shown["gap"] == f"{row['gap']:.3g}"
        assert shown["n"] == f"n = {row['sample_size']}"
    assert builder.team(LEVEL_FOUR_TEAM).blockers == []


def test_schema_is_found_wherever_the_marts_are(demo_warehouse: DemoWarehouse, tmp_path: Path) -> None:
    moved = tmp_path / "moved.duckdb"
    copy_marts(demo_warehouse.db_path, moved, "main_ai_maturity_marts")
    out = tmp_path / "report.html"
    completed = run_report("--duckdb", str(moved), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    assert "(schema <code>main_ai_maturity_marts</code>)" in out.read_text()

    with duckdb.connect(str(moved)) as con:
        con.execute("create table main.fct_team_maturity as select * from main_ai_maturity_marts.fct_team_maturity")
    completed = run_report("--duckdb", str(moved), "--out", str(out))
    assert (completed.returncode, completed.stderr) == (
        2,
        "report.py: fct_team_maturity exists in several schemas (main, main_ai_maturity_marts): pick one with --schema\n",
    )
    completed = run_report("--duckdb", str(moved), "--schema", "main", "--out", str(out))
    assert completed.returncode == 2
    assert completed.stderr.startswith("report.py: schema 'main' lacks the mart(s) dim_teams, dim_metrics")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duckdb", "/no/such/dir/x.duckdb"], "report.py: DuckDB file '/no/such/dir/x.duckdb' does not exist"),
        (["--schema", "nope"], "report.py: schema 'nope' has no fct_team_maturity"),
        (["--schema", "main; drop table x"], "report.py: schema 'main; drop table x' is not a plain identifier"),
        (
            ["--out", "/no/such/dir/report.html"],
            "report.py: --out /no/such/dir/report.html: directory '/no/such/dir' does not exist",
        ),
    ],
)
def test_user_mistakes_are_one_line(demo_warehouse: DemoWarehouse, tmp_path: Path, args: list[str], message: str) -> None:
    defaults = {"--duckdb": str(demo_warehouse.db_path), "--out": str(tmp_path / "r.html")}
    for name, value in defaults.items():
        if name not in args:
            args = [*args, name, value]
    completed = run_report(*args)
    assert completed.returncode == 2
    assert completed.stderr.startswith(message), completed.stderr
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr


def test_empty_warehouse_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    completed = run_report("--duckdb", str(empty), "--out", str(tmp_path / "r.html"))
    assert (completed.returncode, completed.stderr.count("\n")) == (2, 1)
    assert completed.stderr.startswith("report.py: no schema holds fct_team_maturity")
    assert not (tmp_path / "r.html").exists()


def test_targets_read_the_dbt_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AI_MATURITY_PG_HOST": "db.internal",
        "AI_MATURITY_PG_PORT": "6543",
        "AI_MATURITY_PG_USER": "analyst",
        "AI_MATURITY_PG_DBNAME": "warehouse",
    }.items():
        monkeypatch.setenv(name, value)
    settings = profile_target("postgres")
    assert (settings["host"], settings["port"], settings["user"], settings["dbname"]) == (
        "db.internal",
        6543,
        "analyst",
        "warehouse",
    )
    monkeypatch.delenv("AI_MATURITY_DUCKDB_PATH", raising=False)
    assert Path(profile_target("duckdb")["path"]).resolve() == PROJECT_DIR / "data" / "ai_maturity.duckdb"
    monkeypatch.setenv("AI_MATURITY_DUCKDB_PATH", "/x/y.duckdb")
    assert profile_target("duckdb")["path"] == "/x/y.duckdb"


def test_unreachable_postgres_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "AI_MATURITY_PG_HOST": "127.0.0.1", "AI_MATURITY_PG_PORT": "9", "AI_MATURITY_PG_DBNAME": "nowhere"}
    completed = subprocess.run(
        [sys.executable, str(REPORT), "--target", "postgres", "--out", str(tmp_path / "r.html")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("report.py: cannot connect to PostgreSQL 127.0.0.1:9/nowhere: ")
    assert completed.stderr.count("\n") == 1, completed.stderr


def test_empty_marts_say_no_data(demo_warehouse: DemoWarehouse, tmp_path: Path) -> None:
    """Every mart present and empty (a warehouse with no events yet): a report that says so."""
    empty = tmp_path / "empty_marts.duckdb"
    copy_marts(demo_warehouse.db_path, empty, "main", rows=False)
    out = tmp_path / "report.html"
    completed = run_report("--duckdb", str(empty), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    html = out.read_text()
    assert "no team has a maturity level yet" in html
    assert "no raw row was rejected, flagged or duplicated" in html
    assert re.findall(r'data-chart="(chart-\d+)"', html) == []
    page = _Scripts()
    page.feed(html)
    assert not re.search(r"\b(nan|NaN|inf|Infinity|None)\b", "".join(page.outside))


def test_help_has_no_side_effects(tmp_path: Path) -> None:
    completed = subprocess.run([sys.executable, str(REPORT), "--help"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert completed.returncode == 0 and "--schema" in completed.stdout
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- in a real browser
CHROMIUM_FLAGS = [
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    # the network is off: every request goes to a closed local port, no name resolves
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=60000",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it with apt-get when run as root)")


@dataclass(frozen=True)
class BrowserRun:
    dom: str
    console: list[str]


@pytest.fixture(scope="module")
def browser(report_html: Path, tmp_path_factory: pytest.TempPathFactory) -> BrowserRun:
    profile = tmp_path_factory.mktemp("chromium-profile")
    completed = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", f"{report_html.as_uri()}#expand-all"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    console = [line for line in completed.stderr.splitlines() if "CONSOLE" in line]
    return BrowserRun(completed.stdout, console)


def _between(dom: str, start: str, end: str) -> str:
    begin = dom.index(start)
    stop = dom.find(end, begin + len(start))
    return dom[begin : stop if stop >= 0 else len(dom)]


def test_browser_no_console_error_and_every_chart_drawn(browser: BrowserRun, report_html: Path) -> None:
    dom = browser.dom
    assert '<ul id="report-errors"></ul>' in dom, _between(dom, '<ul id="report-errors">', "</ul>")
    assert '<ul id="report-warnings"></ul>' in dom, _between(dom, '<ul id="report-warnings">', "</ul>")
    assert not [line for line in browser.console if "error" in line.lower() or "uncaught" in line.lower()], browser.console
    expected = len(set(re.findall(r'data-chart="(chart-\d+)"', report_html.read_text())))
    assert expected > 50
    assert f'data-charts-rendered="{expected}"' in dom and 'data-charts-failed="0"' in dom
    pieces = re.split(r'(?=<div class="chart[^"]*" data-chart=")', dom)[1:]
    assert len(pieces) == expected
    for piece in pieces:
        chart = piece.split('data-chart="', 1)[1].split('"', 1)[0]
        assert 'data-state="rendered"' in piece.split(">", 1)[0], chart
        svg = piece[piece.index("<svg") : piece.index("</svg>")]
        # drawn: the SVG has a size and at least one mark with geometry
        width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
        assert width > 50, chart
        assert re.search(r'class="mark-[a-z]+ role-mark', svg), chart
        assert re.search(r'<path [^>]*d="M|<rect |<line ', svg), chart


def test_browser_shows_the_demo_designed_facts(browser: BrowserRun) -> None:
    dom = browser.dom
    # the level-4 team: no blockers
    section = _between(dom, f'id="team-{LEVEL_FOUR_TEAM}"', '<details class="team"')
    assert "No blockers: level 4 on every plane in Dec 2025." in section
    assert 'class="blocker"' not in section
    # a team below level 4 does list its blockers (the table is not simply missing)
    lower = _between(dom, f'id="team-{INCIDENT_SCENARIO.team_id}"', '<details class="team"')
    assert lower.count('class="blocker"') > 0
    # the September prompt regression: a p1 rollback_prompt alert in the organisation's alert list ...
    alerts = _between(dom, 'id="alerts"', 'id="data-quality"')
    row = re.search(
        rf'<tr class="alert slo-p1 status-\w+" data-slo="p1" data-team="{INCIDENT_SCENARIO.team_id}" '
        rf'data-feature="{INCIDENT_SCENARIO.feature_name}" data-action="rollback_prompt">(.*?)</tr>',
        alerts,
        re.DOTALL,
    )
    assert row, "the p1 prompt-rollback alert is listed"
    assert "<td>Sep 2025</td>" in row.group(1)  # INCIDENT_SCENARIO.month
    assert INCIDENT_SCENARIO.month == "2025-09"
    # ... and marked on the team's LLM charts where it fired
    llm = _between(lower, 'class="panel llm-panel"', "</figure>")
    assert f"p1 rollback_prompt: {INCIDENT_SCENARIO.feature_name}</text>" in llm


def test_browser_screenshot(report_html: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    completed = subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1400,1900",
            f"--screenshot={shot}",
            report_html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    keep = os.environ.get("AI_MATURITY_REPORT_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)
