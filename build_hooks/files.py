"""Writing files so that nobody ever sees half of one.

Every file the build writes (snapshots, the manifest, present pages, figures, caches, the demos
lock) goes through `atomic_write`: the data lands in a temporary file in the same folder, then
`os.replace` swaps it in, which is atomic on POSIX. A reader sees the old file or the new one;
a crash or a full disk leaves the old file (or nothing) and no stray temporary file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Files readable by everyone, like any file `open(..., "w")` would create (mkstemp makes 0600,
# which a web server or the GitHub Pages artifact might not be allowed to read).
FILE_MODE = 0o666 & ~_umask()


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write `data` (str is written as UTF-8) to `path` atomically; returns the path.

    Example:
    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> atomic_write(d / "sub" / "a.txt", "hi").read_text()
    'hi'
    >>> sorted(p.name for p in (d / "sub").iterdir())     # no temporary file left behind
    ['a.txt']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
