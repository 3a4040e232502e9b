/* The /map/ page around the map built by map.js: the filter form refetches the GeoJSON and puts
 * the filters in the URL (back and forward restore them), and the list beside the map names the
 * initiatives in view, so keyboard and screen-reader users never depend on the map itself.
 */
(function () {
  "use strict";

  var LIST_LIMIT = 60; // a list of thousands helps nobody: zoom or filter narrows it
  var TYPING_DELAY = 400;

  var canvas = document.querySelector('[data-catalogue-map][data-mode="full"]');
  var form = document.querySelector("[data-map-filters]");
  var list = document.querySelector("[data-map-list]");
  var summary = document.querySelector("[data-map-list-summary]");
  var listLink = document.querySelector("[data-map-list-link]");
  if (!canvas || !canvas.catalogueMap || !form || !list || !summary) return;
  var catalogueMap = canvas.catalogueMap;
  var listBase = listLink ? listLink.getAttribute("href").split("?")[0] : "";

  var format = window.CatalogueMap.format;

  function formQuery() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") params.append(name, value);
    });
    return params.toString();
  }

  function setForm(query) {
    var params = new URLSearchParams(query);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) return;
      var values = params.getAll(field.name);
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
      } else if (field.tagName === "SELECT" || field.tagName === "INPUT") {
        field.value = values[0] || "";
      }
    });
  }

  function show(query) {
    if (listLink) listLink.href = listBase + (query ? "?" + query : "");
    catalogueMap.load(query);
  }

  function apply(historyMethod) {
    var query = formQuery();
    // The fragment holds the map's mode (#choropleth): a new filter keeps it.
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history[historyMethod](null, "", url);
    }
    show(query);
  }

  var typing = null;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    apply("pushState");
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "text" || event.target.type === "search") return; // handled while typing
    apply("pushState");
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "text" && event.target.type !== "search") return;
    clearTimeout(typing);
    // Typing refines one search: replace the history entry rather than add one per pause.
    typing = setTimeout(function () {
      apply("replaceState");
    }, TYPING_DELAY);
  });
  window.addEventListener("popstate", function () {
    setForm(window.location.search.slice(1));
    show(formQuery());
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

  // On a phone the filters start folded so that the map is in sight; the summary opens them.
  var details = form.querySelector("[data-map-filters-details]");
  if (details && window.matchMedia("(max-width: 48rem)").matches) details.open = false;
})();
