// Starts Swagger UI on /docs (templates/docs.html) from the vendored swagger-ui-bundle.js:
// a file rather than an inline script, so the page lives under the same CSP as every other.
// "Try it out" with a session cookie sends the page's CSRF token, as htmx does (csrf.js).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    // Deep links put a link inside each operation's toggle button (nested-interactive, axe).
    deepLinking: false,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    requestInterceptor: function (request) {
      if (token && new URL(request.url, window.location.href).origin === window.location.origin) {
        request.headers["X-CSRF-Token"] = token;
      }
      return request;
    },
  });
})();
