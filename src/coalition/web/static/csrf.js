// Every htmx request carries the page's CSRF token (web/extensions/security.py checks it).
// The token comes from <meta name="csrf-token"> in base.html; forms carry it as a hidden field.
(function () {
  "use strict";
  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = token();
  });
  // For page scripts that post with fetch(): headers: {"X-CSRF-Token": window.coalitionCsrf()}.
  window.coalitionCsrf = token;
})();
