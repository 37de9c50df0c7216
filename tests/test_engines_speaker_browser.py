"""The speaker view in three engines (Chromium, Firefox ESR, WebKitGTK), through tests/browsers.py.

reveal.js's notes plugin (S) opens a window that shows the deck twice more in iframes; mirror.js
makes those previews copies of the audience window's widgets, and the live model runs only in the
audience window. Here, in each engine:

- the speaker view opened *before* the first opt-in: pressing Load then reloads the audience page
  once for cross-origin isolation (threads.js, deck-sw.js). A page that becomes isolated is put in
  a browsing context group of its own: the speaker window loses its `window.opener`, the one line
  reveal.js's plugin talks over. The speaker view must stay in step all the same: its previews
  show the live widget as the audience sees it, and its current slide follows the audience's;
- a Generate in the audience window shows in both previews: the same tokens, the same speed line;
- the previews start no engine of their own (no Pyodide, no wllama) and no page shows raw error text.
"""

import pytest

import browsers
from helpers import LOAD
from pages import live_slide

SPEAKER = "Speaker View"            # the speaker window's title (reveal.js's notes plugin)
LIVE = '.demo[data-demo="live"]'
# In the speaker window: its two previews' windows (receiver iframes) once their pages run, else null.
FRAMES = """() => { const f = [...document.querySelectorAll('iframe')].filter(f => /receiver/.test(f.src));
    return f.length === 2 && f.every(x => x.contentWindow && x.contentWindow.deckMirror && x.contentWindow.Reveal
        && x.contentWindow.Reveal.isReady()) && f.map(x => x.contentWindow); }"""
PREVIEWS = f"() => !!({FRAMES})()"
# In the speaker window: what each preview's live widget shows (state, prompt, mirrored?, engine started?)
MIRRORED = f"""(want) => {{ const frames = ({FRAMES})();
    if (!frames) return null;
    const seen = frames.map(w => {{ const el = w.document.querySelector('{LIVE}');
        return el && {{state: el.dataset.state, mirror: el.dataset.mirror || '', inert: el.inert,
                      prompt: el.querySelector('textarea[name=prompt]').value,
                      rows: el.querySelectorAll('tr.demo-live-row').length,
                      engine: !!(w.deckLive.engine.wllama || (w.deckBridge && w.deckBridge.worker))}}; }});
    return (!want || seen.every(s => s && s.prompt === want && s.state === 'live' && s.rows > 0)) && seen; }}"""
CURRENT = """(h) => { const f = document.querySelector('#current-slide iframe');
    const r = f && f.contentWindow && f.contentWindow.Reveal;
    return r && r.isReady() && r.getIndices().h === h; }"""


@pytest.fixture(params=["chromium", "firefox", "webkit"])
def fresh(request):
    """A browser of its own for each test: no service worker yet, nothing cached (the first opt-in)."""
    chromium = request.getfixturevalue("browser") if request.param == "chromium" else None
    with browsers.engine(request.param, chromium) as driver:
        yield driver


def text_of(driver) -> str:
    return driver.js("() => document.body.innerText")


def test_the_speaker_view_opened_before_the_first_opt_in_stays_in_step(fresh, built_site, site_url):
    d = fresh
    stem, index = live_slide(built_site)
    audience = f"{site_url}present/{stem}/"
    d.goto(f"{audience}#/{index}")
    assert d.wait("() => window.Reveal && Reveal.isReady() && !self.crossOriginIsolated"), d.name
    d.press("s")
    d.switch(SPEAKER)
    assert d.wait(PREVIEWS, ms=60_000), f"{d.name}: the speaker view's previews did not start"
    d.switch(audience, but=SPEAKER)
    d.click(f'{LIVE} button[name="load"]')
    state = d.settle(f"() => {{ const s = document.querySelector('{LIVE}').dataset.state;"
                     " return ['live', 'error', 'unavailable'].includes(s) && self.crossOriginIsolated && s; }",
                     ms=LOAD)
    assert state == "live", f"{d.name}: {d.js(f'() => document.querySelector(`{LIVE} .demo-status`).textContent')}"
    prompt = "A small robot walked into the"
    d.js(f"(p) => {{ const t = document.querySelector('{LIVE} textarea[name=prompt]'); t.value = p;"
         " t.dispatchEvent(new Event('input', {bubbles: true})); }", prompt)
    assert d.wait(f"(p) => document.querySelector('{LIVE} .demo-live-table').dataset.prompt === p", prompt, ms=LOAD)

    d.switch(SPEAKER)
    seen = d.wait(MIRRORED, prompt, ms=30_000)
    assert seen, f"{d.name}: the previews lost the audience's widget after its reload: {d.wait(MIRRORED, None)}"
    assert all(s["mirror"] == "preview" and s["inert"] and not s["engine"] for s in seen), seen
    assert "Error connecting" not in text_of(d) and "Cross origin error" not in text_of(d)

    d.switch(audience, but=SPEAKER)                                # Generate: the previews show the same text
    d.js(f"() => {{ document.querySelector('{LIVE} [name=length]').value = '12'; }}")
    d.click(f'{LIVE} button[name="generate"]')
    done = d.wait(f"() => {{ const el = document.querySelector('{LIVE}'), g = el.querySelector('.demo-live-gen');"
                  " return !el.dataset.busy && g && g.dataset.tokenIds"
                  " && [g.textContent, el.querySelector('.demo-live-speed').textContent]; }", ms=LOAD)
    assert done and done[0].strip(), f"{d.name}: Generate gave no text"
    d.switch(SPEAKER)
    shows = f"""(want) => {{ const frames = ({FRAMES})();
        return frames && frames.every((w) => {{ const el = w.document.querySelector('{LIVE}');
            const g = el && el.querySelector('.demo-live-gen'), r = el && el.querySelector('.demo-live-speed');
            return g && r && g.textContent === want[0] && r.textContent === want[1]; }}); }}"""
    assert d.wait(shows, done, ms=30_000), f"{d.name}: the previews do not show the audience's generated text {done}"

    d.switch(audience, but=SPEAKER)                                # the audience moves on: the speaker view follows
    d.press("ArrowRight")
    assert d.wait("(h) => Reveal.getIndices().h === h", index + 1)
    d.switch(SPEAKER)
    assert d.wait(CURRENT, index + 1, ms=30_000), f"{d.name}: the speaker view stayed on slide {index}"
    d.switch(audience, but=SPEAKER)
    assert not browsers.RAW_ERROR.findall(text_of(d)), text_of(d)[-1500:]
