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
