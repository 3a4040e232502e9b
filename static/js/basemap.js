/* The geography every map draws under its markers, from the catalogue's own static file
 * (static/map/basemap.json: Natural Earth's countries, Brazil's states), so that a map is readable
 * with no tile server. Drawn on a canvas in a pane below the tiles: configured tiles that load
 * cover it, tiles that fail leave it in sight. Country names show at low zoom, in the page's
 * language (the map element's data-country-names). Loaded once per page, whatever the number of
 * maps, and cached by the browser (a hashed static file).
 */
(function () {
  "use strict";

  var loading = {};
  var LAND = { stroke: true, color: "#8a97a6", weight: 0.8, fill: true, fillColor: "#f4f2ec", fillOpacity: 1 };
  var STATE = { stroke: true, color: "#b3bcc6", weight: 0.6, dashArray: "3 3", fill: false };
  var HIGHLIGHT = { color: "#005a9c", weight: 2.5, dashArray: "6 4", fill: true, fillColor: "#005a9c", fillOpacity: 0.08 };
  // Smallest country (square degrees) named at each zoom: the big ones first, islands later.
  var NAMED_FROM_AREA = { 2: 150, 3: 25, 4: 4, 5: 0.5, 6: 0.05 };
  var NAMES_UP_TO_ZOOM = 6;
  var SLICE_MS = 5;

  function load(url) {
    if (!loading[url]) {
      // Already asked for from the page's head (map-data.js), or asked for now.
      var early = window.CatalogueMapData && window.CatalogueMapData.take(url);
      loading[url] = early
        ? early.then(function (reply) {
            if (!reply.ok) throw new Error("HTTP " + reply.status);
            return reply.body;
          })
        : fetch(url).then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json();
          });
    }
    return loading[url];
  }

  function ringContains(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function polygonsContain(polygons, x, y) {
    return polygons.some(function (rings) {
      if (!ringContains(rings[0], x, y)) return false;
      for (var h = 1; h < rings.length; h++) if (ringContains(rings[h], x, y)) return false;
      return true;
    });
  }

  /* A geometry's bounds from its outer rings: cheaper than building a Leaflet layer to ask. */
  function boundsOf(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var west = 180, south = 90, east = -180, north = -90;
    polygons.forEach(function (rings) {
      rings[0].forEach(function (point) {
        if (point[0] < west) west = point[0];
        if (point[0] > east) east = point[0];
        if (point[1] < south) south = point[1];
        if (point[1] > north) north = point[1];
      });
    });
    return L.latLngBounds([south, west], [north, east]);
  }

  // The next task, without the 4 ms that browsers add to nested timers: a slice of drawing, then
  // the browser's turn (input, painting), then the next slice.
  var channel = new MessageChannel();
  var queued = [];
  channel.port1.onmessage = function () {
    queued.shift()();
  };
  function nextTask(callback) {
    queued.push(callback);
    channel.port2.postMessage(null);
  }

  /* Calls each(item) for every item in slices of a few milliseconds, then done(): two hundred
     outlines drawn at once hold a phone's page up for a few hundred milliseconds. */
  function inSlices(items, each, done) {
    var next = 0;
    function slice() {
      var start = performance.now();
      while (next < items.length && performance.now() - start < SLICE_MS) each(items[next++]);
      if (next < items.length) nextTask(slice);
      else done();
    }
    nextTask(slice);
  }

  function Basemap(map, collection, names) {
    this.map = map;
    this.names = names || {};
    this.countries = [];
    this.states = [];
    var self = this;
    collection.features.forEach(function (feature) {
      var list = feature.properties.level === "state" ? self.states : self.countries;
      feature.bounds = boundsOf(feature.geometry);
      list.push(feature);
    });
    map.createPane("basemap").style.zIndex = 150;
    var labels = map.createPane("basemap-labels");
    labels.style.zIndex = 160;
    labels.style.pointerEvents = "none";
    var renderer = L.canvas({ pane: "basemap", padding: 0.3 });
    this.layer = L.geoJSON(null, {
      renderer: renderer,
      interactive: false,
      style: function (feature) {
        return feature.properties.level === "state" ? STATE : LAND;
      },
    }).addTo(map);
    // West to east: each slice then repaints a strip of the canvas, not all of it.
    var byWest = function (a, b) {
      return a.bounds.getWest() - b.bounds.getWest();
    };
    var layer = this.layer;
    this.drawn = new Promise(function (resolve) {
      inSlices(self.countries.sort(byWest).concat(self.states.sort(byWest)), layer.addData.bind(layer), resolve);
    });
    this.labels = this.countries
      .filter(function (f) {
        return f.properties.label && self.names[f.properties.code];
      })
      .map(function (f) {
        var p = f.properties;
        var marker = L.marker([p.label[1], p.label[0]], {
          pane: "basemap-labels",
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "map-country-label", html: "", iconSize: null }),
        });
        marker.area = p.area || 0;
        marker.name = self.names[p.code];
        return marker;
      });
    this.labelLayer = L.layerGroup().addTo(map);
    map.on("zoomend", this.placeLabels, this);
    this.placeLabels();
  }

  Basemap.prototype.placeLabels = function () {
    var zoom = Math.round(this.map.getZoom());
    var smallest = zoom > NAMES_UP_TO_ZOOM ? Infinity : NAMED_FROM_AREA[Math.max(2, zoom)];
    var group = this.labelLayer;
    this.labels.forEach(function (marker) {
      var wanted = marker.area >= smallest;
      if (wanted && !group.hasLayer(marker)) {
        group.addLayer(marker);
        marker.getElement().textContent = marker.name;
      } else if (!wanted && group.hasLayer(marker)) {
        group.removeLayer(marker);
      }
    });
  };

  /* The feature (state first, then country) under a point, or null. */
  Basemap.prototype.featureAt = function (latlng, level) {
    var list = level === "state" ? this.states : this.countries;
    for (var i = 0; i < list.length; i++) {
      var f = list[i];
      if (!f.bounds.contains(latlng)) continue;
      var g = f.geometry;
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      if (polygonsContain(polygons, latlng.lng, latlng.lat)) return f;
    }
    return null;
  };

  Basemap.prototype.stateAt = function (latlng) {
    return this.states.length ? this.featureAt(latlng, "state") : null;
  };

  Basemap.prototype.highlight = function (feature) {
    this.unhighlight();
    if (!feature) return;
    this.highlighted = L.geoJSON(feature, { interactive: false, style: HIGHLIGHT }).addTo(this.map);
    this.highlighted.getLayers()[0].getElement().classList.add("map-region-outline");
  };

  Basemap.prototype.unhighlight = function () {
    if (this.highlighted) this.map.removeLayer(this.highlighted);
    this.highlighted = null;
  };

  window.CatalogueBasemap = {
    load: load,
    /* A promise of the Basemap on a Leaflet map, its outlines being drawn in slices (basemap.drawn
       settles when they are all there); rejected if the file cannot be read. */
    attach: function (map, url, names) {
      return load(url).then(function (collection) {
        // In a task of its own: not added to whatever task (the markers' drawing) asked for it.
        return new Promise(function (resolve) {
          nextTask(function () {
            resolve(new Basemap(map, collection, names));
          });
        });
      });
    },
  };
})();
