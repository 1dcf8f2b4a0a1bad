"""Gradio web UI for staff: ``build_ui(assistant)``, ``serve(assistant, host, port)``.

Password hashes for the optional login come from :func:`hash_password`.
"""

from assistant.front.ui.auth import hash_password, verify_password

__all__ = ["build_ui", "hash_password", "serve", "verify_password"]


def __getattr__(name: str):
    # gradio is heavy: import it only when the app itself is wanted (hash-password needs none).
    if name in ("build_ui", "serve"):
        from assistant.front.ui import app

        return getattr(app, name)
    raise AttributeError(name)
