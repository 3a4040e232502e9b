/* The map page's "Embed this map": the iframe code follows the current filters, and a button
 * copies it (the textarea stays selectable for browsers without the clipboard API).
 */
(function () {
  "use strict";

  var code = document.querySelector("[data-embed-code]");
  var button = document.querySelector("[data-embed-copy]");
  var status = document.querySelector("[data-embed-status]");
  var canvas = document.querySelector('[data-catalogue-map][data-mode="full"]');
  if (!code) return;

  function attribute(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  // Built as text: the code is for another page.
  function update() {
    var query = window.location.search;
    var src = code.dataset.embedBase + (query.length > 1 ? query : "");
    code.value =
      '<iframe src="' + attribute(src) + '" title="' + attribute(code.dataset.embedTitle) +
      '" width="100%" height="480" loading="lazy"></iframe>';
  }

  if (canvas) canvas.addEventListener("catalogue-map:ready", update);
  if (button) {
    button.addEventListener("click", function () {
      code.select();
      var done = function () {
        if (status) status.textContent = button.dataset.labelCopied;
      };
      if (navigator.clipboard) navigator.clipboard.writeText(code.value).then(done, function () {});
      else if (document.execCommand("copy")) done();
    });
  }
})();
