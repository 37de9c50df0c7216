// A press that a redraw moved is still a press.
//
// A browser sends a click only to what lies under the pointer both when it went down and when it
// came up; when the two differ, the click goes to the element that holds both. On these pages a
// button can move while it is held: the reader presses "Score", the live table above it is redrawn
// (a new prompt, a status line that wraps), the button slides a few pixels, and the release lands
// beside it. The click goes to the widget's box and the press does nothing: the reader presses
// again and wonders what broke.
//
// So: remember the button under each pointerdown. When the click that ends that press reaches an
// element that holds the button, not the button itself, and the pointer stayed where it was
// pressed (the button moved, not the hand), the click is passed on to the button. A pointer that
// moved away before letting go still cancels the press, as everywhere else.
// Keyboard presses (Enter, Space) click the focused button and never need this.

const STILL_PX = 8;         // farther than this between press and release: the reader moved away

let pressed = null;         // {button, x, y} of the pointerdown this click may belong to

document.addEventListener("pointerdown", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button") : null;
  pressed = button && event.isPrimary ? { button, x: event.clientX, y: event.clientY } : null;
}, { capture: true, passive: true });

document.addEventListener("click", (event) => {
  const press = pressed;
  pressed = null;
  if (!press || event.detail === 0 || !(event.target instanceof Element)) return;   // detail 0: not a pointer
  const { button } = press;
  const still = Math.hypot(event.clientX - press.x, event.clientY - press.y) <= STILL_PX;
  if (event.target.closest("button, a, input, select, textarea, summary, label") ||   // it went to a control
      !event.target.contains(button) || !button.isConnected || button.disabled || !still) return;
  event.stopImmediatePropagation();      // this click is the button's, not its box's
  event.preventDefault();
  button.click();
}, { capture: true });
