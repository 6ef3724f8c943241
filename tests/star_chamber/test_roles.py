"""Who may see and do what: a role-by-page matrix through app.py, and the role rules themselves."""

import pytest
from streamlit.testing.v1 import AppTest

from analytics import access
from tests.app.test_escape import as_text
from tests.app_runner import APP, TIMEOUT
from ui import auth
from ui.navigation import PAGES

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-secret",
    "client_id": "test-client",
    "client_secret": "test-secret",
    "server_metadata_url": "https://login.microsoftonline.com/example/v2.0/.well-known/openid-configuration",
}
ROLES = {
    "claim": "groups",
    "admin": ["eng-admin"],
    "manager": ["eng-manager"],
    "viewer": ["eng-viewer"],
    "default": "none",
}
PEOPLE = {
    "nobody signed in": None,
    "signed in, no role": {"name": "Sam", "groups": ["finance"]},
    "viewer": {"name": "Val", "groups": ["eng-viewer"]},
    "manager": {"name": "Mo", "groups": ["eng-manager", "eng-viewer"]},
    "admin": {"name": "Ada", "groups": ["eng-admin"]},
    "local mode": "local",
}
DASHBOARDS = [p.path for p in PAGES if p.permission == "view"]
DATA_PAGE = "app_pages/data.py"


def open_as(monkeypatch, who, page):
    if who != "local":
        monkeypatch.setattr(auth, "_user_claims", lambda: who)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if who != "local":
        at.secrets["auth"] = AUTH
        at.secrets["roles"] = ROLES
    at.run()
    if page != "app_pages/overview.py":
        at.switch_page(page)
        at.run()
    return at


def _texts(at):
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
                    + [w.value for w in at.warning] + [t.value for t in at.title])  # fmt: skip


EXPECTED = {
    # person: (sees dashboards, may import, may edit actions)
    "nobody signed in": (False, False, False),
    "signed in, no role": (False, False, False),
    "viewer": (True, False, False),
    "manager": (True, True, True),
    "admin": (True, True, True),
    "local mode": (True, True, True),
}


@pytest.mark.parametrize("person", list(PEOPLE))
@pytest.mark.parametrize("page", [*DASHBOARDS, DATA_PAGE])
def test_role_by_page(app_env, monkeypatch, person, page):
    sees, imports, edits = EXPECTED[person]
    if sees and page == DATA_PAGE and not imports:
        # Not listed in this role's navigation at all, so it cannot be opened (the import function refuses too).
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_as(monkeypatch, PEOPLE[person], page)
        return
    at = open_as(monkeypatch, PEOPLE[person], page)
    assert not at.exception, at.exception
    text = _texts(at)
    if not sees:
        assert not at.get("vega_lite_chart") and not at.dataframe, "nothing of the dashboard shows"
        assert ("Sign in" in [b.label for b in at.button]) if PEOPLE[person] is None else ("no role" in text)
        return
    if page == DATA_PAGE:
        assert [t.label for t in at.tabs][:1] == ["Import a file"]
        return
    assert at.get("vega_lite_chart") or at.dataframe
    if page == "app_pages/star_chamber.py":
        expanders = [e.label for e in at.expander]
        assert ("Update an action" in expanders) is edits
    if person == "local mode":
        assert "Local mode" in text
    else:
        assert f"({ {'viewer': 'viewer', 'manager': 'manager', 'admin': 'admin'}[person] })" in text


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"groups": ["eng-admin", "eng-viewer"]}, "admin"),
        ({"groups": ["eng-manager"]}, "manager"),
        ({"groups": "eng-viewer"}, "viewer"),
        ({"groups": ["other"]}, None),
        ({}, None),
        ({"roles": ["eng-admin"]}, None),  # the configured claim is groups, not roles
    ],
)
def test_roles_from_claims(claims, role):
    assert access.role_from_claims(claims, access.RoleConfig.from_mapping(ROLES)) == role


def test_default_role_and_bad_configuration():
    # With no [roles] default, a token matching no role gets no role: sign-in fails closed.
    assert access.role_from_claims({}, access.RoleConfig.from_mapping({})) is None
    assert access.role_from_claims({"roles": ["Engagement.Viewer"]}, access.RoleConfig.from_mapping({})) is None
    assert access.role_from_claims({}, access.RoleConfig.from_mapping({"default": "viewer"})) == "viewer"
    with pytest.raises(ValueError, match=r"roles\.default"):
        access.RoleConfig.from_mapping({"default": "superuser"})


# The [roles] section as configured, and who is let in: no default, an explicit default, a bad default.
CONFIGS = {
    "no default": {k: v for k, v in ROLES.items() if k != "default"},
    "default viewer": {**ROLES, "default": "viewer"},
    "unknown default role": {**ROLES, "default": "superuser"},
}
MATRIX = [
    # (configuration, the token's groups, sees the dashboard, role shown)
    ("no default", ["finance"], False, None),
    ("no default", ["eng-superuser"], False, None),  # an unknown role string in the token
    ("no default", ["eng-viewer"], True, "viewer"),
    ("no default", ["eng-manager"], True, "manager"),
    ("no default", ["eng-admin"], True, "admin"),
    ("default viewer", ["finance"], True, "viewer"),
    ("unknown default role", ["finance"], False, None),
    ("unknown default role", ["eng-admin"], False, None),  # a broken configuration refuses everyone
]


@pytest.mark.parametrize(("config", "groups", "sees", "role"), MATRIX)
def test_sign_in_role_matrix_fails_closed(app_env, monkeypatch, config, groups, sees, role):
    monkeypatch.setattr(auth, "_user_claims", lambda: {"name": "Sam", "groups": groups})
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.secrets["roles"] = CONFIGS[config]
    at.run()
    assert not at.exception, at.exception
    text = as_text(_texts(at)).replace("\u2060", "")  # the messages are shown through the escaping helper
    if not sees:
        assert not at.get("vega_lite_chart") and not at.dataframe, "nothing of the dashboard shows"
        assert "Sign out" in [b.label for b in at.button]
        if config == "unknown default role":
            assert "sign-in settings are wrong" in text and "roles.default" in text
        else:
            assert "no role for this dashboard" in text
        return
    assert at.get("vega_lite_chart"), "the dashboard shows"
    assert f"Signed in as Sam ({role})" in text


@pytest.mark.parametrize(("role", "permission", "allowed"), [
    ("viewer", "view", True), ("viewer", "import", False), ("viewer", "edit_actions", False),
    ("manager", "import", True), ("manager", "edit_actions", True), ("admin", "import", True),
    ("", "view", False), ("root", "import", False),
])  # fmt: skip
def test_permissions(role, permission, allowed):
    assert access.can(role, permission) is allowed
    if not allowed:
        with pytest.raises(access.PermissionDenied):
            access.require(role, permission)


def test_action_edits_are_refused_to_viewers_in_the_function_too(demo_dir, tmp_path):
    import shutil

    from analytics.star_chamber import actions

    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    with pytest.raises(access.PermissionDenied):
        actions.add_action(folder, "SC-2026-09-harlow", "harlow", {"text": "x"}, "Val", role="viewer")


def test_cached_functions_never_take_the_user():
    """Cached results are keyed on data and arguments only, so none can carry one role's view to another."""
    import inspect

    from ui import data
    from ui.cache import engagement, imports, social, star_chamber, survey

    for module in (data, imports, social, survey, star_chamber, engagement):
        for name, fn in vars(module).items():
            if hasattr(fn, "clear") and callable(fn):  # st.cache_data / st.cache_resource wrappers
                params = inspect.signature(fn).parameters
                assert not {"user", "role", "actor", "who"} & set(params), f"{module.__name__}.{name}"
