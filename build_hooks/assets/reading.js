// Reading view: the "Present" link opens present mode at the slide you are reading.
//
// Each slide is a <section class="slide" id="slide-..."> (build_hooks/plugin/plugin.py); the present
// page uses the same ids, so present/<deck>/#/<section-id> opens that slide.
function currentSection() {
  // The last section whose top has scrolled above the first third of the window.
  const sections = document.querySelectorAll("section.slide[id]");
  let current = sections[0] || null;
  for (const s of sections) {
    if (s.getBoundingClientRect().top <= window.innerHeight / 3) current = s;
    else break;
  }
  return current;
}

function update() {
  const section = currentSection();
  for (const link of document.querySelectorAll("a.deck-present-link")) {
    const base = link.getAttribute("href").split("#")[0];
    // On the title deck, "Present the talk" opens the whole talk, where ids carry the deck's prefix.
    const prefix = link.getAttribute("data-slide-prefix") || "";
    link.setAttribute("href", section ? base + "#/" + prefix + section.id : base);
  }
}

// A region that scrolls sideways (a notebook's code cell, a wide table on a phone) must be
// reachable with the keyboard: focusable, with a role and a name a screen reader can announce.
function keyboardScroll() {
  const boxes = document.querySelectorAll(".md-content pre, .md-content .highlight-ipynb, .md-content .snapshot, " +
    ".md-content .jp-OutputArea-output, .md-typeset__scrollwrap");
  for (const box of boxes) {
    if (box.hasAttribute("tabindex") || box.scrollWidth <= box.clientWidth + 1) continue;
    const cell = box.closest(".jp-Cell");
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", cell ? (box.closest(".jp-OutputArea") ? "Cell output" : "Code cell")
      : (box.querySelector("table") ? "Table" : "Code") + " (scrolls sideways)");
  }
}

let pending = false;
window.addEventListener("scroll", function () {
  if (pending) return;
  pending = true;
  window.requestAnimationFrame(function () { pending = false; update(); });
}, { passive: true });
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("a.deck-present-link")) update();
}, true);
// Material's instant navigation (if enabled) swaps pages without a reload: document$ tells us.
function start() { update(); keyboardScroll(); }
window.addEventListener("resize", keyboardScroll, { passive: true });
if (window.document$ && window.document$.subscribe) window.document$.subscribe(start);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
