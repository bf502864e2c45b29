// Progressive enhancement for the photo form: a preview of the chosen photo and an upload
// progress bar. Without this script the form posts normally and works the same.
(function () {
  "use strict";

  // The page's words in the reader's language (templates/_script_words.html): this script
  // holds no sentences of its own.
  var holder = document.getElementById("script-words");
  var words = holder ? holder.dataset : {};
  function word(name) { return words[name] || ""; }

  function showPreview(input) {
    var target = document.getElementById(input.dataset.previewTarget);
    if (!target || !input.files || !input.files[0]) { return; }
    var file = input.files[0];
    if (!/^image\/(jpeg|png|webp)$/.test(file.type)) {
      target.hidden = true; // browsers cannot draw HEIC; the server will
      return;
    }
    var status = input.form && input.form.querySelector(".upload-status");
    if (status) { status.textContent = ""; }
    // A file named like a photo that is not one: no broken image, a word instead (the server
    // says exactly what is wrong when the form is sent).
    target.onerror = function () {
      target.hidden = true;
      target.removeAttribute("src");
      if (status) { status.textContent = word("notAPhoto"); }
    };
    target.onload = function () { target.hidden = false; };
    target.alt = word("photoPreview");
    target.hidden = true;
    target.src = URL.createObjectURL(file);
  }

  function sendWithProgress(form, event) {
    if (!window.XMLHttpRequest || !window.FormData) { return; }
    event.preventDefault();
    var bar = form.querySelector(".upload-progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector("button[type=submit]");
    var request = new XMLHttpRequest();
    var target = form.getAttribute("action");
    request.open("POST", target);
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        bar.hidden = false;
        bar.value = Math.round((100 * progress.loaded) / progress.total);
        status.textContent = word("uploadingPercent").replace("{percent}", bar.value + "%");
      }
    });
    request.addEventListener("load", function () {
      if (request.responseURL && request.responseURL.indexOf(target) === -1) {
        window.location.assign(request.responseURL);
        return;
      }
      // The form again, with its messages: swap in the new page's main content.
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      var fresh = page.querySelector("main");
      document.querySelector("main").replaceWith(fresh);
      enhance();
      var summary = document.querySelector(".notice.error");
      if (summary) { summary.scrollIntoView(); }
    });
    request.addEventListener("error", function () {
      status.textContent = word("uploadFailed");
      button.disabled = false;
    });
    button.disabled = true;
    status.textContent = word("uploading");
    request.send(new FormData(form));
  }

  function enhance() {
    var form = document.querySelector("[data-upload-form]");
    if (!form) { return; }
    var input = form.querySelector("input[type=file]");
    if (input) {
      input.addEventListener("change", function () { showPreview(input); });
    }
    form.addEventListener("submit", function (event) { sendWithProgress(form, event); });
  }

  document.addEventListener("DOMContentLoaded", enhance);
})();
