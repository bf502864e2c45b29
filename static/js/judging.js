// Judging in rounds from the keyboard: a key presses the page's own button or follows its own
// link (whatever carries it in data-keys), so a key does exactly what a click does, and the
// page works the same without this script. On a ranking juror's order page, Alt+ArrowUp/Down
// (or K/J) moves the photo whose place is focused, renumbering the places.
(function () {
  "use strict";

  var busy = false; // one key, one page: no second decision while the first is on its way

  var FIELDS = ["INPUT", "TEXTAREA", "SELECT"];

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    return FIELDS.indexOf(target.tagName) !== -1 || Boolean(target.isContentEditable);
  }

  // Letters as typed ("y"), whatever the shift or caps lock; other keys by name ("ArrowLeft").
  function keyName(event) {
    return event.key.length === 1 ? event.key.toLowerCase() : event.key;
  }

  function carrier(name) {
    var found = null;
    document.querySelectorAll("[data-keys]").forEach(function (element) {
      if (!found && element.getAttribute("data-keys").split(" ").indexOf(name) !== -1) {
        found = element;
      }
    });
    return found;
  }

  function press(event) {
    if (busy || event.repeat || event.defaultPrevented) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var element = carrier(keyName(event));
    if (!element || element.disabled) { return; }
    event.preventDefault();
    busy = true;
    element.click(); // a submit button posts its form (its value too); a link is followed
  }

  // --- a ranking juror's order -------------------------------------------------------------

  function renumber(list) {
    list.querySelectorAll("[data-place]").forEach(function (input, index) {
      input.value = String(index + 1);
    });
  }

  function moveBy(event) {
    var input = event.target;
    if (!input || !input.matches || !input.matches("[data-place]")) { return; }
    var name = keyName(event);
    var up = (event.altKey && name === "ArrowUp") || (!event.altKey && name === "k");
    var down = (event.altKey && name === "ArrowDown") || (!event.altKey && name === "j");
    if (!up && !down) { return; }
    event.preventDefault();
    var item = input.closest("[data-order-item]");
    var list = item.parentNode;
    var other = up ? item.previousElementSibling : item.nextElementSibling;
    if (other) {
      list.insertBefore(item, up ? other : other.nextElementSibling);
      item.classList.add("moved");
    }
    renumber(list);
    input.focus();
  }

  function start() {
    document.querySelectorAll("[data-round-keys]").forEach(function (legend) {
      legend.hidden = false; // the legend shows where the keys work: with this script
    });
    document.addEventListener("keydown", moveBy);
    document.addEventListener("keydown", press);
    // Coming back with the browser's Back button shows this page again from memory.
    window.addEventListener("pageshow", function () { busy = false; });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
