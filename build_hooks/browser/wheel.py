"""Package the demos for the browser: a deterministic wheel, a custom pyodide-lock.json, Pyodide's core.

The browser runs the very same `demos/*.py` the tests import. To let the worker say
`pyodide.loadPackage("deck-demos")` by name, offline, we:

1. zip demos/ into a pure-Python wheel, byte for byte the same for the same sources
   (sorted entries, fixed timestamps and permissions),
2. register it in a copy of Pyodide's lock file with pyodide-build's
   `pyodide lockfile add-wheels` (cached under .cache/ by the wheel's digest: the
   CLI takes about a second, a cache hit nothing),
3. ship Pyodide's core files from node_modules (no CDN) next to both.

Everything lands in one directory that the site serves as assets/vendor/pyodide/.

Example:
>>> out = build_vendor(Path("/tmp/vendor"), Path("node_modules/pyodide"), Path(".cache"))   # doctest: +SKIP
>>> sorted(p.name for p in out.iterdir())            # doctest: +SKIP
['deck_demos-0.1.0-py3-none-any.whl', 'pyodide-lock.json', 'pyodide.asm.mjs', ...]
"""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import demos
from build_hooks.files import atomic_write

DEMOS = Path(demos.__file__).resolve().parent      # the package itself, wherever it is installed
CORE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]

DIST = "deck_demos"            # wheel distribution name
PACKAGE = "deck-demos"         # the name loadPackage() and the lock file use
VERSION = "0.1.0"
WHEEL_NAME = f"{DIST}-{VERSION}-py3-none-any.whl"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)   # the earliest time a zip can hold: no build-time clock in the bytes


class VendorError(RuntimeError):
    """Something the demos need is missing; the message says how to fix it."""


# Helpers -------------------------------------------------------------------------------------


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def wheel_files(src: Path = DEMOS) -> dict[str, bytes]:
    """The wheel's contents {archive name: bytes}: demos/**/*.py plus the .dist-info metadata.

    Example:
    >>> sorted(wheel_files())[:2]
    ['deck_demos-0.1.0.dist-info/METADATA', 'deck_demos-0.1.0.dist-info/RECORD']
    """
    files = {f"demos/{p.relative_to(src).as_posix()}": p.read_bytes() for p in sorted(src.rglob("*.py"))
             if "__pycache__" not in p.parts}
    info = f"{DIST}-{VERSION}.dist-info"
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {VERSION}\n"
                                 "Summary: The deck's live demos (n-grams, sampling, tokenizer, beam search)\n"
                                 "Requires-Python: >=3.12\n").encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: build_hooks.browser.wheel\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n")
    files[f"{info}/top_level.txt"] = b"demos\n"
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in sorted(files.items()))
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    return files


def build_wheel(out_dir: Path) -> Path:
    """Write the demos wheel into out_dir (deterministic: same sources, same bytes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / WHEEL_NAME
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(wheel_files().items()):
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, data)
    os.replace(tmp, target)
    return target


def _pyodide_cli() -> list[str]:
    exe = Path(sys.executable).with_name("pyodide")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("pyodide")
    if not found:
        raise VendorError("the `pyodide` command (pyodide-build) is not installed: run `make deps` "
                          "(pip install 'pyodide-build>=0.29' 'pyodide-cli' 'pyodide-lock[wheel]').")
    return [found]


def custom_lock(wheel: Path, base_lock: Path, cache: Path) -> bytes:
    """Pyodide's lock file plus our wheel, made by `pyodide lockfile add-wheels`, cached by digest in `cache`."""
    key = hashlib.sha256(wheel.read_bytes() + base_lock.read_bytes()).hexdigest()[:24]
    cached = cache / f"{key}.json"
    if cached.exists():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pyodide-lock.json"
        cmd = [*_pyodide_cli(), "lockfile", "add-wheels", "--input", str(base_lock),
               "--output", str(out), "--base-path", str(wheel.parent), str(wheel)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0 or not out.exists():
            raise VendorError(f"`pyodide lockfile add-wheels` failed ({result.returncode}):\n"
                              f"{result.stdout}{result.stderr}\nCheck that pyodide-build is installed (make deps).")
        data = out.read_bytes()
    atomic_write(cached, data)
    for old in sorted(cache.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-8]:   # keep the 8 newest
        old.unlink(missing_ok=True)
    return data


def build_vendor(out_dir: Path, pyodide_dir: Path, cache: Path) -> Path:
    """Fill out_dir with Pyodide's core files (from the npm package in pyodide_dir), the demos wheel
    and the custom lock file (cached under cache/pyodide-lock/)."""
    missing = [f for f in CORE_FILES + ["pyodide-lock.json"] if not (pyodide_dir / f).exists()]
    if missing:
        raise VendorError(f"{pyodide_dir} lacks {', '.join(missing)}: run `make deps` (npm ci) "
                          "to install the pyodide npm package the live demos need.")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        src, dst = pyodide_dir / name, out_dir / name
        if not dst.exists() or dst.stat().st_size != src.stat().st_size or dst.stat().st_mtime < src.stat().st_mtime:
            shutil.copy2(src, dst)
    wheel = build_wheel(out_dir)
    lock = custom_lock(wheel, pyodide_dir / "pyodide-lock.json", cache / "pyodide-lock")
    atomic_write(out_dir / "pyodide-lock.json", lock)
    return out_dir

