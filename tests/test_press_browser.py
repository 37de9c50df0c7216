"""A press that a redraw moves under a still pointer is still a press (build_hooks/assets/press.js),
in Chromium, Firefox ESR and WebKitGTK, with each browser's own mouse (tests/browsers.py).

A browser clicks only what lies under the pointer both at the press and at the release; when a
redraw moves the button in between (a table redrawn above it, a status line that wraps), the click
goes to the box that holds both, and the press did nothing. These tests press a button, move it
the way a redraw does, and release without moving the mouse.
"""

import pytest

import browsers
from pages import page_holding

TOKEN = "#held"
# a redraw above the button: it is pushed down past the still pointer (a token is ~30 px tall)
PUSH_DOWN = "() => { const b = document.querySelector('#held'); b.style.position = 'relative'; b.style.top = '60px'; }"
RESET = "() => { const b = document.querySelector('#held'); b.style.position = ''; b.style.top = ''; return true; }"
PINNED = "() => document.querySelector('#held').getAttribute('aria-expanded')"


@pytest.fixture(scope="module", params=["chromium", "firefox", "webkit"])
def driver(request):
    chromium = request.getfixturevalue("browser") if request.param == "chromium" else None
    with browsers.engine(request.param, chromium) as d:
        yield d


@pytest.fixture
def token(driver, built_site, site_url):
    """A snapshot's generated token (a button that pins its top 5 on a click: snapshots.js), named #held."""
    driver.goto(site_url + page_holding(built_site, 'class="snap-tok'))
    assert driver.wait("() => { const t = document.querySelector('.snap-completion .snap-tok');"
                       " if (t) t.id = 'held'; return !!t; }", ms=30_000), driver.name
    return driver


def test_a_token_pushed_down_mid_press_is_still_pressed(token):
    d = token
    assert d.js(PINNED) == "false"
    d.hold(TOKEN, PUSH_DOWN)
    assert d.wait("() => document.querySelector('#held').getAttribute('aria-expanded') === 'true'", ms=5_000), (
        f"{d.name}: the press on a token that moved under the still pointer did nothing")
    d.js(RESET)
    d.hold(TOKEN, "() => true")            # an ordinary press still toggles it closed
    assert d.wait("() => document.querySelector('#held').getAttribute('aria-expanded') === 'false'", ms=5_000), d.name


def test_a_pointer_that_moves_away_before_the_release_still_cancels_the_press(token):
    d = token
    d.hold(TOKEN, PUSH_DOWN, dx=300)       # the reader slid off it: the browser's own way to take a press back
    d.js(RESET)
    d.hold(TOKEN, "() => true", dx=300)
    assert d.js(PINNED) == "false", f"{d.name}: a press released 300 px away still acted"
    d.hold(TOKEN, "() => true")            # and a plain press pins it (the cancel was not a broken button)
    assert d.wait("() => document.querySelector('#held').getAttribute('aria-expanded') === 'true'", ms=5_000), d.name
