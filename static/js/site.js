// Small behaviours every page shares; each page works without them.
(function () {
  "use strict";

  // <details data-open-from="52rem">: always open on a wide screen (its summary is hidden by CSS),
  // folded on a narrow one until the visitor opens it. The server sends it open, for clients
  // without JavaScript.
  document.querySelectorAll("details[data-open-from]").forEach(function (details) {
    var wide = window.matchMedia("(min-width: " + details.getAttribute("data-open-from") + ")");
    function follow() {
      details.open = wide.matches;
    }
    follow();
    // From now on the element's own state shows (catalogue.css hides a phone's content until then).
    details.setAttribute("data-ready", "");
    wide.addEventListener("change", follow);
  });

  // After a failed post, the error summary takes the focus: a screen reader reads it first, and
  // its links lead to each field.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
