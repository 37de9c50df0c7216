"""Model work in a child process: a crash of llama.cpp becomes a sentence, not a dead build.

llama.cpp is native code. When it crashes (a segmentation fault on a CPU whose AMX kernels it
mishandles, an abort on a failed check inside a GGUF it cannot run, the kernel's out-of-memory
killer), it takes its whole process with it: run in-process, `mkdocs build` would die with a bare
"Segmentation fault" and `mkdocs serve` would stop serving. So every snapshot kind that runs
llama.cpp is computed here, in ONE long-lived child per build process (started on the first
snapshot that needs the model, reused after: the model loads once), and the parent sees a crash
as an exit status:

    parent (the build)                         child (python: serve())
    send (kind, params, model path)  ───────▶  kinds.compute(kind, params, path)
    ◀───────  ("ok", data) | ("error", the exception it raised)
    EOF + exit status -11 (SIGSEGV)  ◀───────  the child died: NativeCrash("SIGSEGV")

Each message is a 4-byte length and a pickle, over the child's stdin and a copy of its stdout
(its own stdout is pointed at stderr, so a stray print from native code cannot break a message).
The parent writes nothing of a snapshot until the child's whole answer has arrived: a crash
leaves the store as it was. The Store turns NativeCrash into the sentence the build shows
(store.py); `explain()` gives its likely cause and fix.

For tests, DECK_TEST_CRASH=SIGSEGV (or SIGABRT) makes the child really crash, by reading address
0 (or calling abort()), right before it would run llama.cpp.

Example:
>>> worker = Worker()                                                   # doctest: +SKIP
>>> worker.compute("tokens", {"text": "Hello"}, "SmolLM2-135M-Instruct.Q4_1.gguf")["ids"]  # doctest: +SKIP
[19556]
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]         # where build_hooks/ and demos/ are importable from
CRASH_ENV = "DECK_TEST_CRASH"


class NativeCrash(Exception):
    """The child process died while computing: `signal` names the signal ("SIGSEGV"), or None."""

    def __init__(self, signal_name: str | None, status: int):
        super().__init__(signal_name or f"exit status {status}")
        self.signal, self.status = signal_name, status


# The wire: a 4-byte big-endian length, then a pickle -----------------------------------------


def send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def receive(stream):
    """The next message, or EOFError when the other side is gone."""
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError
    size = struct.unpack(">I", head)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


# The parent's side ---------------------------------------------------------------------------


class Worker:
    """One child process that computes snapshots, restarted if it died."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def compute(self, kind: str, params: dict, path) -> dict:
        """kinds.compute(kind, params, path), run in the child. Raises what the child raised, or
        NativeCrash if it died on the way."""
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            proc = self.proc
            try:
                send(proc.stdin, (kind, params, str(path)))
                tag, value = receive(proc.stdout)
            except (BrokenPipeError, EOFError):
                status = proc.wait()
                self.proc = None
                raise NativeCrash(signal_name(status), status) from None
        if tag == "error":
            raise value
        return value

    def _start(self) -> None:
        code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from build_hooks.snapshots.worker import serve; serve()"
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def close(self) -> None:
        """End the child (it exits when its input closes)."""
        proc, self.proc = self.proc, None
        if proc and proc.poll() is None:
            proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


_shared: Worker | None = None


def shared() -> Worker:
    """This process's one worker (builds in one `mkdocs serve` reuse it: the model stays loaded)."""
    global _shared
    if _shared is None:
        _shared = Worker()
        atexit.register(_shared.close)
    return _shared


def signal_name(status: int) -> str | None:
    """Example:
    >>> signal_name(-11), signal_name(1)
    ('SIGSEGV', None)
    """
    if status >= 0:
        return None
    try:
        return signal.Signals(-status).name
    except ValueError:
        return f"signal {-status}"


def has_amx() -> bool:
    try:
        return "amx_int8" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def crash_message(crash: NativeCrash, kind: str, where: str, model: str) -> str:
    """What the build says when the child died.

    Example:
    >>> crash_message(NativeCrash("SIGKILL", -9), "beam", "slides/x.md:3", "SmolLM2")[:62]
    'llama.cpp crashed (SIGKILL) computing `beam` for slides/x.md:3'
    """
    return (f"llama.cpp crashed ({crash}) computing `{kind}` for {where} with {model}. {explain(crash)} "
            "Nothing was written for this snapshot.")


def explain(crash: NativeCrash) -> str:
    """The likely cause of a crash, and what to do about it, in a sentence or two."""
    sig = crash.signal
    if sig in ("SIGSEGV", "SIGBUS"):
        amx = (" This CPU has AMX (amx_int8 in /proc/cpuinfo), whose repacked weights crash llama.cpp "
               "(ggml-org/llama.cpp#20824): the deck loads models without repacking "
               "(build_hooks/model/loader.py, use_extra_bufts=False); code that opens a model another way does not."
               if has_amx() else "")
        return ("Likely causes: a corrupt or truncated GGUF, a model this llama-cpp-python cannot run, or a "
                "llama-cpp-python built for another CPU." + amx + " Fix: check the model file (its size, a fresh "
                "copy), try the embedded model (unset DECK_MODEL), or reinstall llama-cpp-python on this machine "
                "(`pip install --force-reinstall --no-cache-dir llama-cpp-python`).")
    if sig == "SIGABRT":
        return ("llama.cpp stopped on a failed check (a GGML_ASSERT; its message is in the lines above), usually "
                "a GGUF this llama-cpp-python version does not support or a damaged file. Fix: use a model file "
                "made for this llama.cpp version, or upgrade llama-cpp-python.")
    if sig == "SIGKILL":
        return ("Something killed the process, most often the system's out-of-memory killer: the model needs more "
                "memory than is free. Fix: close other programs, or choose a smaller model (DECK_MODEL).")
    if sig == "SIGILL":
        return ("llama.cpp used a CPU instruction this machine lacks: llama-cpp-python was built on another CPU. "
                "Fix: reinstall it here (`pip install --force-reinstall --no-cache-dir llama-cpp-python`).")
    return "The model's process ended without an answer (its last words, if any, are above)."


# The child's side ----------------------------------------------------------------------------


def serve() -> None:
    """Answer requests from the parent until its end of the pipe closes."""
    import faulthandler

    from build_hooks.snapshots import kinds

    faulthandler.enable()                     # a crash prints the Python stack that led there
    replies = os.fdopen(os.dup(1), "wb")      # messages go to a copy of stdout ...
    os.dup2(2, 1)                             # ... and anything printed to stdout goes to stderr
    requests = sys.stdin.buffer
    while True:
        try:
            kind, params, path = receive(requests)
        except EOFError:
            return
        try:
            if kinds.runs_llama(kind):
                _crash_if_asked()
            reply = ("ok", kinds.compute(kind, params, path))
        except Exception as err:              # a Python error: the parent re-raises it
            try:
                pickle.dumps(err)
                reply = ("error", err)
            except Exception:
                reply = ("error", RuntimeError(f"{type(err).__name__}: {err}"))
        send(replies, reply)


def _crash_if_asked() -> None:
    """A real crash, for the tests: the signal is raised by the process itself, not mocked."""
    how = os.environ.get(CRASH_ENV, "")
    if how == "SIGSEGV":
        import ctypes

        ctypes.string_at(0)                   # read address 0: the kernel sends SIGSEGV
    elif how == "SIGABRT":
        os.abort()
