// Snapshot completions: click (or Enter/Space) a token to pin its top-5 alternatives; Escape closes.
// Hover and keyboard focus already show them through CSS. Works on reading and present pages.
// A module with nothing to import: it only listens on the document, for every snapshot at once.

function closeAll(except) {
  for (const tok of document.querySelectorAll(".snap-tok.snap-open")) {
    if (tok !== except) { tok.classList.remove("snap-open"); tok.setAttribute("aria-expanded", "false"); }
  }
}

document.addEventListener("click", (ev) => {
  const tok = ev.target.closest ? ev.target.closest(".snap-tok") : null;   // an event sent to the document: no closest()
  if (!tok) { closeAll(null); return; }
  const open = !tok.classList.contains("snap-open");
  closeAll(tok);
  tok.classList.toggle("snap-open", open);
  tok.setAttribute("aria-expanded", open ? "true" : "false");
});

document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") closeAll(null);
});
