/* The /map/ page's choropleth mode: countries (and Brazil's states, whose outlines ship with the
 * base layer) coloured by the number of initiatives of the current selection that the map holds,
 * counted here from the GeoJSON the map already loaded. A legend, tables of the same figures
 * (for screen readers, and for anyone who wants the numbers), and a click on a country or state
 * filters by it. The mode lives in the URL's fragment (#choropleth), so it survives a reload and
 * the filtering click.
 */
(function () {
  "use strict";

  var canvas = document.querySelector('[data-catalogue-map][data-mode="full"]');
  var box = document.querySelector("[data-choropleth]");
  var modes = document.querySelector("[data-map-modes]");
  if (!canvas || !canvas.catalogueMap || !box || !modes) return;
  var catalogueMap = canvas.catalogueMap;
  var map = catalogueMap.map;
  var format = window.CatalogueMap.format;
  var labels = box.dataset;
  var COLOURS = ["#f4f2ec", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"];
  var layer = null;
  var mode = "markers";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Class limits: 1, then up to four steps to the largest count (fewer when counts are small). */
  function breaks(max) {
    var limits = [1];
    [0.125, 0.25, 0.5].forEach(function (share) {
      var limit = Math.ceil(max * share) + 1;
      if (limit > limits[limits.length - 1] && limit <= max) limits.push(limit);
    });
    return limits;
  }

  function classOf(count, limits) {
    var index = 0;
    limits.forEach(function (limit, i) {
      if (count >= limit) index = i + 1;
    });
    return index;
  }

  function counts() {
    var basemap = catalogueMap.basemap;
    var byCountry = {};
    var byState = {};
    (catalogueMap.features || []).forEach(function (feature) {
      var p = feature.properties;
      byCountry[p.country] = (byCountry[p.country] || 0) + 1;
      if (p.country === "BR" && basemap && basemap.states.length) {
        var c = feature.geometry.coordinates;
        var state = basemap.stateAt(L.latLng(c[1], c[0]));
        if (state) byState[state.properties.code] = (byState[state.properties.code] || 0) + 1;
      }
    });
    return { countries: byCountry, states: byState };
  }

  function countryName(code) {
    var basemapNames = catalogueMap.basemap ? catalogueMap.basemap.names : {};
    return catalogueMap.countryNames[code] || basemapNames[code] || code;
  }

  function filterUrl(name, value) {
    var params = new URLSearchParams(window.location.search);
    if (params.getAll(name).indexOf(value) === -1) params.append(name, value);
    params.delete("page");
    return window.location.pathname + "?" + params.toString() + "#choropleth";
  }

  function table(caption, heading, rows) {
    var t = element("table", "choropleth__table");
    t.appendChild(element("caption", "", caption));
    var head = element("thead");
    var tr = element("tr");
    [heading, labels.labelCount].forEach(function (text) {
      var th = element("th", "", text);
      th.scope = "col";
      tr.appendChild(th);
    });
    head.appendChild(tr);
    t.appendChild(head);
    var body = element("tbody");
    rows.forEach(function (row) {
      var line = element("tr");
      line.dataset.code = row.code;
      var th = element("th");
      th.scope = "row";
      var link = element("a", "", row.name);
      link.href = row.url;
      th.appendChild(link);
      line.appendChild(th);
      line.appendChild(element("td", "", String(row.count)));
      body.appendChild(line);
    });
    t.appendChild(body);
    return t;
  }

  function legend(limits, max) {
    var list = box.querySelector("[data-choropleth-legend]");
    var items = [[0, labels.labelNone]];
    limits.forEach(function (limit, i) {
      var upper = i + 1 < limits.length ? limits[i + 1] - 1 : max;
      items.push([i + 1, limit === upper ? String(limit) : format(labels.labelRange, { low: limit, high: upper })]);
    });
    list.replaceChildren();
    items.forEach(function (item) {
      var li = element("li");
      li.appendChild(element("span", "choropleth__swatch choropleth__swatch--" + item[0]));
      li.appendChild(element("span", "", item[1]));
      list.appendChild(li);
    });
  }

  // The country names stay readable above the colours (they sit under the tiles otherwise).
  function raiseNames(above) {
    var names = map.getPane("basemap-labels");
    if (names) names.style.zIndex = above ? 390 : 160;
  }

  function draw() {
    raiseNames(true);
    if (layer) map.removeLayer(layer);
    layer = null;
    var basemap = catalogueMap.basemap;
    var figures = counts();
    var hasStates = basemap && basemap.states.length;
    var units = [];
    if (basemap) {
      basemap.countries.forEach(function (f) {
        var code = f.properties.code;
        if (code && figures.countries[code] && !(hasStates && code === "BR")) units.push([f, figures.countries[code]]);
      });
      basemap.states.forEach(function (f) {
        units.push([f, figures.states[f.properties.code] || 0]);
      });
    }
    var max = units.reduce(function (m, u) {
      return Math.max(m, u[1]);
    }, 0);
    var limits = breaks(max);
    legend(max ? limits : [], max);

    if (!map.getPane("choropleth")) map.createPane("choropleth").style.zIndex = 380;
    var renderer = L.canvas({ pane: "choropleth", padding: 0.3 });
    layer = L.featureGroup(
      units.map(function (unit) {
        var f = unit[0], count = unit[1];
        var state = f.properties.level === "state";
        var name = state ? f.properties.name : countryName(f.properties.code);
        var path = L.geoJSON(f, {
          renderer: renderer,
          style: {
            color: "#5a6470", weight: state ? 0.6 : 0.9, fillOpacity: 0.85,
            fillColor: COLOURS[count ? classOf(count, limits) : 0],
          },
        });
        path.bindTooltip(name + ": " + count, { sticky: true });
        path.on("click", function () {
          window.location.href = state ? filterUrl("region", f.properties.code) : filterUrl("country", f.properties.code);
        });
        return path;
      })
    );
    layer.addTo(map);

    var countryRows = Object.keys(figures.countries).map(function (code) {
      return { code: code, name: countryName(code), count: figures.countries[code], url: filterUrl("country", code) };
    });
    var stateRows = Object.keys(figures.states).map(function (code) {
      var f = basemap.states.find(function (s) {
        return s.properties.code === code;
      });
      return { code: code, name: f.properties.name, count: figures.states[code], url: filterUrl("region", code) };
    });
    var byCount = function (a, b) {
      return b.count - a.count || a.name.localeCompare(b.name);
    };
    var tables = box.querySelector("[data-choropleth-tables]");
    tables.replaceChildren(table(labels.labelCountries, labels.labelCountry, countryRows.sort(byCount)));
    if (stateRows.length) tables.appendChild(table(labels.labelStates, labels.labelState, stateRows.sort(byCount)));
    box.dataset.drawn = String((Number(box.dataset.drawn) || 0) + 1);
  }

  function setMode(wanted) {
    mode = wanted === "choropleth" ? "choropleth" : "markers";
    modes.querySelectorAll("input").forEach(function (input) {
      input.checked = input.value === mode;
    });
    box.hidden = mode !== "choropleth";
    raiseNames(mode === "choropleth");
    if (mode === "choropleth") {
      if (catalogueMap.cluster) map.removeLayer(catalogueMap.cluster);
      if (catalogueMap.loads) draw();
    } else {
      if (layer) map.removeLayer(layer);
      layer = null;
      if (catalogueMap.cluster && !map.hasLayer(catalogueMap.cluster)) map.addLayer(catalogueMap.cluster);
    }
    var hash = mode === "choropleth" ? "#choropleth" : "";
    if (window.location.hash !== hash) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
    }
  }

  modes.addEventListener("change", function (event) {
    setMode(event.target.value);
  });
  canvas.addEventListener("catalogue-map:ready", function () {
    if (mode !== "choropleth") return;
    if (catalogueMap.cluster) map.removeLayer(catalogueMap.cluster);
    draw();
  });
  setMode(window.location.hash === "#choropleth" ? "choropleth" : "markers");
})();
