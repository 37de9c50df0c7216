"""Figures read from the back of the room: every matplotlib figure a slide shows, measured in Chromium
on the 1280x720 present stage.

An SVG's text is drawn at its font size times the scale the page gives the image (the <img>'s
rendered width over the SVG's viewBox width). On the stage that must be at least 16 px, like the
slide text; source lines and captions (text the figure code marks with a `caption` id) at least 14 px.

One build for the whole session (conftest's `built_site`), served under /deck/.
"""

from build_hooks.figures import legibility
from pages import on_stage

# Every figure <img> on every slide of the whole-talk present page: its src and rendered width.
FIGURES = """async () => {
  const R = window.Reveal, out = [];
  R.configure({transition: "none", backgroundTransition: "none"});
  for (const s of R.getSlides()) {
    const imgs = [...s.querySelectorAll('img[src*="figures/"]')];
    if (!imgs.length) continue;
    R.slide(R.getIndices(s).h, R.getIndices(s).v);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (const img of imgs) {
      await img.decode();
      const svg = await (await fetch(img.currentSrc || img.src)).text();
      out.push({slide: s.id, src: img.getAttribute("src"), width: img.getBoundingClientRect().width,
                height: img.getBoundingClientRect().height, scale: R.getScale(), svg});
    }
  }
  return out;
}"""


def test_every_figure_is_readable_on_the_1280x720_stage(browser, built_site, site_url):
    shown = on_stage(browser, site_url, FIGURES)
    drawn = {p.stem for p in (built_site / "figures").glob("*.svg")}
    assert {f["src"].rsplit("/", 1)[-1].removesuffix(".svg") for f in shown} == drawn, \
        "every figure the build draws is on a slide, and measured here"
    small = []
    for f in shown:
        assert abs(f["scale"] - 1) < 0.01, "the stage must be 1:1 at 1280x720"
        too_small = legibility.too_small(f["svg"], f["width"])
        if too_small:
            more = f" (and {len(too_small) - 4} more)" if len(too_small) > 4 else ""
            small.append(f'{f["src"]} on #{f["slide"]}, shown {f["width"]:.0f}x{f["height"]:.0f} px: '
                         + "; ".join(too_small[:4]) + more)
    assert not small, ("figure text under 16 px (captions and sources 14 px) as shown on a 1280x720 stage:\n"
                       + "\n".join(small))
