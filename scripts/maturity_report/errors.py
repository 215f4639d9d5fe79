"""The one exception the report raises for a user mistake (printed as one line, no traceback)."""

from __future__ import annotations


class ReportError(Exception):
    """A problem the user can fix: a wrong path, target, schema or missing mart."""
