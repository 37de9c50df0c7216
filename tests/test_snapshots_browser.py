"""Snapshot rendering in a real Chromium: probabilities readable on hover, focus and click, both views."""

import pytest

from pages import page_holding


@pytest.mark.parametrize("present", [False, True], ids=["reading", "present"])
def test_completion_tokens_show_probability_and_alternatives(page, built_site, site_url, present):
    page.goto(site_url + page_holding(built_site, "snapshot-completion", present))
    tok = page.locator(".snapshot-completion .snap-tok").first
    tip = tok.locator(".snap-tip")
    label = tok.get_attribute("aria-label")
    assert "probability" in label and "%" in label                  # the number, not only the colour
    if present:
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        page.evaluate("""() => { const s = [...document.querySelectorAll('section.slide')];
                                 Reveal.slide(s.findIndex(x => x.querySelector('.snapshot-completion'))); }""")
        tok.wait_for(state="visible")
    assert not tip.is_visible()
    tok.focus()
    assert tip.is_visible() and "p = " in tip.inner_text() and "top 5" in tip.inner_text()
    assert len(tip.locator(".snap-alt").all()) >= 5
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    tok.click()
    assert tok.get_attribute("aria-expanded") == "true" and tip.is_visible()
    page.keyboard.press("Escape")
    assert tok.get_attribute("aria-expanded") == "false"
    assert not page.console_errors


def test_next_token_table_and_figures_render(page, built_site, site_url):
    page.goto(site_url + page_holding(built_site, "snapshot-next-tokens"))
    rows = page.locator(".snapshot-next-tokens tbody tr")
    assert rows.count() == 11                                          # top 10 + "all other tokens"
    assert "cat" in rows.first.inner_text() and "%" in rows.first.inner_text()
    for img in page.locator("img[src*='figures/']").all():
        img.scroll_into_view_if_needed()
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", img.element_handle())
