"""What the tests against the sandbox share: `lakegate sandbox` as a separate process."""

import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("LAKEGATE_BIN", str(REPO / "target" / "debug" / "lakegate"))


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sandbox")
    proc = subprocess.Popen(
        [BINARY, "sandbox", "--port", "0", "--dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line, f"lakegate sandbox printed nothing: {proc.stderr.read()}"
        info = json.loads(line)
        os.environ["REQUESTS_CA_BUNDLE"] = info["ca_file"]
        # The SDK must not pick up a developer's own profile or environment.
        for name in list(os.environ):
            if name.startswith("DATABRICKS_"):
                del os.environ[name]
        os.environ["DATABRICKS_CONFIG_FILE"] = str(folder / "no-databrickscfg")
        yield info
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def service_principal_environment(sandbox, tmp_path):
    """A process environment with the sandbox's reporting-bot as its service principal
    (DATABRICKS_HOST, _CLIENT_ID, _CLIENT_SECRET, as a CI job or a Databricks App has it),
    the sandbox's CA trusted and folders of its own."""
    sp = next(sp for sp in sandbox["service_principals"] if sp["name"] == "reporting-bot")
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SSL_CERT_FILE": sandbox["ca_file"],
        "REQUESTS_CA_BUNDLE": sandbox["ca_file"],
        "DATABRICKS_HOST": sandbox["host"],
        "DATABRICKS_CLIENT_ID": sp["client_id"],
        "DATABRICKS_CLIENT_SECRET": sp["client_secret"],
        "DATABRICKS_CONFIG_FILE": str(tmp_path / "none.cfg"),
    }
