"""Password hashes for the optional web login: ``scrypt$<salt hex>$<hash hex>``.

Settings only ever hold hashes (``ui.users``: user name -> hash); plain passwords are never
stored. ``assistant hash-password`` prints a hash made by :func:`hash_password`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping

SCHEME = "scrypt"
# RFC 7914 interactive parameters: ~16 MB and ~50 ms per check, fine for a login form.
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32


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


def make_auth(users: Mapping[str, str]) -> Callable[[str, str], bool] | None:
    """Gradio ``auth`` callable checking ``users`` (name -> hash); None when nobody is configured."""
    if not users:
        return None
    table = dict(users)

    def check(username: str, password: str) -> bool:
        stored = table.get((username or "").strip())
        return stored is not None and verify_password(password or "", stored)

    return check
