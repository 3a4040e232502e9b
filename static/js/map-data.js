/* The map's data, fetched and parsed from the page's head (templates/includes/map_head.html):
 * while the browser still downloads Leaflet and the map's scripts, the main thread is free to parse
 * the selection's GeoJSON and the base layer, instead of doing it after them. map.js and basemap.js
 * take each reply once (CatalogueMapData.take(url)); a URL not started here is fetched by them.
 * A reply is {ok, status, body}: a 400's body (the invalid filters) is read too.
 */
(function () {
  "use strict";

  var replies = {};
  var script = document.currentScript;

  function fetchJson(url) {
    return fetch(url).then(function (response) {
      return response.json().then(
        function (body) {
          return { ok: response.ok, status: response.status, body: body };
        },
        function () {
          return { ok: false, status: response.status, body: null };
        }
      );
    });
  }

  // Too late when the map's scripts already ran (this one is async): they have asked for the data.
  if (window.CatalogueMap) return;

  // No custom header: the request must match the preload's, or the browser downloads it again.
  (script ? script.dataset.urls || "" : "").split(" ").forEach(function (url) {
    if (url) replies[url] = fetchJson(url);
  });

  window.CatalogueMapData = {
    /* The early reply for this URL (once), or null. */
    take: function (url) {
      var reply = replies[url] || null;
      delete replies[url];
      return reply;
    },
  };
})();
