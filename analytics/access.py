"""Roles and what each may do, and roles from a sign-in token's claims. No Streamlit here.

Three roles: ``viewer`` (every dashboard page), ``manager`` (also imports data and
edits Star Chamber actions) and ``admin`` (as manager; the role for whoever runs
the service). Without sign-in configured the app runs in single-user local mode,
whose one user is the operator and acts as admin.

Roles come from the identity token: a configured claim (for example ``roles`` or
``groups`` from Microsoft Entra ID) is compared with the values configured for
each role; the highest role matched wins, and anyone signed in but matching none
gets the configured default role, or no role at all (no access) when none is configured:
sign-in fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROLES = ("viewer", "manager", "admin")
PERMISSIONS = {
    "view": {"viewer", "manager", "admin"},
    "import": {"manager", "admin"},
    "edit_actions": {"manager", "admin"},
}
LOCAL_USER = "local user (no sign-in)"


class PermissionDenied(PermissionError):
    """The role may not do this; the message says what and which roles may."""


def can(role: str, permission: str) -> bool:
    """True when ``role`` holds ``permission``."""
    return role in PERMISSIONS.get(permission, set())


def require(role: str, permission: str) -> None:
    """Raise PermissionDenied unless ``role`` holds ``permission``."""
    if not can(role, permission):
        allowed = " or ".join(sorted(PERMISSIONS.get(permission, ())))
        raise PermissionDenied(f"Your role ({role}) may not {permission.replace('_', ' ')}; {allowed} may.")


@dataclass(frozen=True)
class RoleConfig:
    """Which token claim carries roles, the claim values for each role, and the default."""

    claim: str = "roles"
    admin: tuple[str, ...] = ()
    manager: tuple[str, ...] = ()
    viewer: tuple[str, ...] = ()
    default: str = "none"  # fail closed: no role unless the secrets name one

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> RoleConfig:
        """From the ``[roles]`` section of the secrets; unknown keys ignored, a bad default refused."""
        raw = dict(raw or {})

        def values(key: str) -> tuple[str, ...]:
            v = raw.get(key, ())
            return (v,) if isinstance(v, str) else tuple(str(x) for x in v)

        default = str(raw.get("default", "none"))
        if default not in (*ROLES, "none"):
            raise ValueError(f"roles.default must be one of {', '.join(ROLES)} or none, not {default!r}")
        return cls(str(raw.get("claim", "roles")), values("admin"), values("manager"), values("viewer"), default)


def role_from_claims(claims: Mapping[str, Any], config: RoleConfig) -> str | None:
    """The highest role whose configured values appear in the token's claim; else the default (None: no access)."""
    raw = claims.get(config.claim, ())
    held = {raw} if isinstance(raw, str) else set(map(str, raw if isinstance(raw, Iterable) else ()))
    for role in ("admin", "manager", "viewer"):
        if held & set(getattr(config, role)):
            return role
    return None if config.default == "none" else config.default
