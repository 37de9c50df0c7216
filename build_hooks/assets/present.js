// Present mode: start reveal.js on a page written by build_hooks/present.py.
//
// Keys (reveal.js): arrows / space to move, O overview, S speaker view (notes + timer),
// F fullscreen, Esc leaves both. `#/N` or `#/<slide-id>` opens a slide (hash: true).
// `?print-pdf` lays out one page per slide for printing; add `&notes` for the notes under each
// slide, or `&notes=separate-page` to print them on their own page.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("deck-config").textContent);
  const params = new URLSearchParams(window.location.search);
  const notes = params.has("notes") ? (params.get("notes") === "separate-page" ? "separate-page" : true) : false;

  window.Reveal.initialize({
    hash: true,                  // the URL follows the slide: #/3, shareable and reload-safe
    history: false,
    width: 1280,
    height: 760,
    margin: 0.04,
    center: false,               // slides start at the top, like the reading view's sections
    controls: true,
    progress: true,
    slideNumber: "c/t",
    transition: "slide",
    showNotes: notes,
    pdfSeparateFragments: false, // ?print-pdf: exactly one page per slide
    pdfMaxPagesPerSlide: 1,
    plugins: [window.RevealNotes],
  });

  // F toggles fullscreen (reveal.js only enters it; here F also leaves it).
  window.Reveal.addKeyBinding({ keyCode: 70, key: "F", description: "Toggle fullscreen" }, function () {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(function () {});
  });

  // A slide taller than the stage (a long table, a big widget) shrinks to fit instead of being cut.
  function fit(slide) {
    if (!slide || !slide.classList.contains("slide")) return;
    slide.style.zoom = "";
    const over = slide.scrollHeight / Math.max(1, slide.clientHeight);
    if (over > 1.01) slide.style.zoom = String(Math.max(0.5, 1 / over));
  }
  window.Reveal.on("ready", function () {
    if (window.Reveal.isPrintView()) document.querySelectorAll(".slides section.slide").forEach(fit);
    else fit(window.Reveal.getCurrentSlide());
  });
  window.Reveal.on("slidechanged", function (event) { fit(event.currentSlide); });

  // "Reading view" follows the current slide: back to the same slide's section in the reading page.
  const back = document.querySelector("a.deck-back");
  function follow() {
    const slide = window.Reveal.getCurrentSlide();
    if (!back || !slide) return;
    const deck = slide.getAttribute("data-deck");
    const base = (config.reading && config.reading[deck]) || back.getAttribute("href").split("#")[0];
    const id = slide.id.indexOf("--") >= 0 ? slide.id.slice(slide.id.indexOf("--") + 2) : slide.id;
    back.setAttribute("href", base + "#" + id);
  }
  window.Reveal.on("ready", follow);
  window.Reveal.on("slidechanged", follow);
})();
