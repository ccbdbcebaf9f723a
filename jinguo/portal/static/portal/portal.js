/* Public portal: quick exit (button and Escape key) and history that keeps no portal page.
   Every portal navigation replaces the current history entry instead of adding one, so the
   quick exit, which replaces the last one with the neutral page, leaves no portal page
   behind. Without JavaScript the pages and the appeal form work as plain links and forms. */
(function () {
  "use strict";
  function exitUrl() {
    return document.body.getAttribute("data-exit-url") || "/rili/";
  }
  function quickExit(event) {
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    window.location.replace(exitUrl());
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { quickExit(event); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a") : null;
    if (!link) { return; }
    if (link.id === "quick-exit") { quickExit(event); return; }
    var href = link.getAttribute("href") || "";
    if (href.indexOf("/portal/") === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      window.location.replace(href);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") { return; }
    event.preventDefault();
    var params = new URLSearchParams(new FormData(form)).toString();
    window.location.replace(form.getAttribute("action") + (params ? "?" + params : ""));
  });
})();
