/* The /map/ page around the map built by map.js: the list beside the map names the initiatives in
 * view, so keyboard and screen-reader users never depend on the map itself.
 */
(function () {
  "use strict";

  var LIST_LIMIT = 60; // a list of thousands helps nobody: zoom or filter narrows it

  var canvas = document.querySelector('[data-catalogue-map][data-mode="full"]');
  var form = document.querySelector("[data-map-filters]");
  var list = document.querySelector("[data-map-list]");
  var summary = document.querySelector("[data-map-list-summary]");
  if (!canvas || !canvas.catalogueMap || !form || !list || !summary) return;
  var catalogueMap = canvas.catalogueMap;

  var format = window.CatalogueMap.format;

  // The filters submit to this page, which answers with the counts and chips of the new selection;
  // the map's mode (#choropleth, in the fragment) goes along, as a form keeps its action's fragment.
  form.addEventListener("submit", function () {
    form.action = window.location.pathname + window.location.hash;
  });
  // An empty search is no filter: keep it out of the URL, as the server ignores it anyway.
  form.addEventListener("formdata", function (event) {
    Array.from(event.formData.keys()).forEach(function (name) {
      var kept = event.formData.getAll(name).filter(function (value) {
        return String(value).trim() !== "";
      });
      event.formData.delete(name);
      kept.forEach(function (value) {
        event.formData.append(name, value);
      });
    });
  });

  function showOnMap(marker) {
    catalogueMap.cluster.zoomToShowLayer(marker, function () {
      var link = catalogueMap.openPopup(marker).getElement().querySelector(".map-popup a");
      if (link) link.focus();
    });
  }

  function listItem(marker) {
    var p = marker.feature.properties;
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = catalogueMap.pageUrl(p);
    link.textContent = p.name;
    item.appendChild(link);
    var facts = [catalogueMap.kindNames[p.kind] || p.kind, catalogueMap.countryName(p)];
    var precision = catalogueMap.precisionLabel(p.precision);
    if (precision) facts.push(precision);
    var meta = document.createElement("span");
    meta.className = "map-list__meta";
    meta.textContent = facts.join(" · ");
    item.appendChild(meta);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "map-list__show";
    button.textContent = summary.dataset.labelShow;
    button.setAttribute("aria-label", summary.dataset.labelShow + ": " + p.name);
    button.addEventListener("click", function () {
      showOnMap(marker);
    });
    item.appendChild(button);
    return item;
  }

  function renderList() {
    var bounds = catalogueMap.map.getBounds();
    var inView = catalogueMap.markers.filter(function (marker) {
      return bounds.contains(marker.getLatLng());
    });
    var text = format(summary.dataset.labelSummary, { count: inView.length, total: catalogueMap.markers.length });
    if (inView.length > LIST_LIMIT) text += " " + format(summary.dataset.labelMore, { shown: LIST_LIMIT });
    summary.textContent = text;
    summary.dataset.inView = String(inView.length);
    var items = document.createDocumentFragment();
    inView.slice(0, LIST_LIMIT).forEach(function (marker) {
      items.appendChild(listItem(marker));
    });
    list.replaceChildren(items);
  }

  canvas.addEventListener("catalogue-map:ready", renderList);
  catalogueMap.map.on("moveend", function () {
    if (catalogueMap.loads) renderList();
  });
})();
