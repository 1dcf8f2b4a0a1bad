"""The data directory: private to its owner, and written by one process at a time.

The knowledge base, uploads, caches and logs are for the office's staff only: folders are 700
and files 600. Two ``assistant ingest`` runs into one embedded Chroma folder at once corrupt each other's
view of the index ("Error finding id"); with this lock the second waits for the first.
The lock is released by the OS when its holder exits, even on a crash or a kill.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".write.lock"


@contextmanager
def write_lock(data_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the data directory's write lock; ``on_wait()`` is called once if another holds it."""
    private_dir(data_dir)
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def private_dir(path: Path) -> Path:
    """Create ``path`` (and make it) readable by its owner only: 700."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    _chmod(path, 0o700)
    return path


def private_tree(path: Path) -> None:
    """Folders 700 and files 600 under ``path`` (what libraries created with the umask's 755/644)."""
    if not Path(path).is_dir():
        return
    _chmod(Path(path), 0o700)
    for root, dirs, files in os.walk(path):
        for name in dirs:
            _chmod(Path(root) / name, 0o700)
        for name in files:
            _chmod(Path(root) / name, 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:
        pass  # not ours, or gone meanwhile: leave it
