"""`lakegate check` as a CI job runs it — a service principal from DATABRICKS_HOST,
DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET — and its JUnit report read by a JUnit
consumer nobody here wrote (junitparser, from PyPI)."""

import subprocess

from conftest import BINARY, REPO, service_principal_environment
from junitparser import Error, Failure, JUnitXml


def test_the_junit_report_loads_in_a_real_junit_consumer(sandbox, tmp_path):
    env = service_principal_environment(sandbox, tmp_path)
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
    # A service principal without CAN USE is answered 401 (apps-sp-without-can-use-401).
    assert failure.message == "status 401, expected 200"
    assert "Doctor:" in failure.text
    assert all(c.time >= 0 for c in suite)
    assert env["DATABRICKS_CLIENT_SECRET"] not in report.read_text()
