/* Maps of the public pages (django-leaflet + markercluster). Words shown come translated from the
   templates in data-label-* attributes. Data come from json_script blocks or a
   same-origin JSON URL: no inline script, as the Content Security Policy requires. The text on each page
   says the same as the map, so nothing here is the only way to a piece of information. */
(function () {
  "use strict";

  function readJSON(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function createMap(container) {
    var djoptions = readJSON(container.dataset.options);
    var map = L.Map.djangoMap(container.id, { djoptions: djoptions, globals: false, callback: null, initfunc: null });
    // The map is a picture of the text around it: keyboard users reach the controls, not every marker.
    container.setAttribute("tabindex", "-1");
    return map;
  }

  function marker(latlng, title) {
    return L.marker(latlng, { title: title, alt: title, keyboard: false });
  }

  function popupContent(name, url, extra) {
    var wrapper = document.createElement("div");
    var strong = document.createElement(url ? "a" : "strong");
    strong.textContent = name;
    if (url) strong.href = url;
    wrapper.appendChild(strong);
    if (extra) {
      var p = document.createElement("div");
      p.textContent = extra;
      wrapper.appendChild(p);
    }
    return wrapper;
  }

  // The address, phone, website and e-mail of a place, as links a visitor can act on. The server sends
  // only safe addresses (tel:, http(s), mailto: checked in communes/contacts.py); built with the DOM,
  // never with innerHTML, so a source's text cannot become markup.
  function contactLines(props) {
    var lines = [];
    function line(text, href, label) {
      var div = document.createElement("div");
      if (label) div.appendChild(document.createTextNode(label + " "));
      if (href) {
        var a = document.createElement("a");
        a.href = href;
        a.textContent = text;
        if (href.indexOf("http") === 0) a.rel = "nofollow noopener";
        div.appendChild(a);
      } else {
        div.appendChild(document.createTextNode(text));
      }
      lines.push(div);
    }
    if (props.address) line(props.address);
    if (props.phone) line(props.phone, props.phone_href, props.label_phone);
    if (props.website) line(props.website_label || props.website, props.website);
    if (props.email) line(props.email, "mailto:" + props.email);
    return lines;
  }

  function communeMap(container) {
    var data = readJSON(container.dataset.geojson);
    var map = createMap(container);
    var layerNames = {}, layerThemes = {}, layerSymbols = {};
    data.layers.forEach(function (l) {
      layerNames[l.slug] = l.name; layerThemes[l.slug] = l.theme; layerSymbols[l.slug] = l.symbol || "";
    });
    var groups = {};
    var contour = null;
    data.features.features.forEach(function (feature) {
      var props = feature.properties;
      if (props.kind === "contour") {
        contour = L.geoJSON(feature, { style: { color: "#1d5c4d", weight: 3, fillOpacity: 0.06 } }).addTo(map);
        return;
      }
      var slug = props.layer;
      if (!groups[slug]) groups[slug] = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
      var c = feature.geometry.coordinates;
      // One colour per theme and one symbol per layer, the same as in the legend beside each checkbox:
      // the symbol tells layers apart without colour.
      var icon = L.divIcon({
        className: "place-marker symbol theme-" + (layerThemes[slug] || "autre") + (props.outside ? " is-outside" : ""),
        html: "<span>" + (layerSymbols[slug] || "").replace(/[<>&"]/g, "") + "</span>",
        iconSize: [28, 22]
      });
      var m = L.marker([c[1], c[0]], { icon: icon, title: props.name + " — " + (layerNames[slug] || slug), keyboard: false });
      var content = popupContent(props.name, null, (layerNames[slug] || slug) + (props.outside ? " (" + (container.dataset.labelOutside || "") + ")" : ""));
      props.label_phone = container.dataset.labelPhone || "";
      contactLines(props).forEach(function (node) { content.appendChild(node); });
      m.bindPopup(content);
      groups[slug].addLayer(m);
    });

    var visible = {};
    // The view holds the commune and every place of the ticked layers, the nearest ones outside included:
    // what the page promises ("le plus proche à 32 km") is on screen.
    function fit() {
      var bounds = contour ? L.latLngBounds(contour.getBounds().getSouthWest(), contour.getBounds().getNorthEast()) : null;
      Object.keys(groups).forEach(function (slug) {
        if (!visible[slug]) return;
        groups[slug].getLayers().forEach(function (m) {
          if (bounds) bounds.extend(m.getLatLng()); else bounds = L.latLngBounds(m.getLatLng(), m.getLatLng());
        });
      });
      if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
      else if (data.centre) map.setView(data.centre, 13);
      container.dataset.fitted = bounds ? bounds.toBBoxString() : "";
    }
    function update() {
      var count = 0;
      Object.keys(groups).forEach(function (slug) {
        if (visible[slug]) { map.addLayer(groups[slug]); count += groups[slug].getLayers().length; }
        else map.removeLayer(groups[slug]);
      });
      container.dataset.visiblePlaces = String(count);
      fit();
    }

    var fieldset = document.getElementById(container.dataset.controls);
    if (fieldset) {
      fieldset.hidden = false;
      fieldset.querySelectorAll("input[data-layer]").forEach(function (input) {
        visible[input.dataset.layer] = input.checked;
        input.addEventListener("change", function () { visible[input.dataset.layer] = input.checked; update(); });
      });
    } else {
      Object.keys(groups).forEach(function (slug) { visible[slug] = true; });
    }
    update();
  }

  function territoryMap(container) {
    var map = createMap(container);
    fetch(container.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (collection) {
        var group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
        collection.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          var m = marker([c[1], c[0]], f.properties.name);
          var pop = f.properties.population;
          m.bindPopup(popupContent(f.properties.name, f.properties.url,
            pop === null ? "" : pop.toLocaleString(document.documentElement.lang || "fr") + " " + (container.dataset.labelInhabitants || "")));
          group.addLayer(m);
        });
        map.addLayer(group);
        if (collection.features.length) map.fitBounds(group.getBounds(), { padding: [10, 10] });
        container.dataset.visiblePlaces = String(collection.features.length);
      })
      .catch(function () { container.dataset.failed = "true"; });
  }

  function finderMap(container) {
    var data = readJSON(container.dataset.geojson);
    var map = createMap(container);
    var bounds = [];
    data.points.forEach(function (p) {
      var icon = L.divIcon({ className: "rank-marker", html: String(p.rank), iconSize: [28, 28] });
      var m = L.marker([p.lat, p.lon], { icon: icon, title: p.rank + ". " + p.name, keyboard: false });
      m.bindPopup(popupContent(p.rank + ". " + p.name, p.url));
      m.addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    data.workplaces.forEach(function (w) {
      var icon = L.divIcon({ className: "work-marker", html: "T", iconSize: [28, 28] });
      // French puts a space before the colon, English does not (the page's language is on <html lang>).
      var label = (container.dataset.labelWork || "") + (document.documentElement.lang === "fr" ? " : " : ": ") + w.name;
      L.marker([w.lat, w.lon], { icon: icon, title: label, keyboard: false })
        .bindPopup(popupContent(label)).addTo(map);
      bounds.push([w.lat, w.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 });
    container.dataset.visiblePlaces = String(data.points.length);
  }

  function init() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-map]").forEach(function (container) {
      var kind = container.dataset.map;
      if (kind === "commune") communeMap(container);
      else if (kind === "territory") territoryMap(container);
      else if (kind === "finder") finderMap(container);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
