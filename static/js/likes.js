// Likes without a reload: the form still posts normally when this script is absent.
// The count changes at once and goes back if the server refuses.
(function () {
  "use strict";

  // The page's words in the reader's language (templates/_script_words.html, in the head of the pages that load it):
  // this script holds no sentences of its own.
  var holder = document.getElementById("script-words");
  var words = holder ? holder.dataset : {};
  function word(name) { return words[name] || ""; }

  function render(form, liked, countText) {
    var button = form.querySelector(".like-button");
    form.querySelector("input[name=action]").value = liked ? "unlike" : "like";
    button.classList.toggle("liked", liked);
    button.setAttribute("aria-pressed", liked ? "true" : "false");
    button.querySelector("[aria-hidden]").textContent = liked ? "\u2665" : "\u2661";
    button.querySelector(".like-label").textContent = liked ? word("liked") : word("like");
    form.querySelector("[data-like-count]").textContent = countText;
  }

  function describe(count) {
    if (count === null || count === undefined) { return word("hidden"); }
    return (count === 1 ? word("one") : word("many")).replace("{n}", count);
  }

  // Screen readers hear the like and the new count once the server has it (a polite status).
  function announce(form, liked, count) {
    var status = form.querySelector("[data-like-status]");
    if (!status) { return; }
    if (count === null || count === undefined) {
      status.textContent = liked ? word("likedStatus") : word("unlikedStatus");
      return;
    }
    var sentence = liked ? word("likedNow") : word("unlikedNow");
    status.textContent = sentence.replace("{likes}", describe(count));
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    if (!window.fetch) { return; }
    event.preventDefault();
    if (form.dataset.pending) { return; } // one change at a time, so replies cannot cross
    form.dataset.pending = "1";
    var countNode = form.querySelector("[data-like-count]");
    var before = { liked: form.querySelector("input[name=action]").value === "unlike", text: countNode.textContent };
    var guess = parseInt(before.text, 10);
    var liking = !before.liked;
    render(form, liking, isNaN(guess) ? before.text : describe(guess + (liking ? 1 : -1)));
    var error = form.querySelector(".like-error");
    error.textContent = "";
    var status = form.querySelector("[data-like-status]");
    if (status) { status.textContent = ""; }
    fetch(form.getAttribute("action"), {
      method: "POST",
      // Url-encoded, as the form itself would post: the server answers these the quickest.
      body: new URLSearchParams(new FormData(form_with_action(form, liking))),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || word("failed")); }
        render(form, data.liked, describe(data.count));
        announce(form, data.liked, data.count);
      });
    }).catch(function (problem) {
      render(form, before.liked, before.text);
      error.textContent = problem.message || word("failed");
    }).then(function () { delete form.dataset.pending; });
  }

  function form_with_action(form, liking) {
    form.querySelector("input[name=action]").value = liking ? "like" : "unlike";
    return form;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("[data-like-form]");
    for (var i = 0; i < forms.length; i++) { forms[i].addEventListener("submit", onSubmit); }
  });
})();
