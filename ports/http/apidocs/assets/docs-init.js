// Starts Swagger UI on /docs. A file of its own, not an inline script, so that the page's
// Content-Security-Policy can allow scripts from the server alone (script-src 'self').
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The token pasted in Authorize (bearerAuth) survives a reload, in this browser only.
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No request to the public validator: the page works with no network.
    validatorUrl: null,
    displayRequestDuration: true,
  });
});
