// Truce's pages: the map, the zones and the chart. Data comes from JSON islands the server
// escaped; labels go in as text, never as HTML, so report content stays inert.
(function () {
  "use strict";
  const COLOURS = {
    violation_serious: "#b2182b", violation_minor: "#ef8a62", contested_exclusion: "#7b3294",
    excluded_target: "#5e3c99", undetermined: "#999999", not_a_violation: "#4393c3",
    not_an_incident: "#bbbbbb", none: "#444444",
  };
  const TILES = document.body.dataset.tiles || "";

  function island(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function baseMap(element) {
    const map = L.map(element, { preferCanvas: true, maxZoom: 14, minZoom: 3 }).setView([35.0, 38.3], 7);
    if (TILES) {
      L.tileLayer(TILES, { maxZoom: 17, attribution: "" }).addTo(map);
    }
    // Country outlines from Natural Earth (world-atlas): the map works with no tile server.
    fetch("/static/vendor/countries-50m.json").then((r) => r.json()).then((world) => {
      const countries = topojson.feature(world, world.objects.countries);
      L.geoJSON(countries, { style: { color: "#666", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 } })
        .addTo(map).bringToBack();
    }).catch(() => {});
    return map;
  }

  function zonesLayer(map, collection) {
    // De-escalation areas stand out; the area a whole agreement covers is only outlined.
    const style = (feature) => feature.properties.kind === "de_escalation"
      ? { color: "#1b7837", weight: 2, fillOpacity: 0.08 }
      : { color: "#1b7837", weight: 1, dashArray: "4 4", fill: false };
    return L.geoJSON(collection, { style })
      .eachLayer((layer) => layer.bindTooltip(document.createTextNode(layer.feature.properties.name)))
      .addTo(map);
  }

  function popup(marker) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.label;
    box.appendChild(link);
    const finding = document.createElement("div");
    finding.textContent = marker.finding.replace(/_/g, " ");
    box.appendChild(finding);
    return box;
  }

  const mapNode = document.getElementById("map");
  const markers = island("markers");
  if (mapNode && markers) {
    const map = baseMap(mapNode);
    const cluster = L.markerClusterGroup();
    const bounds = [];
    for (const m of markers) {
      const dot = L.circleMarker([m.lat, m.lon], {
        radius: 7, color: "#222", weight: 1, fillColor: COLOURS[m.finding] || COLOURS.none, fillOpacity: 0.9,
      });
      dot.bindPopup(() => popup(m));
      dot.options.title = m.label;
      cluster.addLayer(dot);
      bounds.push([m.lat, m.lon]);
    }
    map.addLayer(cluster);
    mapNode.dataset.markers = String(markers.length);
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 9, padding: [20, 20] });
    const zonesUrl = island("zones-url");
    if (zonesUrl) fetch(zonesUrl).then((r) => r.json()).then((z) => zonesLayer(map, z)).catch(() => {});
  }

  const zonesNode = document.getElementById("zones-map");
  const zones = island("zones");
  if (zonesNode && zones) {
    const map = baseMap(zonesNode);
    const layer = zonesLayer(map, zones);
    if (zones.features.length) map.fitBounds(layer.getBounds());
  }

  const chartNode = document.getElementById("chart");
  const chart = island("chart-data");
  if (chartNode && chart && window.uPlot) {
    const days = chart.days.map((d) => Date.parse(d + "T00:00:00Z") / 1000);
    const names = Object.keys(chart.series);
    const palette = ["#b2182b", "#2166ac", "#1b7837", "#762a83"];
    const series = [{}].concat(names.map((n, i) => ({ label: n, stroke: palette[i % palette.length], width: 2 })));
    const width = Math.max(300, Math.min(chartNode.clientWidth || 600, 900));
    new uPlot({ width: width, height: 240, series: series, scales: { x: { time: true } } },
      [days].concat(names.map((n) => chart.series[n])), chartNode);
  }
})();
