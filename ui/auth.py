"""Who is using the app, and in what role: optional sign-in with st.login, or single-user local mode.

Sign-in is on when the secrets hold an ``[auth]`` section (OpenID Connect, for
example Microsoft Entra ID; see README). Roles come from the identity token's
claims through the ``[roles]`` section. Without ``[auth]`` the app runs in local
mode: one user, the operator, acting as admin, and the page says so.

Cached data never depends on the user: every cached function is keyed on the data
version and its arguments only, so a result is the same whoever asks and cannot
carry one role's view to another. Role checks happen outside the caches, in the
navigation and again in the functions that change data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from analytics import access
from ui.escape import md_escape


@dataclass(frozen=True)
class Actor:
    """The person using this session."""

    name: str
    role: str | None  # None: signed in but given no role
    mode: str  # "local" or "sign-in"
    signed_in: bool
    problem: str = ""  # why sign-in cannot grant a role (a configuration error), shown instead of the dashboard

    def can(self, permission: str) -> bool:
        return self.role is not None and access.can(self.role, permission)


def sign_in_configured() -> bool:
    """True when the secrets configure OpenID Connect sign-in."""
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def _roles_section() -> dict:
    try:
        return dict(st.secrets.get("roles", {}))
    except Exception:
        return {}


def _user_claims() -> dict[str, Any] | None:
    """The signed-in user's identity-token claims, or None when nobody is signed in."""
    if not st.user.is_logged_in:
        return None
    return st.user.to_dict()


def current() -> Actor:
    """The person using this session and their role."""
    if not sign_in_configured():
        return Actor(access.LOCAL_USER, "admin", "local", False)
    claims = _user_claims()
    if claims is None:
        return Actor("", None, "sign-in", False)
    name = str(claims.get("name") or claims.get("email") or claims.get("preferred_username") or "signed-in user")
    try:
        config = access.RoleConfig.from_mapping(_roles_section())
    except ValueError as exc:
        # A broken [roles] section refuses everyone (fails closed) and says which setting to fix.
        return Actor(name, None, "sign-in", True, problem=f"The dashboard's sign-in settings are wrong: {exc}.")
    return Actor(name, access.role_from_claims(claims, config), "sign-in", True)


_KEY = "_actor"


def remember(actor: Actor) -> Actor:
    """Keep this run's actor for the pages (set by app.py on every run)."""
    st.session_state[_KEY] = actor
    return actor


def actor() -> Actor:
    """The actor app.py found on this run."""
    return st.session_state[_KEY]


def sidebar_status(actor: Actor) -> None:
    """Who is signed in and as what, or that the app is in local mode; a sign-out button."""
    with st.sidebar:
        if actor.mode == "local":
            st.caption(
                "**Local mode**: no sign-in is configured, so this is a single-user session with full access "
                "(import and action editing). Configure sign-in before sharing the app."
            )
        elif actor.signed_in:
            st.caption(f"Signed in as {md_escape(actor.name)} ({md_escape(actor.role or 'no role')}).")
            if st.button("Sign out", key="sign_out"):
                st.logout()


def sign_in_gate(actor: Actor) -> None:
    """Stop the run with a sign-in button, or a message, until the user may view the dashboard."""
    if actor.mode == "local" or actor.can("view"):
        return
    st.title("Engagement performance dashboard")
    if not actor.signed_in:
        st.write("Sign in with your organisation account to see the dashboard.")
        if st.button("Sign in", type="primary"):
            st.login()
    elif actor.problem:
        st.error(
            f"{md_escape(actor.problem)} Ask the administrator who runs the dashboard to correct them.",
            icon=":material/lock:",
        )
        if st.button("Sign out"):
            st.logout()
    else:
        st.warning(
            f"You are signed in as {md_escape(actor.name)}, but your account has no role for this dashboard. "
            "Ask an administrator to add you to a viewer, manager or admin group."
        )
        if st.button("Sign out"):
            st.logout()
    st.stop()


def require(actor: Actor, permission: str) -> None:
    """Stop the page with a message unless the actor holds ``permission`` (the second line behind navigation)."""
    if not actor.can(permission):
        st.error(
            f"Your role ({md_escape(actor.role or 'none')}) cannot use this page: it needs a manager or admin.",
            icon=":material/lock:",
        )
        st.stop()
