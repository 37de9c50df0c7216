"""A built site on 127.0.0.1, and Debian's Chromium to look at it.

`make pdf`, the browser tests and the benchmarks all need the same two things: a quiet static
server for a folder (with the MIME types Pyodide needs: `.mjs` as JavaScript, `.wasm` as
application/wasm for streaming compilation) and a headless Chromium started with flags that keep
it from calling home (this machine, and a room without Wi-Fi, have no network to give it).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import ClassVar

CHROMIUM = os.environ.get("DECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
        ".json": "application/json", ".whl": "application/zip",
    }

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser dropping a connection mid-response is not worth a traceback


def serve(directory: str | Path, port: int = 0) -> tuple[QuietServer, str]:
    """Serve `directory` on 127.0.0.1 (a free port unless given) from a daemon thread.

    Returns (server, base URL); call server.shutdown() when done.

    Example:
    >>> server, url = serve(".")
    >>> url.startswith("http://127.0.0.1:")
    True
    >>> server.shutdown()
    """
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def launch(playwright, chromium: str = CHROMIUM):
    """Debian's Chromium under Playwright (never a downloaded browser), headless and offline-quiet."""
    return playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
