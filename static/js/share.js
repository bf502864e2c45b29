// "Copy link" and the phone's own share sheet, where the browser offers them.
(function () {
  "use strict";
  // The page's words in the reader's language (templates/_script_words.html).
  var holder = document.getElementById("script-words");
  var words = holder ? holder.dataset : {};
  document.addEventListener("DOMContentLoaded", function () {
    var copy = document.querySelector("[data-copy-link]");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(copy.dataset.copyLink).then(function () {
          copy.textContent = words.linkCopied || copy.textContent;
        });
      });
    }
    var native = document.querySelector("[data-native-share]");
    if (native && navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: native.dataset.shareTitle, url: native.dataset.nativeShare })
          .catch(function () { /* the person closed the sheet */ });
      });
    }
  });
})();
