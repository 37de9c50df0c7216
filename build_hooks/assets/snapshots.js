// Snapshot completions: click (or Enter/Space) a token to pin its top-5 alternatives; Escape closes.
// Hover and keyboard focus already show them through CSS. Works on reading and present pages.
(function () {
  "use strict";
  function closeAll(except) {
    document.querySelectorAll(".snap-tok.snap-open").forEach(function (b) {
      if (b !== except) { b.classList.remove("snap-open"); b.setAttribute("aria-expanded", "false"); }
    });
  }
  document.addEventListener("click", function (ev) {
    var tok = ev.target.closest ? ev.target.closest(".snap-tok") : null;
    if (!tok) { closeAll(null); return; }
    var open = !tok.classList.contains("snap-open");
    closeAll(tok);
    tok.classList.toggle("snap-open", open);
    tok.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") closeAll(null);
  });
})();
