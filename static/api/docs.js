// Boots Swagger UI on /api/docs/ from the schema URL the page gives in data-schema-url.
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui");
  if (!container || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: container.getAttribute("data-schema-url"),
    domNode: container,
    deepLinking: true,
    validatorUrl: null, // never ask a third-party validator about our schema
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    tryItOutEnabled: true,
  });
})();
