// Progressive enhancement: next to each <time datetime data-local-time> shown in the cohort's
// time zone, add the same moment in the viewer's own time zone. Without JavaScript the
// cohort's time with its UTC offset is already on the page.
(function () {
  "use strict";
  function enhance() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    var lang = document.documentElement.lang || undefined;
    var nodes = document.querySelectorAll("time[data-local-time]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when.getTime())) { continue; }
      var text = new Intl.DateTimeFormat(lang, {
        dateStyle: "medium", timeStyle: "short", timeZone: zone
      }).format(when);
      var span = document.createElement("span");
      span.className = "local-time";
      span.textContent = " — " + node.getAttribute("data-local-time") + ": " + text +
        " (" + zone + ")";
      var tz = node.nextElementSibling;
      var after = tz && tz.classList.contains("tz") ? tz : node;
      after.parentNode.insertBefore(span, after.nextSibling);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
