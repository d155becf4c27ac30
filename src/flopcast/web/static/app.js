// flopcast serve: small progressive enhancements; the pages work without them.
(function () {
  "use strict";
  // Leave empty fields out of requests, so the address a calculator pushes is a clean link.
  document.addEventListener("htmx:configRequest", function (evt) {
    if (evt.detail.verb !== "get") { return; }
    var form = evt.detail.formData;
    if (!form) { return; }
    var empty = [];
    form.forEach(function (value, key) { if (value === "") { empty.push(key); } });
    empty.forEach(function (key) { form.delete(key); });
  });
  // A report in its frame: as tall as its content, so the page scrolls once.
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (doc && doc.documentElement) {
        frame.style.height = (doc.documentElement.scrollHeight + 24) + "px";
      }
    } catch (e) { /* another origin: keep the default height */ }
  }
  function watchFrames() {
    document.querySelectorAll("iframe.report").forEach(function (frame) {
      frame.addEventListener("load", function () { fit(frame); });
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") { fit(frame); }
    });
    window.addEventListener("resize", function () {
      document.querySelectorAll("iframe.report").forEach(fit);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchFrames);
  } else {
    watchFrames();
  }
})();
