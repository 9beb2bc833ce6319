"""Lakegate speaks the databricks CLI's token protocol, checked with Databricks' own Python SDK
(pinned): a profile with `auth_type = databricks-cli` and `databricks_cli_path` pointing at
Lakegate gives the guide's own lines — `Config(profile=...).oauth_token()`,
`WorkspaceClient(profile=...)` — Lakegate's keychain tokens, refreshed by Lakegate.

Runs inside tests/with-keyring.sh (make sdk-tests does): the tokens live in a real Secret
Service, as on a person's machine."""

import base64
import configparser
import json
import os
import subprocess

import pytest
from conftest import BINARY, REPO
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config


@pytest.fixture()
def home(sandbox, tmp_path, monkeypatch):
    """A person's machine: Lakegate's files, a ~/.databrickscfg, and the sandbox's CA."""
    cfg = tmp_path / ".databrickscfg"
    cfg.write_text("; my profiles\n[DEFAULT]\nhost = https://example.cloud.databricks.com\n")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SSL_CERT_FILE": sandbox["ca_file"],
        "DATABRICKS_CONFIG_FILE": str(cfg),
        "BROWSER": str(REPO / "tests/e2e/sandbox-browser.sh"),
        "LAKEGATE_E2E_CA": sandbox["ca_file"],
        "LAKEGATE_E2E_USER": "alice@example.com",
        "LAKEGATE_E2E_HOME": str(tmp_path),
    }
    for key in ("DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL", "TMPDIR"):
        if key in os.environ:
            env[key] = os.environ[key]
    # The SDK runs Lakegate with the SDK's own environment: the same as the person's.
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env, cfg


def lakegate(env, *args, check=True):
    done = subprocess.run([BINARY, *args], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_a_profile_served_by_lakegate_gives_the_sdk_lakegates_tokens(sandbox, home):
    env, cfg = home
    before = cfg.read_bytes()
    said = lakegate(
        env, "login", "--host", sandbox["host"], "--profile", "my-env", "--write-profile"
    ).stdout
    assert "Signed in to my-env as alice@example.com" in said
    # The profile was appended, every earlier byte kept.
    after = cfg.read_bytes()
    assert after.startswith(before)
    parsed = configparser.ConfigParser()
    parsed.read_string(after.decode())
    assert parsed["my-env"]["auth_type"] == "databricks-cli"
    assert parsed["my-env"]["databricks_cli_path"] == str(os.path.realpath(BINARY))

    # What the SDK asks first, then its token command.
    version = lakegate(env, "version", "--output", "json").stdout
    assert '"Minor":296' in version.replace(" ", "")
    out = lakegate(env, "auth", "token", "--profile", "my-env", "--force-refresh").stdout
    assert '"token_type": "Bearer"' in out

    # The guide's own lines.
    token = Config(profile="my-env").oauth_token()
    assert token.token_type == "Bearer"
    assert token.access_token.count(".") == 2
    me = WorkspaceClient(profile="my-env").current_user.me()
    assert me.user_name == "alice@example.com"

    # An explicit profile= wins over DATABRICKS_CONFIG_PROFILE, as the SDK has it.
    os.environ["DATABRICKS_CONFIG_PROFILE"] = "DEFAULT"
    try:
        assert WorkspaceClient(profile="my-env").current_user.me().user_name == "alice@example.com"
    finally:
        del os.environ["DATABRICKS_CONFIG_PROFILE"]

    # The profile serves Lakegate's connection: it is not listed as one of its own.
    listed = lakegate(env, "connections", "--json").stdout
    assert "profile:my-env" not in listed

    # Writing it again for the same host changes nothing.
    again = lakegate(
        env, "login", "--host", sandbox["host"], "--profile", "my-env", "--write-profile"
    ).stdout
    assert "already gets its tokens from Lakegate" in again
    assert cfg.read_bytes() == after


def test_the_sdks_fallbacks_and_refusals_are_clear(sandbox, home):
    env, _ = home
    # --host, the form older CLIs and the SDK's fallback use, finds the connection by host.
    sp = next(sp for sp in sandbox["service_principals"] if sp["name"] == "reporting-bot")
    add = dict(env, LAKEGATE_SECRET=sp["client_secret"])
    lakegate(
        add,
        "connections", "add", "bot", "--host", sandbox["host"],
        "--service-principal", "--client-id", sp["client_id"],
    )
    out = lakegate(env, "auth", "token", "--host", sandbox["host"]).stdout
    assert '"access_token"' in out and '"expiry"' in out
    # An account id is refused in words, not an unknown flag.
    refused = lakegate(
        env, "auth", "token", "--host", sandbox["host"], "--account-id", "a-1", check=False
    )
    assert refused.returncode != 0
    assert "account-level hosts are not supported" in refused.stderr
    # --scopes, as `databricks auth login --scopes` takes them: the token carries them.
    lakegate(
        env, "login", "--host", sandbox["host"], "--profile", "scoped",
        "--scopes", "sql,files.files",
    )
    out = lakegate(env, "auth", "token", "--profile", "scoped", "--output", "text").stdout
    payload = out.strip().split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(claims["scope"].split()) >= {"sql", "files.files"}
    # The guide's own spelling of the Files scope gets a hint (the browser never returns).
    try:
        subprocess.run(
            [BINARY, "login", "--host", sandbox["host"], "--profile", "typo", "--scopes", "file.files"],
            env=dict(env, BROWSER="true"),
            capture_output=True,
            text=True,
            timeout=15,
        )
        raise AssertionError("the sign-in should still be waiting for the browser")
    except subprocess.TimeoutExpired as waiting:
        stderr = waiting.stderr.decode() if isinstance(waiting.stderr, bytes) else waiting.stderr
        assert "did you mean files.files?" in (stderr or "")
