"""Three browser engines behind one small interface, for the checks every engine must pass.

- Chromium: Debian's, through Playwright (as the other browser tests).
- Firefox ESR: Debian's, over WebDriver BiDi with npm puppeteer-core (tests/firefox_driver.mjs).
- WebKitGTK (Safari's engine): Debian's MiniBrowser through WebKitWebDriver with PyPI selenium,
  on an Xvfb display this module starts (MiniBrowser needs a display, even when nobody looks).

None is ever downloaded. A check sees a `Driver`:

    driver.goto(url)
    driver.js("(a, b) => a + b", 1, 2)            # a JS function's source and its arguments -> 3
    driver.wait("() => window.Reveal && Reveal.isReady()")    # in the page, until truthy (or None)
    driver.settle("() => ...")                     # the same, through a reload of the page
    driver.click("button[name=load]")              # the browser's own click
    driver.click_shown("button[name=load]")        # the same, once it is on screen and not moving
    driver.press("ArrowRight")                     # the browser's own key press
    driver.hold("button", "() => ...", dx=0)       # the mouse pressed on it, JS run, released dx px right
    driver.switch("Speaker View")                  # later calls go to the window whose title/URL has it

Waiting happens inside the page (a loop on the condition, no fixed sleep), so each wait is one
round trip whichever the driver.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIREFOX = os.environ.get("DECK_FIREFOX", "/usr/bin/firefox-esr")
WEBKIT_DRIVER = os.environ.get("DECK_WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = os.environ.get("DECK_MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
# What a browser or an engine says when something breaks, as opposed to a sentence for a reader.
RAW_ERROR = re.compile(r"TypeError|ReferenceError|SyntaxError|RangeError|undefined is not|null is not|"
                       r"is not a function|is not defined|can't access property|Cannot read propert|\(evaluating '|"
                       r"NetworkError|Failed to fetch|Load failed|Uncaught|WllamaError|DOMException|\[object \w+\]")
LIMIT_MS = 240_000      # the longest wait: Pyodide plus the 98 MB model on a busy 2-core machine

# In the page: call `src` until it returns something truthy, or `ms` have passed (then null).
WAIT = """async (src, args, ms) => {
    const f = (0, eval)("(" + src + ")"), end = Date.now() + ms;
    for (;;) {
        const v = await f(...args);
        if (v) return v;
        if (Date.now() > end) return null;
        await new Promise((r) => setTimeout(r, 100));
    }
}"""


def call(src: str, args) -> str:
    """A JS expression calling the function `src` with JSON arguments.

    Example:
    >>> call("(a) => a + 1", [2])
    '((a) => a + 1)(...[2])'
    """
    return f"({src})(...{json.dumps(list(args))})"


class Driver:
    name = "?"

    def eval(self, expr: str):
        raise NotImplementedError

    def js(self, src: str, *args):
        return self.eval(call(src, args))

    def wait(self, src: str, *args, ms: int = LIMIT_MS):
        return self.js(WAIT, src, list(args), ms)

    def click_shown(self, selector: str, ms: int = 30_000):
        """The browser's own click, once the element is on screen and has stopped moving (the same
        box two frames running), as a reader clicks what they see: a panel just opened can still be
        laid out, and a click sent to where the button was a frame ago lands elsewhere."""
        still = self.wait("""async (sel) => { const el = document.querySelector(sel);
            if (!el || !el.getClientRects().length) return false;
            const box = () => JSON.stringify(el.getBoundingClientRect());
            const before = box();
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            return box() === before; }""", selector, ms=ms)
        assert still, f"{self.name}: {selector} was not on screen and still within {ms} ms"
        self.click(selector)

    def windows(self) -> list[str]:
        """"title url" of each top-level window, in the order they opened."""
        raise NotImplementedError

    def use(self, index: int):
        raise NotImplementedError

    def switch(self, needle: str, but: str | None = None, ms: int = 30_000):
        """Send later calls to the window whose title or URL holds `needle` (and not `but`): a popup is
        waited for. (A window opened on about:blank and written by its opener has its opener's URL.)"""
        end = time.monotonic() + ms / 1000
        while True:
            found = [i for i, w in enumerate(self.windows()) if needle in w and not (but and but in w)]
            if found:
                return self.use(found[0])
            if time.monotonic() > end:
                raise AssertionError(f"{self.name}: no window holds {needle!r}: {self.windows()}")
            time.sleep(0.1)          # the poll interval: a window opening is not an event we can await here

    def settle(self, src: str, *args, ms: int = LIMIT_MS, step: int = 2000):
        """`wait`, through a reload (opting in to the live model reloads the page once: threads.js): short
        waits, each in whichever document is there; one cut short by the reload (or failing in a page still
        loading) is asked again, until `ms` have passed (then None)."""
        end = time.monotonic() + ms / 1000
        while True:
            try:
                value = self.wait(src, *args, ms=step)
            except Exception:        # the document went away mid-wait, or the new one is not ready yet
                value = None
            if value or time.monotonic() > end:
                return value


class ChromiumDriver(Driver):
    name = "chromium"

    def __init__(self, page):
        self.page = page

    def goto(self, url):
        self.page.goto(url, wait_until="load")

    def eval(self, expr):
        return self.page.evaluate(expr)

    def click(self, selector):
        self.page.click(selector)

    def press(self, key):
        self.page.keyboard.press(key)

    def hold(self, selector, src, dx=0):
        target = self.page.locator(selector).first
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.evaluate(call(src, []))
        if dx:
            self.page.mouse.move(x + dx, y, steps=4)
        self.page.mouse.up()

    def windows(self):
        return [f"{p.title()} {p.url}" for p in self.page.context.pages]

    def use(self, index):
        self.page = self.page.context.pages[index]


class FirefoxDriver(Driver):
    name = "firefox"

    def __init__(self):
        env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "DECK_FIREFOX": FIREFOX}
        self.proc = subprocess.Popen(["node", str(ROOT / "tests" / "firefox_driver.mjs")], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.next = 0
        self.version = self.op("version")

    def op(self, op: str, **fields):
        self.next += 1
        self.proc.stdin.write(json.dumps({"id": self.next, "op": op, **fields}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the Firefox driver ended (exit status {self.proc.wait()})")
        reply = json.loads(line)
        if "err" in reply:
            raise RuntimeError(f"Firefox: {op}: {reply['err']}")
        return reply["ok"]

    def goto(self, url):
        self.op("goto", url=url)

    def eval(self, expr):
        return self.op("eval", expr=expr)

    def click(self, selector):
        self.op("click", selector=selector)

    def press(self, key):
        self.op("press", key=key)

    def hold(self, selector, src, dx=0):
        self.op("hold", selector=selector, src=src, dx=dx)

    def windows(self):
        return self.op("windows")

    def use(self, index):
        self.op("use", index=index)

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class WebKitDriver(Driver):
    name = "webkit"

    def __init__(self, display: str):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        service = Service(executable_path=WEBKIT_DRIVER, env={**os.environ, "DISPLAY": display})
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_script_timeout(LIMIT_MS / 1000 + 60)
        self.driver.set_page_load_timeout(120)
        self.version = self.driver.capabilities.get("browserVersion")

    def goto(self, url):
        # WebKitWebDriver answers once the document is "interactive": the page's ES modules (widgets.js
        # binds the widgets) have not run yet, and an input event sent then reaches no listener.
        self.driver.get(url)
        if not self.settle("() => document.readyState === 'complete'", ms=120_000, step=50):
            raise RuntimeError(f"WebKit: {url} did not finish loading in 120 s")

    def settle(self, src: str, *args, ms: int = LIMIT_MS, step: int = 200):
        # An asynchronous script whose page reloads never answers in WebKitWebDriver (the test hung):
        # here one synchronous check at a time, every `step` ms, until it holds or `ms` have passed.
        end = time.monotonic() + ms / 1000
        while True:
            try:
                value = self.driver.execute_script(f"return ({src})(...arguments);", *args)
            except Exception:        # between two documents
                value = None
            if value or time.monotonic() > end:
                return value
            time.sleep(step / 1000)

    def eval(self, expr):
        reply = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => {expr}).then((v) => done({{ok: v === undefined ? null : v}}),"
            " (e) => done({err: String((e && e.message) || e)}));")
        if "err" in reply:
            raise RuntimeError(f"WebKit: {reply['err']}")
        return reply["ok"]

    def click(self, selector):
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def press(self, key):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        ActionChains(self.driver).send_keys({"ArrowRight": Keys.ARROW_RIGHT, "ArrowLeft": Keys.ARROW_LEFT,
                                             "Space": Keys.SPACE, "Enter": Keys.ENTER,
                                             "Escape": Keys.ESCAPE}.get(key, key)).perform()

    def hold(self, selector, src, dx=0):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By

        target = self.driver.find_element(By.CSS_SELECTOR, selector)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
        ActionChains(self.driver).move_to_element(target).click_and_hold().perform()
        self.driver.execute_script(f"return {call(src, [])};")
        release = ActionChains(self.driver)
        if dx:
            release.move_by_offset(dx, 0)
        release.release().perform()

    def windows(self):
        here, out = self.driver.current_window_handle, []
        for handle in self.driver.window_handles:
            self.driver.switch_to.window(handle)
            out.append(f"{self.driver.title} {self.driver.current_url}")
        self.driver.switch_to.window(here)
        return out

    def use(self, index):
        self.driver.switch_to.window(self.driver.window_handles[index])

    def close(self):
        self.driver.quit()


@contextlib.contextmanager
def xvfb():
    """A virtual X display of our own (its number chosen by Xvfb), for as long as it is needed."""
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                            pass_fds=[write], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()        # Xvfb writes it once the display is up
    try:
        if not number:
            raise RuntimeError(f"Xvfb did not start (exit status {proc.poll()})")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def missing(engine: str) -> str | None:
    """Why `engine` cannot run on this machine (the package to install), or None."""
    needs = {"firefox": [(FIREFOX, "apt-get install firefox-esr"),
                         (str(ROOT / "node_modules" / "puppeteer-core"), "npm ci (puppeteer-core)")],
             "webkit": [(WEBKIT_DRIVER, "apt-get install webkit2gtk-driver"),
                        (MINIBROWSER, "apt-get install webkit2gtk-driver"),
                        (shutil.which("Xvfb") or "/usr/bin/Xvfb", "apt-get install xvfb")]}
    for path, fix in needs.get(engine, []):
        if not Path(path).exists():
            return f"{path} is missing: {fix}"
    return None


@contextlib.contextmanager
def open_engine(engine: str, playwright_browser=None):
    """A Driver for `engine` ("chromium" needs Playwright's browser from conftest), closed afterwards."""
    if engine == "chromium":
        context = playwright_browser.new_context()
        try:
            yield ChromiumDriver(context.new_page())
        finally:
            context.close()
    elif engine == "firefox":
        driver = FirefoxDriver()
        try:
            yield driver
        finally:
            driver.close()
    else:
        with xvfb() as display:
            driver = WebKitDriver(display)
            try:
                yield driver
            finally:
                driver.close()


@contextlib.contextmanager
def engine(name: str, playwright_browser=None):
    """open_engine for a test: a browser missing here skips, naming the package to install, or fails
    where DECK_REQUIRE_BROWSERS=1 (.ci/run): there every engine must run."""
    import pytest

    why = missing(name)
    if why:
        if os.environ.get("DECK_REQUIRE_BROWSERS") == "1":
            pytest.fail(why)
        pytest.skip(why)
    with open_engine(name, playwright_browser) as driver:
        yield driver
