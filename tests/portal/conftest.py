"""The audit log's figures in pytest's terminal summary, computed from the outcomes of the tests that ran.

A tampering test names its case first (`tampering("truncate")`), then, once `audit_verify` has caught it, where the
first fault was named (`found("#41")`). A test that fails, or never gets to `found`, is printed NOT detected.
"""

import pytest
from django.db import connection

_TAMPERING: list[tuple[str, str, str | None, bool]] = []  # (database, case, where found, passed)
_DB_ROLE: list[tuple[str, str, bool]] = []  # (database, statement, passed)


@pytest.fixture
def tampering(request):
    def start(case: str):
        request.node.user_properties.append(("audit_tampering", (connection.vendor, case)))

        def found(where: str) -> None:
            request.node.user_properties.append(("audit_tampering_found", where))

        return found

    return start


@pytest.fixture
def db_role_figure(request):
    """Records what the application role could or could not do, for the summary line."""

    def record(statement: str) -> None:
        request.node.user_properties.append(("audit_db_role", (connection.vendor, statement)))

    return record


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    properties = dict(report.user_properties)
    if "audit_tampering" in properties:
        vendor, case = properties["audit_tampering"]
        _TAMPERING.append((vendor, case, properties.get("audit_tampering_found"), report.passed))
    if "audit_db_role" in properties:
        vendor, statement = properties["audit_db_role"]
        _DB_ROLE.append((vendor, statement, report.passed))


def pytest_terminal_summary(terminalreporter):
    for vendor in sorted({row[0] for row in _TAMPERING}):
        cases = [row for row in _TAMPERING if row[0] == vendor]
        parts = [
            f"{case} detected ({where})" if passed and where else f"{case} NOT detected"
            for _, case, where, passed in cases
        ]
        detected = sum(1 for *_, where, passed in cases if passed and where)
        terminalreporter.write_line(
            f"audit tampering ({vendor}), first bad record named: {', '.join(parts)}; {detected}/{len(cases)}"
        )
    for vendor in sorted({row[0] for row in _DB_ROLE}):
        rows = [row for row in _DB_ROLE if row[0] == vendor]
        parts = [f"{statement} {'as expected' if passed else 'NOT as expected'}" for _, statement, passed in rows]
        good = sum(1 for *_, passed in rows if passed)
        terminalreporter.write_line(f"audit table, application role ({vendor}): {', '.join(parts)}; {good}/{len(rows)}")
