// Present mode: start reveal.js on a page written by build_hooks/deck/present.py.
//
// Keys (reveal.js): arrows / space to move, O overview, S speaker view (notes + timer),
// F fullscreen, Esc leaves both. `#/N` or `#/<slide-id>` opens a slide (hash: true).
// `?print-pdf` lays out one page per slide for printing; add `&notes` for the notes under each
// slide, or `&notes=separate-page` to print them on their own page.
//
// The stage is 1280x720 CSS px: on a 1280x720 projector one stage px is one screen px, so the
// sizes in present.css are the sizes the room sees. A slide never shrinks to fit: one that
// would not fit fails the build (build_hooks/deck/fit.py) and tests/test_room_browser.py measures it.
//
// A module: it runs once the page is parsed, after reveal.js and its notes plugin (classic scripts
// before it on the page) and after every widget's script (present.py puts this one last).
import { preview } from "./preview.js";

const config = JSON.parse(document.getElementById("deck-config").textContent);
const params = new URLSearchParams(window.location.search);
const notes = params.has("notes") ? (params.get("notes") === "separate-page" ? "separate-page" : true) : false;
const Reveal = window.Reveal;
const startHash = window.location.hash;   // reveal.js rewrites it during start-up

Reveal.initialize({
  hash: true,                  // the URL follows the slide: #/3, shareable and reload-safe
  history: false,
  width: 1280,
  height: 720,
  margin: 0,                   // the slides' own padding keeps text off the screen's edge
  center: false,               // slides start at the top, like the reading view's sections
  controls: true,
  progress: true,
  slideNumber: "c/t",
  transition: "slide",
  showNotes: notes,
  pdfSeparateFragments: false, // ?print-pdf: exactly one page per slide
  pdfMaxPagesPerSlide: 1,
  // Pacing (build_hooks/deck/pacing.py): the decks' front-matter minutes, spread over the slides
  // as data-timing seconds; the speaker view (S) shows how far ahead or behind the talk is.
  totalTime: config.totalTime || null,
  plugins: [window.RevealNotes],
});

// F toggles fullscreen (reveal.js only enters it; here F also leaves it).
Reveal.addKeyBinding({ keyCode: 70, key: "F", description: "Toggle fullscreen" }, function () {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen().catch(function () {});
});

// The slide a hash names: "#/3" (0-based, as reveal.js writes it) or "#/<slide-id>".
function slideFromHash(hash) {
  const name = decodeURIComponent((hash || "").replace(/^#\/?/, "").split("/")[0]);
  if (!name) return null;
  // getSlides(), not getHorizontalSlides(): the scroll view moves each <section> into a wrapper.
  if (/^\d+$/.test(name)) return Reveal.getSlides()[Number(name)] || null;
  const el = document.getElementById(name);
  return el && el.closest("section");
}

// Phones (narrower than 435 px): reveal.js switches to its scroll view, where the slides are
// one long page and the hash it reads at start-up is lost (reveal.js issue #3815). Scroll to
// the slide the link names ourselves, once the scroll view has laid its pages out.
function followHashInScrollView() {
  if (!Reveal.isScrollView()) return;
  const slide = slideFromHash(startHash);
  if (!slide) return;
  const page = slide.closest(".scroll-page") || slide;
  const viewport = Reveal.getViewportElement();
  viewport.scrollTop += page.getBoundingClientRect().top - viewport.getBoundingClientRect().top;
  window.history.replaceState(null, "", startHash);     // and keep the link the reader was given
}
Reveal.on("ready", function () { requestAnimationFrame(followHashInScrollView); });

// Warm-up: while a slide is shown, the next one gets a `deck-warmup` event (bubbling from its
// <section>), and so does the slide shown itself. widgets.js starts the Pyodide worker when
// that slide holds a widget, so it is ready when the slide appears; anything else that must
// load ahead of its slide (a live model) can listen the same way:
//     document.addEventListener("deck-warmup", (e) => { if (e.target.querySelector(...)) ... });
// The reading view has no Reveal, so no warm-up: it fetches nothing before an interaction.
function warmUp() {
  if (Reveal.isPrintView() || preview) return;   // a speaker-view preview loads nothing
  const slides = Reveal.getSlides();
  const current = Reveal.getCurrentSlide();
  const next = slides[slides.indexOf(current) + 1];
  for (const slide of [current, next]) {
    if (slide) slide.dispatchEvent(new CustomEvent("deck-warmup", { bubbles: true, detail: { current: slide === current } }));
  }
}
Reveal.on("ready", warmUp);
Reveal.on("slidechanged", warmUp);

// Nothing spills: a widget may grow (a long paste, 200 generated tokens, a traceback), but its
// results scroll inside it. Each widget of the slide shown gets the room from its top down to
// the slide's content floor, less what follows it on the slide, as --demo-room (stage px);
// present.css caps the widget there and lets its .demo-output scroll. The room depends only on
// the rest of the slide, so it is measured once per slide shown, while the widgets still have
// their build-time size (the slide fits: fit.py). The navigation arrows sit under the floor.
function makeRoom() {
  const slide = Reveal.getCurrentSlide();
  if (!slide || Reveal.isPrintView() || Reveal.isScrollView() || slide.dataset.room) return;
  const scale = Reveal.getScale() || 1;
  const box = slide.getBoundingClientRect();
  const floor = slide.clientHeight - parseFloat(getComputedStyle(slide).paddingBottom);
  const parts = [...slide.querySelectorAll(":scope > :not(aside)")].map((el) => el.getBoundingClientRect());
  const end = Math.max(...parts.map((r) => r.bottom), box.top);
  for (const widget of slide.querySelectorAll(".demo")) {
    const r = widget.getBoundingClientRect();
    const top = (r.top - box.top) / scale, after = Math.max(0, end - r.bottom) / scale;
    widget.style.setProperty("--demo-room", `${Math.max(0, Math.floor(floor - top - after))}px`);
  }
  slide.dataset.room = "measured";
}
Reveal.on("ready", makeRoom);
Reveal.on("slidechanged", makeRoom);
if (document.fonts) {              // text measured before the theme's fonts arrived: measure again
  document.fonts.ready.then(() => {
    for (const slide of document.querySelectorAll("section[data-room]")) delete slide.dataset.room;
    if (Reveal.isReady()) makeRoom();
  });
}

// "Reading view" follows the current slide: back to the same slide's section in the reading page.
const back = document.querySelector("a.deck-back");
function follow() {
  const slide = Reveal.getCurrentSlide();
  if (!back || !slide) return;
  const deck = slide.getAttribute("data-deck");
  const base = (config.reading && config.reading[deck]) || back.getAttribute("href").split("#")[0];
  const id = slide.id.indexOf("--") >= 0 ? slide.id.slice(slide.id.indexOf("--") + 2) : slide.id;
  back.setAttribute("href", base + "#" + id);
}
Reveal.on("ready", follow);
Reveal.on("slidechanged", follow);
