// Starts Swagger UI on /api/docs. A file of its own, not an inline script: the
// Content-Security-Policy allows scripts from this server's files only.
(function () {
  "use strict";
  const node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No badge from the online validator: the page must not reach beyond this server.
    validatorUrl: null,
  });
})();
