"""Render the report: the Jinja2 template, the chart specs and the Vega JavaScript, all inline."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import vl_convert

from maturity_report.data import ReportData
from maturity_report.sections import Builder

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
VEGA_LITE_VERSION = "6.4"  # the Vega-Lite of the pinned Altair (alt.SCHEMA_VERSION v6.4.x)


@lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (shipped offline by vl-convert-python)."""
    # the stub marks `snippet` required; its default (None) bundles vegaEmbed, vegaLite and vega as globals
    return vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)  # type: ignore[call-arg]


def _json_in_script(text: str) -> str:
    """JSON that can sit inside a <script> element: every "<" escaped (still the same JSON)."""
    return text.replace("<", "\\u003c")


def _javascript_in_script(code: str) -> str:
    """JavaScript that can sit inside a <script> element: no "</script" or "<!--" left to end it early."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def render_html(data: ReportData, source: str) -> str:
    """The whole page as one string: every style, script, chart spec and datum inline."""
    builder = Builder(data)
    org = builder.organisation()
    teams = builder.team_sections()
    org.index = builder.index(teams)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    specs_json = json.dumps(builder.registry.specs, separators=(",", ":"), allow_nan=False, default=_json_default)
    template = env.get_template("report.html.j2")
    return template.render(
        org=org,
        teams=teams,
        data=data,
        source=source,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        planes=data.planes,
        specs_json=_json_in_script(specs_json),
        vega_js=_javascript_in_script(javascript_bundle()),
        charts_count=len(builder.registry.specs),
    )


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not serialisable: {type(value).__name__}")
