"""Password hashes for the optional web login: ``scrypt$<salt hex>$<hash hex>``.

Settings only ever hold hashes (``ui.users``: user name -> hash); plain passwords are never
stored. ``assistant hash-password`` prints a hash made by :func:`hash_password`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

SCHEME = "scrypt"
# RFC 7914 interactive parameters: ~16 MB and ~50 ms per check, fine for a login form.
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32
# Lockout: after MAX_FAILURES wrong passwords in a row a name is locked, first for LOCK_SECONDS,
# then twice as long after each further failure, up to MAX_LOCK_SECONDS.
MAX_FAILURES, LOCK_SECONDS, MAX_LOCK_SECONDS = 5, 30.0, 900.0


def _derive(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN, maxmem=64 * 2**20
    )


def hash_password(password: str) -> str:
    """Hash a password with a fresh random salt.

    Raises:
        ValueError: in Chinese, when the password is empty.
    """
    if not password:
        raise ValueError("密码不能为空")
    salt = secrets.token_bytes(16)
    return f"{SCHEME}${salt.hex()}${_derive(password, salt).hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash from :func:`hash_password` (malformed hash = False)."""
    try:
        scheme, salt_hex, hash_hex = stored.split("$")
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
    except (AttributeError, ValueError):
        return False
    if scheme != SCHEME or not salt or not expected or not password:
        return False
    return hmac.compare_digest(_derive(password, salt), expected)


@dataclass
class LoginGuard:
    """Per-name failure counts with growing lockouts; unknown names cost one real scrypt check."""

    users: Mapping[str, str]
    clock: Callable[[], float] = time.monotonic
    failures: dict[str, int] = field(default_factory=dict)
    locked_until: dict[str, float] = field(default_factory=dict)
    dummy: str = field(default_factory=lambda: hash_password(secrets.token_hex(8)))

    def check(self, username: str, password: str) -> bool:
        """Whether the login succeeds; a locked name is refused even with the right password."""
        name = (username or "").strip()
        if self.clock() < self.locked_until.get(name, 0.0):
            return False
        stored = self.users.get(name)
        # Unknown names verify against a dummy hash so timing does not reveal who exists.
        ok = verify_password(password or "", stored if stored is not None else self.dummy)
        if ok and stored is not None:
            self.failures.pop(name, None)
            self.locked_until.pop(name, None)
            return True
        count = self.failures[name] = self.failures.get(name, 0) + 1
        if count >= MAX_FAILURES:
            lock = min(LOCK_SECONDS * 2 ** (count - MAX_FAILURES), MAX_LOCK_SECONDS)
            self.locked_until[name] = self.clock() + lock
        return False

    def lock_remaining(self, username: str) -> float:
        """Seconds until ``username`` may try again (0 when not locked)."""
        return max(0.0, self.locked_until.get((username or "").strip(), 0.0) - self.clock())


def make_auth(users: Mapping[str, str]) -> Callable[[str, str], bool] | None:
    """Gradio ``auth`` callable checking ``users`` (name -> hash); None when nobody is configured.

    A locked-out name is refused with the remaining time (HTTP 400 whose ``detail`` the login
    page shows), not with the plain "wrong password" that would make staff keep trying.
    """
    if not users:
        return None
    guard = LoginGuard(dict(users))

    def auth(username: str, password: str) -> bool:
        if guard.check(username, password):
            return True
        remaining = guard.lock_remaining(username)
        if remaining > 0:
            from fastapi import HTTPException

            raise HTTPException(status_code=400, detail=locked_message(remaining))
        return False

    auth.guard = guard  # type: ignore[attr-defined]  # for tests and the admin's inspection
    return auth


def locked_message(seconds: float) -> str:
    """Chinese notice for a locked-out name, with the time left."""
    left = max(1, math.ceil(seconds))
    wait = f"{left} 秒" if left < 120 else f"约 {math.ceil(left / 60)} 分钟"
    return f"该用户名因连续输错口令已被暂时锁定，请 {wait}后再试"
