"""The sandbox against a client nobody here wrote: Databricks' own Python SDK.

Runs `lakegate sandbox` as a separate process, trusts its CA through
REQUESTS_CA_BUNDLE, and uses the SDK exactly as the source guide does.
"""

import json
import os

import pytest
import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config
from databricks.sdk.errors import NotFound, PermissionDenied


def service_principal(info, name="reporting-bot"):
    return next(sp for sp in info["service_principals"] if sp["name"] == name)


def user(info, email):
    return next(u for u in info["users"] if u["email"] == email)


def m2m_client(info):
    sp = service_principal(info)
    return WorkspaceClient(host=info["host"], client_id=sp["client_id"], client_secret=sp["client_secret"])


def test_m2m_current_user_is_the_service_principal(sandbox):
    w = m2m_client(sandbox)
    me = w.current_user.me()
    assert me.user_name == service_principal(sandbox)["client_id"]
    assert me.display_name == "reporting-bot"
    assert w.config.auth_type == "oauth-m2m"


def test_apps_list_walks_every_page(sandbox):
    w = m2m_client(sandbox)
    names = [a.name for a in w.apps.list()]
    assert names == [a["name"] for a in sandbox["apps"]]
    assert [a.name for a in w.apps.list(page_size=2)] == names


def test_apps_get_parses_the_databricks_fields(sandbox):
    w = m2m_client(sandbox)
    sales = w.apps.get("sales")
    assert sales.url == next(a["url"] for a in sandbox["apps"] if a["name"] == "sales")
    assert sales.app_status.state.value == "RUNNING"
    assert sales.compute_status.state.value == "ACTIVE"
    assert sales.active_deployment.status.state.value == "SUCCEEDED"
    assert sales.user_api_scopes == ["sql"]
    assert "sql" in sales.effective_user_api_scopes
    report = w.apps.get("report")
    assert report.compute_status.state.value == "STOPPED"


def test_apps_get_unknown_raises_not_found(sandbox):
    with pytest.raises(NotFound):
        m2m_client(sandbox).apps.get("no-such-app")


def test_config_authenticate_gives_a_bearer_header_that_works(sandbox):
    sp = service_principal(sandbox)
    headers = Config(host=sandbox["host"], client_id=sp["client_id"], client_secret=sp["client_secret"]).authenticate()
    assert headers["Authorization"].startswith("Bearer ")
    r = requests.get(f"{sandbox['host']}/api/2.0/preview/scim/v2/Me", headers=headers, timeout=10)
    assert r.status_code == 200
    assert r.json()["userName"] == sp["client_id"]


def test_personal_access_tokens_work_on_workspace_apis(sandbox):
    w = WorkspaceClient(host=sandbox["host"], token=user(sandbox, "alice@example.com")["pat"])
    assert w.current_user.me().user_name == "alice@example.com"


def test_app_permissions_for_managers_and_a_clear_denial_for_others(sandbox):
    admin = WorkspaceClient(host=sandbox["host"], token=user(sandbox, "admin@example.com")["pat"])
    perms = admin.apps.get_permissions("finance")
    levels = {
        (e.user_name or e.group_name or e.service_principal_name): e.all_permissions[0].permission_level.value
        for e in perms.access_control_list
    }
    assert levels["admin@example.com"] == "CAN_MANAGE"
    assert levels["finance"] == "CAN_USE"
    alice = WorkspaceClient(host=sandbox["host"], token=user(sandbox, "alice@example.com")["pat"])
    with pytest.raises(PermissionDenied):
        alice.apps.get_permissions("finance")


def test_a_wrong_secret_fails_authentication(sandbox):
    sp = service_principal(sandbox)
    with pytest.raises(Exception) as failure:
        WorkspaceClient(host=sandbox["host"], client_id=sp["client_id"], client_secret="dose-wrong").current_user.me()
    assert "invalid_client" in str(failure.value) or "401" in str(failure.value)
