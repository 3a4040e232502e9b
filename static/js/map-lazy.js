// The home page's map preview sits far below the first screen: Leaflet and the catalogue's map
// (the styles and scripts listed on this script's data-styles and data-scripts) load only when the
// map comes near the screen, so the top of the page is ready without waiting for them.
(function () {
  "use strict";
  var script = document.currentScript;
  var map = document.querySelector('[data-catalogue-map][data-mode="preview"]');
  if (!script || !map) return;
  var styles = (script.dataset.styles || "").split(" ").filter(Boolean);
  var scripts = (script.dataset.scripts || "").split(" ").filter(Boolean);
  var started = false;

  function addScripts() {
    scripts.forEach(function (src) {
      var element = document.createElement("script");
      element.src = src;
      element.async = false; // run in the listed order: Leaflet before its plugins and the map
      document.body.appendChild(element);
    });
  }

  function load() {
    if (started) return;
    started = true;
    var pending = styles.length;
    if (!pending) return addScripts();
    // The map draws once its styles apply, so that nothing it lays out moves afterwards.
    styles.forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = link.onerror = function () {
        pending -= 1;
        if (pending === 0) addScripts();
      };
      document.head.appendChild(link);
    });
  }

  if (!("IntersectionObserver" in window)) return load();
  var observer = new IntersectionObserver(
    function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        load();
      }
    },
    { rootMargin: "200px 0px" }
  );
  observer.observe(map);
})();
