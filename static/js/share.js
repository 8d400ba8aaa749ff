/* share.js: the "Copy" button next to a newly made shared link (no inline script: strict CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copyTarget);
    if (!field) return;
    field.select();
    var done = function () {
      button.textContent = "Copied";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        button.textContent = "Select and copy";
      });
    } else {
      button.textContent = "Press Ctrl+C";
    }
  });
})();
