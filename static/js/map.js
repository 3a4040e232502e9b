/* The catalogue's maps: every [data-catalogue-map] element (templates/includes/map_preview.html)
 * becomes a Leaflet map of clustered initiatives. Points come from the GeoJSON endpoint, or on a
 * detail page from the element's own data-point. Settings and translated labels arrive in data-*
 * attributes, so the pages need no inline script. When the clusters are drawn, the <html> element
 * gets data-map-ready (markers drawn) and data-map-ready-at (performance.now()) for tests and
 * benchmarks, and the map element fires "catalogue-map:ready".
 */
(function () {
  "use strict";

  // Zoom used to show a single initiative, by how precisely its location is known.
  var ZOOM_FOR_PRECISION = { exact: 12, municipality: 9, region: 6, country: 4 };
  // Clusters are computed for the zooms below CLUSTER_UNTIL_ZOOM only: every level costs its share
  // (two fewer took about a quarter off the clustering of 10,000 spread points). A fitted view stays
  // below it, so that initiatives sharing a place show as one cluster, spread out on a click (spiderfy).
  var CLUSTER_UNTIL_ZOOM = 11;
  var FIT_MAX_ZOOM = CLUSTER_UNTIL_ZOOM - 1;
  // Markers are 24 px, the least target size WCAG 2.2 asks for; clusters are 40 px.
  var MARKER_SIZE = 24;
  var CLUSTER_SIZE = 40;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function escapeHtml(text) {
    var box = document.createElement("span");
    box.textContent = text;
    return box.innerHTML;
  }

  /* Leaflet's credit link with its title in the page's language, built as an element so that a
   * translation cannot carry markup. */
  function leafletCredit(title) {
    var link = document.createElement("a");
    link.href = "https://leafletjs.com";
    link.textContent = "Leaflet";
    if (title) link.title = title;
    return link.outerHTML;
  }

  function CatalogueMap(el) {
    var data = el.dataset;
    var container = el.closest(".catalogue-map") || el.parentNode;
    this.el = el;
    this.mode = data.mode || "preview";
    this.status = container.querySelector("[data-map-status]");
    this.approximate = (data.approximate || "region country").split(" ");
    this.generation = 0;
    this.loads = 0;
    this.markers = [];
    this.unlocated = 0;
    this.urlTemplate = "";
    this.countryNames = {};
    this.readLegend(container);

    var center = (data.center || "-15,-65").split(",").map(Number);
    this.defaultCenter = L.latLng(center[0], center[1]);
    this.defaultZoom = Number(data.zoom || 3);
    this.map = L.map(el, {
      center: this.defaultCenter,
      zoom: this.defaultZoom,
      minZoom: Number(data.minZoom || 2),
      maxZoom: Number(data.maxZoom || 18),
      // Small maps inside a page must not capture the page's scrolling.
      scrollWheelZoom: this.mode === "full",
      zoomControl: false, // added below with the page's language; Leaflet's own titles are English
    });
    this.map.zoomControl = L.control
      .zoom({ zoomInTitle: data.labelZoomIn || "Zoom in", zoomOutTitle: data.labelZoomOut || "Zoom out" })
      .addTo(this.map);
    this.map.attributionControl.setPrefix(leafletCredit(data.labelLeaflet));
    // Tiles only when configured; a tile that fails is left to the base layer drawn under the
    // tiles (swallowing tileerror keeps the script quiet; only the browser's own line remains).
    if (data.tilesUrl) {
      L.tileLayer(data.tilesUrl, { attribution: data.tilesAttribution, maxZoom: Number(data.maxZoom || 18) })
        .on("tileerror", function () {})
        .addTo(this.map);
    }
    this.map.attributionControl.addAttribution(data.basemapAttribution || "");
    this.basemap = null;
    this.basemapUrl = data.basemapUrl && window.CatalogueBasemap ? data.basemapUrl : "";
    // Fetched now, drawn once the first view is set (drawBasemap): drawn at the default view, the
    // whole geography would be drawn twice, the second time when the markers set the view.
    if (this.basemapUrl) window.CatalogueBasemap.load(this.basemapUrl).catch(function () {});
    this.basemapReady = null;
    this.cluster = null;
  }

  /* Draws the base layer (once); the promise settles when its outlines are on the map, or could
     not be (the markers need no geography). */
  CatalogueMap.prototype.drawBasemap = function () {
    if (this.basemapReady) return this.basemapReady;
    var self = this;
    var names = this.el.dataset.countryNames ? JSON.parse(this.el.dataset.countryNames) : {};
    this.basemapReady = this.basemapUrl
      ? window.CatalogueBasemap.attach(this.map, this.basemapUrl, names).then(
          function (basemap) {
            self.basemap = basemap;
            return basemap.drawn;
          },
          function () {} // without its geography the map still shows its markers
        )
      : Promise.resolve();
    return this.basemapReady;
  };

  CatalogueMap.prototype.readLegend = function (container) {
    // Shapes and kind names come from the legend, rendered (and translated) by the template.
    var shapes = {};
    var kinds = {};
    container.querySelectorAll("[data-legend-kind]").forEach(function (item) {
      shapes[item.dataset.legendKind] = item.querySelector("svg").outerHTML;
      kinds[item.dataset.legendKind] = item.textContent.trim();
    });
    this.shapes = shapes;
    this.kindNames = kinds;
    this.icons = {};
  };

  CatalogueMap.prototype.isApproximate = function (precision) {
    return this.approximate.indexOf(precision) !== -1;
  };

  CatalogueMap.prototype.icon = function (kind, precision) {
    // One shared icon per kind and precision, not one per marker.
    var approximate = this.isApproximate(precision);
    var key = kind + (approximate ? ":approximate" : "");
    if (!this.icons[key]) {
      this.icons[key] = L.divIcon({
        className: "map-marker map-marker--" + kind + (approximate ? " map-marker--approximate" : ""),
        html: this.shapes[kind] || this.shapes.other || "",
        iconSize: [MARKER_SIZE, MARKER_SIZE],
        iconAnchor: [MARKER_SIZE / 2, MARKER_SIZE / 2],
        popupAnchor: [0, -MARKER_SIZE / 2],
      });
    }
    return this.icons[key];
  };

  CatalogueMap.prototype.label = function (name, values) {
    var key = "label" + name.charAt(0).toUpperCase() + name.slice(1);
    return format(this.el.dataset[key] || "", values || {});
  };

  CatalogueMap.prototype.precisionLabel = function (precision) {
    return this.isApproximate(precision) ? this.label("precision" + precision.charAt(0).toUpperCase() + precision.slice(1)) : "";
  };

  /* A feature's page and its country's name: the GeoJSON states them once for all its features
     (url_template with a {slug} placeholder, country_names by code) rather than in each one. */
  CatalogueMap.prototype.pageUrl = function (p) {
    return this.urlTemplate.replace("{slug}", encodeURIComponent(p.slug));
  };

  CatalogueMap.prototype.countryName = function (p) {
    return this.countryNames[p.country] || p.country;
  };

  CatalogueMap.prototype.popupContent = function (p, latlng) {
    var box = element("div", "map-popup");
    var title = element("p", "map-popup__name");
    var link = element("a", "", p.name);
    link.href = this.pageUrl(p);
    if (this.mode === "embed") link.target = "_blank";
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(element("p", "map-popup__meta", [this.kindNames[p.kind] || p.kind, this.countryName(p)].join(" · ")));
    if (p.territory) box.appendChild(element("p", "map-popup__territory", p.territory));
    var precision = this.precisionLabel(p.precision);
    var state = this.regionOf(p, latlng);
    if (state) precision = this.label("precisionState", { state: state.properties.name });
    if (precision) box.appendChild(element("p", "map-popup__approximate", precision));
    return box;
  };

  /* The state a region-precision point stands for (its outline ships with the base layer). */
  CatalogueMap.prototype.regionOf = function (p, latlng) {
    if (p.precision !== "region" || !latlng || !this.basemap) return null;
    return this.basemap.stateAt(latlng);
  };

  CatalogueMap.prototype.showRegion = function (marker) {
    if (!this.basemap || !marker.feature) return;
    this.basemap.highlight(this.regionOf(marker.feature.properties, marker.getLatLng()));
  };

  CatalogueMap.prototype.hideRegion = function () {
    if (this.basemap) this.basemap.unhighlight();
  };

  CatalogueMap.prototype.marker = function (feature) {
    var p = feature.properties;
    var c = feature.geometry.coordinates; // GeoJSON is [longitude, latitude]
    var precision = this.precisionLabel(p.precision);
    var marker = L.marker([c[1], c[0]], {
      icon: this.icon(p.kind, p.precision),
      // The title is the marker's accessible name (markers are focusable buttons).
      title: precision ? p.name + " (" + precision + ")" : p.name,
      riseOnHover: true,
    });
    marker.feature = feature;
    return marker;
  };

  /* One popup for the whole map, filled on demand: a popup bound to each of 100,000 markers
     would cost seconds before the first cluster shows. */
  CatalogueMap.prototype.openPopup = function (marker) {
    if (!this.popup) this.popup = L.popup({ offset: [0, -8] });
    this.popup.setLatLng(marker.getLatLng()).setContent(this.popupContent(marker.feature.properties, marker.getLatLng()));
    this.popup.openOn(this.map);
    return this.popup;
  };

  CatalogueMap.prototype.newClusterGroup = function () {
    var self = this;
    var clusterLabel = this.el.dataset.labelCluster || "";
    var group = L.markerClusterGroup({
      // A town's streets show single markers: eight fewer zoom levels of clusters to compute. Points
      // sharing a place (a region's centre) still spread out from their last cluster (spiderfy).
      disableClusteringAtZoom: CLUSTER_UNTIL_ZOOM,
      // Cluster in slices so the page stays responsive with 100,000 points; short pauses between
      // slices (the default 50 ms adds up to seconds at that scale).
      chunkedLoading: true,
      chunkInterval: 150,
      chunkDelay: 5,
      showCoverageOnHover: false,
      maxClusterRadius: 60,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        return L.divIcon({
          html:
            "<div><span>" + count + '<span class="map-visually-hidden"> ' + escapeHtml(clusterLabel) + "</span></span></div>",
          className: "marker-cluster marker-cluster-" + size,
          iconSize: L.point(CLUSTER_SIZE, CLUSTER_SIZE),
        });
      },
    });
    // Markers' events reach the group: a click, or Enter on a focused marker, opens its popup.
    group.on("click", function (event) {
      self.openPopup(event.layer);
    });
    group.on("keypress", function (event) {
      if (event.originalEvent.key === "Enter") self.openPopup(event.layer);
    });
    // A point standing for a whole state shows the state while pointed at or focused.
    group.on("mouseover", function (event) {
      self.showRegion(event.layer);
    });
    group.on("mouseout", function () {
      self.hideRegion();
    });
    return group;
  };

  CatalogueMap.prototype.say = function (text) {
    if (this.status) this.status.textContent = text;
  };

  /* The reply {ok, status, body} for a GeoJSON URL: the one the page's head already asked for
     (map-data.js, the page's first selection), or a new request. */
  function fetchGeoJson(url) {
    var early = window.CatalogueMapData && window.CatalogueMapData.take(url);
    if (early) return early;
    // No custom header: a preload of the same URL (the page's head) is used only by a request like its own.
    return fetch(url).then(function (response) {
      if (!response.ok && response.status !== 400) return { ok: false, status: response.status, body: null };
      return response.json().then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    });
  }

  /* Fetch the GeoJSON for a query string (the filters, without "?") and draw it; `src`, when given,
     is that query's URL as the server wrote it for the page's preload. */
  CatalogueMap.prototype.load = function (query, src) {
    var self = this;
    var generation = ++this.generation;
    var params = new URLSearchParams(query || "");
    params.set("lang", this.el.dataset.lang || "");
    this.say(this.label("loading"));
    this.el.setAttribute("aria-busy", "true");
    return fetchGeoJson(src || this.el.dataset.geojsonUrl + "?" + params.toString())
      .then(function (reply) {
        if (reply.status === 400) {
          var error = new Error("invalid filters");
          error.messages = (reply.body && reply.body.errors) || {};
          throw error;
        }
        if (!reply.ok) throw new Error("HTTP " + reply.status);
        return reply.body;
      })
      .then(function (collection) {
        performance.mark("catalogue-map:parsed");
        // Drawn in a task of its own, apart from parsing: two shorter waits for the page, not one.
        return new Promise(function (resolve) {
          setTimeout(resolve, 0);
        }).then(function () {
          if (generation === self.generation) self.draw(collection);
        });
      })
      .catch(function (error) {
        self.drawBasemap(); // the geography, at least
        if (generation !== self.generation) return;
        self.el.removeAttribute("aria-busy");
        if (error.messages) {
          var parts = [];
          Object.keys(error.messages).forEach(function (name) {
            parts.push(name + ": " + error.messages[name].join(" "));
          });
          self.say(self.label("invalid") + " " + parts.join(" "));
        } else {
          self.say(self.label("failed"));
        }
      });
  };

  CatalogueMap.prototype.draw = function (collection) {
    var self = this;
    var generation = this.generation;
    var features = collection.features || [];
    var markers = features.map(function (feature) {
      return self.marker(feature);
    });
    performance.mark("catalogue-map:markers");
    // A new group per load: a superseded chunked load keeps working on a group off the map.
    if (this.cluster) this.map.removeLayer(this.cluster);
    this.cluster = this.newClusterGroup();
    this.map.addLayer(this.cluster);
    this.markers = markers;
    this.features = features;
    this.unlocated = collection.unlocated || 0;
    this.urlTemplate = collection.url_template || "";
    this.countryNames = collection.country_names || {};

    if (markers.length === 1 && this.mode === "detail") {
      var only = features[0].properties.precision;
      this.map.setView(markers[0].getLatLng(), ZOOM_FOR_PRECISION[only] || 9, { animate: false });
    } else if (markers.length) {
      var bounds = L.latLngBounds(
        markers.map(function (m) {
          return m.getLatLng();
        })
      );
      // Not animated: the clusters are computed once, for the final view.
      this.map.fitBounds(bounds, this.fitOptions());
    } else {
      this.map.setView(this.defaultCenter, this.defaultZoom, { animate: false });
    }

    var finish = function () {
      // Let markercluster put the clusters on the map, then flag the drawing done.
      setTimeout(function () {
        requestAnimationFrame(function () {
          if (generation === self.generation) self.ready();
        });
      }, 0);
    };
    var reported = 0;
    this.cluster.options.chunkProgress = function (processed, total) {
      if (processed === total) return finish();
      // Large sets take a few slices: say how far along, in steps a screen reader can bear.
      var percent = Math.floor((processed / total) * 4) * 25;
      if (percent > reported && generation === self.generation) {
        reported = percent;
        self.say(self.label("progress", { done: processed, total: total }));
      }
    };
    // Clustered once the base layer is drawn: slices of both, taken in turns, would leave the base
    // layer waiting behind every slice of clusters.
    var cluster = this.cluster;
    this.drawBasemap().then(function () {
      if (generation !== self.generation) return;
      performance.mark("catalogue-map:basemap");
      if (!markers.length) return finish();
      cluster.addLayers(markers);
      // Off the map (the choropleth mode took it off while the base layer was drawn), markercluster
      // only keeps the markers for later and reports no progress: the load is done all the same.
      if (!self.map.hasLayer(cluster)) finish();
    });
  };

  /* Fitting the markers keeps them clear of the zoom buttons (top left) and the attribution's links
     (bottom right): a marker drawn under a control can be neither seen nor pointed at. */
  CatalogueMap.prototype.fitOptions = function () {
    var room = CLUSTER_SIZE / 2 + 4; // half the largest icon, and a little air
    var left = room;
    var bottom = room;
    if (this.map.zoomControl) {
      var zoom = this.map.zoomControl.getContainer();
      left = Math.max(left, zoom.offsetLeft + zoom.offsetWidth + room);
    }
    if (this.map.attributionControl) bottom += this.map.attributionControl.getContainer().offsetHeight;
    return { paddingTopLeft: [left, room], paddingBottomRight: [room, bottom], maxZoom: FIT_MAX_ZOOM, animate: false };
  };

  CatalogueMap.prototype.ready = function () {
    var count = this.markers.length;
    this.loads += 1;
    performance.mark("catalogue-map:ready");
    this.el.removeAttribute("aria-busy");
    var text = this.label("loaded", { count: count });
    if (this.unlocated) text += " " + this.label("unlocated", { count: this.unlocated });
    this.say(text);
    var root = document.documentElement.dataset;
    root.mapReady = String(count);
    root.mapReadyAt = performance.now().toFixed(1);
    root.mapLoads = String(this.loads);
    this.el.dispatchEvent(new CustomEvent("catalogue-map:ready", { detail: { map: this } }));
  };

  /* A detail page's own initiative, from the element's data-*, in the GeoJSON endpoint's shape. */
  CatalogueMap.prototype.pointCollection = function () {
    var d = this.el.dataset;
    var point = d.point.split(",").map(Number);
    var countryNames = {};
    countryNames[d.country] = d.countryName;
    var feature = {
      type: "Feature",
      geometry: { type: "Point", coordinates: point },
      properties: {
        slug: d.slug, name: d.name, kind: d.kind, country: d.country, territory: d.territory, precision: d.precision,
      },
    };
    return { type: "FeatureCollection", url_template: d.urlTemplate, country_names: countryNames, features: [feature] };
  };

  /* Keyboard focus on a region-precision marker shows its state, as the pointer does. */
  CatalogueMap.prototype.watchFocus = function () {
    var self = this;
    this.el.addEventListener("focusin", function (event) {
      var icon = event.target.closest && event.target.closest(".map-marker--approximate");
      if (!icon || !self.cluster) return;
      var marker = self.markers.find(function (m) {
        return m._icon === icon;
      });
      if (marker) self.showRegion(marker);
    });
    this.el.addEventListener("focusout", function () {
      self.hideRegion();
    });
  };

  function start(el) {
    // A page that includes the map partial twice loads this file twice: build each map once.
    if (el.catalogueMap) return el.catalogueMap;
    var catalogueMap = new CatalogueMap(el);
    el.catalogueMap = catalogueMap;
    catalogueMap.watchFocus();
    if (el.dataset.point) {
      catalogueMap.draw(catalogueMap.pointCollection());
    } else {
      // The full map and the embed start from the page's cleaned selection (bad values dropped, as
      // the page explains); the preview and a detail page's map show everything.
      var query = el.dataset.query !== undefined ? el.dataset.query : window.location.search.slice(1);
      var filtered = catalogueMap.mode === "full" || catalogueMap.mode === "embed";
      if (filtered) catalogueMap.load(query, el.dataset.geojsonSrc);
      else catalogueMap.load("");
    }
    return catalogueMap;
  }

  CatalogueMap.format = format;
  window.CatalogueMap = window.CatalogueMap || CatalogueMap;
  document.querySelectorAll("[data-catalogue-map]").forEach(start);
})();
