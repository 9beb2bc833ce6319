"""`lakegate check` as a CI job runs it — a service principal from DATABRICKS_HOST,
DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET — and its JUnit report read by a JUnit
consumer nobody here wrote (junitparser, from PyPI)."""

import os
import subprocess

from conftest import BINARY, REPO
from junitparser import Error, Failure, JUnitXml


def test_the_junit_report_loads_in_a_real_junit_consumer(sandbox, tmp_path):
    sp = next(sp for sp in sandbox["service_principals"] if sp["name"] == "reporting-bot")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SSL_CERT_FILE": sandbox["ca_file"],
        "DATABRICKS_HOST": sandbox["host"],
        "DATABRICKS_CLIENT_ID": sp["client_id"],
        "DATABRICKS_CLIENT_SECRET": sp["client_secret"],
        "DATABRICKS_CONFIG_FILE": str(tmp_path / "none.cfg"),
    }
    report = tmp_path / "reports" / "checks.xml"
    done = subprocess.run(
        [BINARY, "check", str(REPO / "tests/fixtures/checks/smoke.json"), "--junit", str(report)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    xml = JUnitXml.fromfile(str(report))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert suite.name == "Sandbox smoke checks"
    assert (suite.tests, suite.failures, suite.errors) == (5, 1, 0)
    cases = {case.name: case for case in suite}
    assert len(cases) == 5
    assert cases["hello greets its caller"].is_passed
    finance = cases["finance month-end"]
    assert not finance.is_passed
    [failure] = finance.result
    assert isinstance(failure, Failure) and not isinstance(failure, Error)
    assert failure.message == "status 403, expected 200"
    assert "Doctor:" in failure.text
    assert all(c.time >= 0 for c in suite)
    assert sp["client_secret"] not in report.read_text()
