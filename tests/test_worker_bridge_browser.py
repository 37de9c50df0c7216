"""The page's worker bridge drops a superseded request (payload.latest) instead of computing it.

While Python starts, a widget may ask several times under one name (a reader typing prompt after
prompt); only the newest is worth an answer. In a real Chromium on the built site: two requests
under one name sent before Python is ready, the older fails with "superseded", the newer gets the
demos' answer (CPython's demos.live.rows for the same input); requests under other names, or none,
all run.
"""

from demos import live
from pages import page_with

ASK = """async () => {
  const b = window.deckBridge, kwargs = {ids: [3, 7, 9], probs: [0.6, 0.3, 0.1], top: 2};
  const ask = (latest) => b.call('call', latest ? {fn: 'live_rows', kwargs, latest} : {fn: 'live_rows', kwargs})
    .then((r) => r, (e) => e.message);
  const asked = [ask('w:rows'), ask('w:rows'), ask('other'), ask(null)];
  const state = b.state;
  return {state, answers: await Promise.all(asked)};
}"""


def test_a_superseded_request_is_dropped_while_python_starts(page, built_site, site_url):
    page.goto(site_url + page_with(built_site, "sampling"))
    page.wait_for_load_state("load")
    got = page.evaluate(ASK)
    assert got["state"] == "loading"              # all four were sent before Python was ready
    want = live.rows([3, 7, 9], [0.6, 0.3, 0.1], top=2)
    assert got["answers"][0] == "superseded"
    assert got["answers"][1:] == [want, want, want]
