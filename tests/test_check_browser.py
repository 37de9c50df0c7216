"""The presenter's preflight page (preflight/) in a real Chromium against the built site.

- On a profile that has loaded the talk once (the first click downloads the model: that row is red,
  saying so), a second click reports every part green: the page, Pyodide, every widget's first
  computation, the model from the browser's cache, the live table, threads, storage, no network.
- A part that cannot work shows red with a sentence: Pyodide blocked, here.
Every request off 127.0.0.1 is aborted and fails the test.
"""

import re
from urllib.parse import urlparse

CHECK = 400_000          # ms for a whole check on a busy 2-core machine (model + Pyodide + every widget)


def guarded(browser, offsite, block=None):
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def away(route):
        offsite.append(route.request.url)
        route.abort()

    context.route(lambda url: urlparse(url).hostname not in ("127.0.0.1", None), away)
    if block:
        context.route(block, lambda route: route.abort())
    return context


def run_check(page) -> list[dict]:
    page.locator("#deck-check-run").click()
    page.wait_for_function("document.body.dataset.check && !document.getElementById('deck-check-run').disabled",
                           timeout=CHECK)
    return page.locator("#deck-check tbody tr").evaluate_all(
        "rs => rs.map(r => ({part: r.children[0].textContent, state: r.dataset.state,"
        " result: r.children[1].textContent,"
        " time: r.children[2].textContent, said: r.children[3].textContent}))")


def test_the_title_page_links_the_check(page, built_site, site_url):
    from pages import axe

    page.goto(site_url)
    link = page.locator(".deck-check-link a")
    assert link.text_content() == "Check this laptop first"
    link.click()
    page.wait_for_load_state("load")
    assert page.url == site_url + "preflight/"
    assert page.locator("#deck-check-run").text_content() == "Check this laptop"
    assert axe(page) == []


def test_a_warmed_profile_checks_all_green(browser, built_site, site_url):
    offsite, errors = [], []
    context = guarded(browser, offsite)
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(site_url + "preflight/")
    first = run_check(page)
    model = next(r for r in first if r["part"].startswith("The live model"))
    assert model["state"] == "failed" and "was not in this browser's cache" in model["said"], model
    assert "Run the check again" in model["said"]
    rows = run_check(page)            # warmed: the model is in the browser's cache now
    assert page.locator("#deck-check-summary").text_content().startswith(f"All {len(rows)} parts passed")
    red = [r for r in rows if r["state"] != "passed" or r["result"] != "passed"]
    assert not red, red
    parts = [r["part"] for r in rows]
    html = (built_site / "present" / "index.html").read_text(encoding="utf-8")
    kinds = re.findall(r'<div class="demo[^"]*" data-demo="(\w+)"', html)
    widget_rows = [p for p in parts if "first computation" in p]
    assert sorted(p.split()[0] for p in widget_rows) == sorted(k for k in kinds if k != "live")   # every widget
    for wanted in ("Python (Pyodide)", "The live model, from this browser's cache", "live widget on", "Threads",
                   "Storage left", "Presents with no network"):
        assert any(p.startswith(wanted) for p in parts), (wanted, parts)
    for r in rows:
        assert re.fullmatch(r"\d+\.\d s", r["time"]) and r["said"], r
    assert "nothing downloaded" in next(r for r in rows if r["part"].startswith("The live model"))["said"]
    assert re.search(r"[\d,]+ MB left", next(r for r in rows if r["part"].startswith("Storage"))["said"])
    assert "no network needed" in rows[-1]["said"]
    threads = next(r for r in rows if r["part"].startswith("Threads"))["said"]     # nobody pressed Load on a slide here
    assert threads.startswith("1 thread: this browser is not cross-origin isolated yet: press “Load the real model”")
    from pages import axe
    assert axe(page) == []              # the filled table too (colours of passed rows)
    context.close()
    assert not offsite and not errors, (offsite, errors)


def test_a_part_that_fails_is_red_with_a_sentence(browser, built_site, site_url):
    offsite = []
    context = guarded(browser, offsite, block=re.compile(r"/assets/vendor/pyodide/"))
    page = context.new_page()
    page.goto(site_url + "preflight/")
    rows = run_check(page)
    python = next(r for r in rows if r["part"].startswith("Python (Pyodide)"))
    assert python["state"] == "failed" and python["result"] == "failed" and len(python["said"]) > 20, python
    assert page.evaluate("document.body.dataset.check") == "failed"
    assert re.match(r"\d+ of \d+ parts failed: see the red rows\.", page.locator("#deck-check-summary").text_content())
    cell = page.locator('#deck-check tr[data-state="failed"] td:nth-child(2)').first
    color = cell.evaluate("el => getComputedStyle(el).color")
    assert color == "rgb(183, 28, 28)"
    context.close()
    assert not offsite
