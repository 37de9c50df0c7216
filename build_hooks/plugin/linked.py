"""Site files the build adds from elsewhere (Pyodide, reveal.js, wllama, the model's shards, figures),
hard-linked into the site instead of copied when the two folders share a filesystem.

The site carries about 120 MB that the build does not change: Pyodide's runtime from npm and
the live model's GGUF shards from the cache. Copying them costs every `mkdocs build` and every
`make serve` reload; a hard link costs nothing and is still a real file of the site (deleting the
cache later leaves the site whole). Across filesystems, or where links are not allowed, it copies
as MkDocs would.

Example:
>>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "a.bin").write_bytes(b"x")
1
>>> link_or_copy(d / "a.bin", d / "site" / "a.bin").read_bytes()
b'x'
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mkdocs.structure.files import File


def link_or_copy(src: Path, dest: Path) -> Path:
    """Put `src` at `dest` (replacing what is there): a hard link if the filesystem allows, else a copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() or dest.is_symlink():
        if dest.exists() and os.path.samefile(src, dest):
            return dest
        dest.unlink()
    try:
        os.link(src, dest)
    except OSError:              # another filesystem, or links not permitted: copy like MkDocs
        shutil.copyfile(src, dest)
    return dest


class LinkedFile(File):
    """A generated MkDocs File whose source is copied by link_or_copy (see the module docstring)."""

    def copy_file(self, dirty: bool = False) -> None:
        if self._content is not None or not self.abs_src_path or (dirty and not self.is_modified()):
            return super().copy_file(dirty)
        link_or_copy(Path(self.abs_src_path), Path(self.abs_dest_path))
