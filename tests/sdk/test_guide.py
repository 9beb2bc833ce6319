"""The guide's lines, run as a person would paste them: `lakegate guide` prints each step
in Python (as Databricks' page writes it, with the sandbox filled in), and Databricks' own
SDK from PyPI runs them against the sandbox with a service principal from the environment,
as an external application or another Databricks App would."""

import subprocess
import sys

from conftest import BINARY, service_principal_environment


def lines(env, step, tool, app="sales"):
    done = subprocess.run(
        [BINARY, "guide", "--app", app, "--step", step, "--tool", tool],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), f"no {tool} lines for {step}"
    return done.stdout


# The sandbox's apps live at *.apps.localhost, which curl and browsers send to loopback
# (RFC 6761) but Python's resolver does not: the lines run as written, with names under
# .localhost resolved as /etc/hosts would once it lists them.
LOOPBACK_NAMES = """
import socket
_resolve = socket.getaddrinfo
def _loopback(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _resolve(host, *args, **kwargs)
socket.getaddrinfo = _loopback
"""


def run_python(env, code):
    return subprocess.run(
        [sys.executable, "-c", LOOPBACK_NAMES + code], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_send_step_in_python_answers_200(sandbox, tmp_path):
    env = service_principal_environment(sandbox, tmp_path)
    code = lines(env, "send", "python")
    assert "wc.config.authenticate()" in code
    done = run_python(env, code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "200", done.stdout


def test_one_app_calling_another_needs_no_explicit_credentials(sandbox, tmp_path):
    env = service_principal_environment(sandbox, tmp_path)
    code = lines(env, "from-app", "python")
    assert "client_secret" not in code and "DATABRICKS_CLIENT_SECRET=" not in code
    done = run_python(env, code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "200", done.stdout


def test_the_service_principal_step_gets_headers_from_the_environment(sandbox, tmp_path):
    env = service_principal_environment(sandbox, tmp_path)
    code = lines(env, "service-principal", "python") + "\nprint(sorted(headers))\n"
    done = run_python(env, code)
    assert done.returncode == 0, done.stderr
    assert "Authorization" in done.stdout


def test_the_guide_never_prints_a_secret(sandbox, tmp_path):
    env = service_principal_environment(sandbox, tmp_path)
    done = subprocess.run([BINARY, "guide", "--app", "sales"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert env["DATABRICKS_CLIENT_SECRET"] not in done.stdout
    assert "eyJ" not in done.stdout
    assert "[ok]" in done.stdout
    bad = subprocess.run([BINARY, "guide", "--step", "nope"], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "the steps:" in bad.stderr
