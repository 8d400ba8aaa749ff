/* charts.js: draws every Plotly figure on the page from its JSON data island.

   Served as a static file: the Content Security Policy allows no inline script and no eval.
   Markup it expects (nothing else on the page needs JavaScript):

     <div class="plotly-chart" data-figure-id="chart-x-data"
          data-filename="aip-x"                 optional: PNG name (default: the island's id)
          data-drill-base="/"                   optional: where "?query" drill-downs go
          data-drill-keep="&as_of=2025-06-30"   optional: added to each "?query" drill-down
          data-topojson-url="/static/vendor/plotly/topojson/"></div>
     <script type="application/json" id="chart-x-data">{"data": [...], "layout": {...}}</script>

   data-topojson-url may sit on the div or on any ancestor (the charts region, <body>); without
   it the folder is derived from plotly.js's own URL, so a map never asks the internet.

   Charts in view are drawn at once; the others when they scroll into view (IntersectionObserver)
   or, failing that, one by one when the browser is idle, so that every chart is drawn in the
   end without scrolling; all of them at once before printing (see "In view first" below).

   When: on DOMContentLoaded, on every htmx:load (new content swapped in), on htmx's history
   restore and on pageshow (Back/Forward to another page). Back and Forward between the
   dashboard's own views redraw like a filter change (see "Back and Forward" below). Should a
   page let htmx snapshot it for its history cache, drawn charts are purged first so no SVG with
   style attributes is stored (restoring it would break style-src 'self'); they are redrawn
   from their islands. Plain ES2017, no framework. */
(function () {
  "use strict";

  // Pages style themselves for a browser that runs scripts (the filter form hides Apply).
  document.documentElement.classList.add("js");

  // div -> the theme and JSON text it was drawn with: the initial load triggers both DOMContentLoaded
  // and htmx:load on <body>, and a figure is drawn once, not twice.
  var drawn = new WeakMap();
  // Divs whose drawing is re-hidden from screen readers after each replot (see hideDrawing).
  var hiding = new WeakSet();

  var CHART = ".plotly-chart[data-figure-id]";

  function topojsonURL(div) {
    var holder = div.closest("[data-topojson-url]");
    if (holder) return holder.dataset.topojsonUrl;
    var script = document.querySelector('script[src*="vendor/plotly/plotly"]');
    if (script) return new URL("topojson/", script.src).href;
    return "/static/vendor/plotly/topojson/";
  }

  function config(div, fig) {
    var meta = (fig.layout && fig.layout.meta) || {};
    return {
      responsive: true,
      displaylogo: false,
      topojsonURL: topojsonURL(div),
      modeBarButtonsToRemove: ["lasso2d", "select2d"],
      toImageButtonOptions: {
        format: "png",
        filename: div.dataset.filename || meta.chart || div.dataset.figureId,
      },
    };
  }

  // Drill-down: customdata[0] (or customdata itself when it is a string) says where to go.
  //   "?partner=x"   the dashboard (data-drill-base, default this page) with that query
  //   "/projects/x/" a page of this site
  //   "https://..."  a source: opened in a new tab
  //   ""             nothing
  // A chart inside an element with data-drill="sources-only" (a shared view: its viewer may
  // not reach other pages) only opens sources.
  function onClick(div, event) {
    var point = event && event.points && event.points[0];
    if (!point) return;
    var target = Array.isArray(point.customdata) ? point.customdata[0] : point.customdata;
    if (typeof target !== "string" || target === "") return;
    var sourcesOnly = div.closest('[data-drill="sources-only"]') !== null;
    if (sourcesOnly && !/^https?:\/\//i.test(target)) return;
    if (target.charAt(0) === "?") {
      // data-drill-keep: what the page's own view adds ("&as_of=...", a page as of a day).
      var keep = div.dataset.drillKeep || "";
      window.location.assign((div.dataset.drillBase || window.location.pathname) + target + keep);
    } else if (target.charAt(0) === "/" && target.charAt(1) !== "/") {
      window.location.assign(target);
    } else if (/^https?:\/\//i.test(target)) {
      window.open(target, "_blank", "noopener,noreferrer");
    }
  }

  // The drawing itself (axis ticks, legend text in SVG) is noise to a screen reader: the chart's
  // aria-label says its title and summary, and its "View data" table lists every value. The
  // toolbar's buttons stay reachable.
  function hideDrawing(div) {
    div.querySelectorAll("svg.main-svg").forEach(function (svg) {
      svg.setAttribute("aria-hidden", "true");
    });
  }

  // Light or dark: the reader's choice (data-theme on <html>, set by theme.js), else the system's.
  var systemDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function theme() {
    var chosen = document.documentElement.dataset.theme;
    if (chosen === "light" || chosen === "dark") return chosen;
    return systemDark && systemDark.matches ? "dark" : "light";
  }

  // The figures are built for a light page (aipdash/charts.py: text, grid, lines, hover label,
  // map). In the dark theme each of those colours is swapped, at draw time, for the page's CSS
  // variable of the same role, so the charts match the page with no Plotly template. Series
  // colours stay (they are chosen to read on both), except black, which would vanish.
  var THEMED = {
    "#16202d": "--text",
    "#566275": "--muted",
    "#e6eaf0": "--chart-grid",
    "#c5cfdb": "--border-strong",
    "#3d4756": "--chart-reference",
    "#ffffff": "--surface",
    "#000000": "--text",
    "rgba(255,255,255,0.8)": "--chart-label-bg",
    "#eef1f5": "--chart-land",
    "#f7fafd": "--chart-ocean",
  };

  // CSS variables hold light-dark() pairs: a probe element resolves each to the colour in use.
  function themeColours() {
    var probe = document.createElement("span");
    probe.hidden = true;
    document.body.appendChild(probe);
    var colours = {};
    Object.keys(THEMED).forEach(function (light) {
      probe.style.color = "var(" + THEMED[light] + ")";
      var value = getComputedStyle(probe).color;
      if (value) colours[light] = value;
    });
    probe.remove();
    return colours;
  }

  function recolour(value, colours) {
    if (typeof value === "string") return colours[value.toLowerCase()] || value;
    if (Array.isArray(value)) {
      return value.map(function (item) {
        return recolour(item, colours);
      });
    }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) {
        out[key] = recolour(value[key], colours);
      });
      return out;
    }
    return value;
  }

  function themed(fig) {
    if (theme() !== "dark") return fig;
    var colours = themeColours();
    return { data: recolour(fig.data || [], colours), layout: recolour(fig.layout || {}, colours) };
  }

  // The world map's topology: plotly.js would fetch <topojsonURL>world_110m.json, an unhashed
  // URL that cannot be cached for long. When the page names the hashed static file
  // (data-topojson-world-110m on the div or an ancestor), fetch that once (cached for a year)
  // and register it where plotly.js looks first, window.PlotlyGeoAssets.topojson.
  var topology = null;

  function geoReady(div) {
    var holder = div.closest("[data-topojson-world-110m]");
    if (!holder || !window.fetch) return Promise.resolve();
    var assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || {});
    assets.topojson = assets.topojson || {};
    if (assets.topojson.world_110m) return Promise.resolve();
    if (!topology) {
      topology = fetch(holder.getAttribute("data-topojson-world-110m"))
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (json) {
          assets.topojson.world_110m = json;
        })
        .catch(function (error) {
          topology = null; // plotly.js falls back to topojsonURL
          console.warn("charts.js: map topology not preloaded", error);
        });
    }
    return topology;
  }

  function paint(div) {
    if (typeof Plotly === "undefined") {
      console.error("charts.js: plotly.js is not loaded");
      return;
    }
    var island = document.getElementById(div.dataset.figureId);
    if (!island) {
      console.error("charts.js: no data island #" + div.dataset.figureId);
      return;
    }
    var text = island.textContent;
    var key = theme() + "|" + text;
    if (drawn.get(div) === key) return;
    var fig;
    try {
      fig = JSON.parse(text);
    } catch (error) {
      console.error("charts.js: bad JSON in #" + div.dataset.figureId, error);
      return;
    }
    drawn.set(div, key);
    var look = themed(fig);
    function react() {
      var layout = look.layout || {};
      // While printing, print.js sets the width on paper: a redraw (in the light theme) keeps it.
      if (div.dataset.printWidth) {
        layout = Object.assign({}, layout, { width: Number(div.dataset.printWidth) });
      }
      return Plotly.react(div, look.data || [], layout, config(div, fig));
    }
    // A map waits for its topology; every other chart draws at once.
    var drawing =
      fig.layout && fig.layout.geo
        ? geoReady(div).then(function () {
            return drawn.get(div) === key ? react() : null; // null: replaced meanwhile
          })
        : react();
    drawing.then(
      function (plotted) {
        if (!plotted) return;
        div.__drawnFigure = text; // what the drawing shows (bench/browser.py waits for it)
        div.__drawnAt = performance.now(); // when (bench/browser.py: in view first)
        if (typeof div.removeAllListeners === "function") div.removeAllListeners("plotly_click");
        div.on("plotly_click", function (event) {
          onClick(div, event);
        });
        hideDrawing(div);
        // Once per drawn div (plotly.js may listen to this event itself: leave its listeners).
        if (!hiding.has(div)) {
          hiding.add(div);
          div.on("plotly_afterplot", function () {
            hideDrawing(div);
          });
        }
      },
      function (error) {
        drawn.delete(div);
        console.error("charts.js: could not draw #" + div.dataset.figureId, error);
      }
    );
  }

  // A filter change swaps the whole charts region. Its drawn charts are kept across the swap
  // (taken out of the old region just before it goes, an undrawn stand-in in each place, so
  // htmx neither cleans them up nor drops them) and each takes the place of its new, empty div: a chart whose figure is
  // unchanged is not drawn again, and a changed one is updated in place by Plotly.react,
  // which costs much less than drawing it from nothing (axes, legend, map base layers).
  var kept = null; // figure id -> drawn div, from htmx:beforeSwap until the swap settles

  function adopt(div) {
    var old = kept && kept[div.dataset.figureId];
    if (!old) return div;
    delete kept[div.dataset.figureId];
    Array.prototype.forEach.call(div.attributes, function (attribute) {
      if (attribute.name !== "class" && attribute.name !== "style") {
        old.setAttribute(attribute.name, attribute.value); // the new aria-label, data-*
      }
    });
    div.replaceWith(old);
    return old;
  }

  // In view first: a page of seven charts spends most of a filter change in plotly.js's layout
  // and SVG work, and the reader sees two or three of them. Those are drawn at once; each of
  // the others waits in `later` until it comes near the viewport (the observer) or the browser
  // is idle (one chart per idle slot, so input is never kept waiting long), whichever is first.
  var MARGIN = 200; // px beyond the viewport that count as in view (drawn before they show)
  // ms a waiting chart waits for idle time at most: on a busy machine idle time is rare, and a
  // long wait per chart would delay the last one by seconds (measured at load 14: 1.0 s for the
  // charts in view, 2.2 s for all seven with 500 ms).
  var IDLE_WAIT = 100;
  var later = new Set();
  var observer =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          function (entries) {
            entries.forEach(function (entry) {
              if (entry.isIntersecting) drawNow(entry.target);
            });
          },
          { rootMargin: MARGIN + "px 0px" }
        )
      : null;
  var idleQueued = false;

  function drawNow(div) {
    if (observer) observer.unobserve(div);
    later.delete(div);
    if (div.isConnected) paint(div);
  }

  function drawOneWhenIdle() {
    idleQueued = false;
    var next = later.values().next();
    if (next.done) return;
    drawNow(next.value);
    whenIdle();
  }

  function whenIdle() {
    if (idleQueued || !later.size) return;
    idleQueued = true;
    if (window.requestIdleCallback) {
      window.requestIdleCallback(drawOneWhenIdle, { timeout: IDLE_WAIT });
    } else {
      window.setTimeout(drawOneWhenIdle, 50);
    }
  }

  function inView(div) {
    var box = div.getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    return box.bottom > -MARGIN && box.top < height + MARGIN;
  }

  function drawAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var divs = Array.prototype.slice.call(scope.querySelectorAll(CHART));
    if (scope.matches && scope.matches(CHART)) divs.unshift(scope);
    divs = divs.map(adopt);
    // Positions read once for all, before any drawing changes the layout.
    var now = divs.map(function (div) {
      return !observer || printing || inView(div);
    });
    divs.forEach(function (div, i) {
      if (now[i]) {
        drawNow(div);
      } else {
        later.add(div);
        observer.observe(div);
      }
    });
    whenIdle();
  }

  // Printing (and a PDF made by Chromium) shows every chart: the ones still waiting are drawn
  // before print.js sizes them for paper (this file's listeners run first: it loads first).
  var printing = false;
  var printMedia = window.matchMedia ? window.matchMedia("print") : null;

  function drawAllForPrint() {
    printing = true;
    Array.from(later).forEach(drawNow);
  }

  window.addEventListener("beforeprint", drawAllForPrint);
  window.addEventListener("afterprint", function () {
    printing = false;
  });
  if (printMedia && printMedia.addEventListener) {
    printMedia.addEventListener("change", function () {
      if (printMedia.matches) drawAllForPrint();
      else printing = false;
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail || {};
    if (!detail.shouldSwap || !detail.target || detail.target.id !== "dashboard-charts") return;
    kept = {};
    detail.target.querySelectorAll(CHART + ".js-plotly-plot").forEach(function (div) {
      kept[div.dataset.figureId] = div;
      // An undrawn stand-in keeps the old region whole (htmx may snapshot it for history).
      var standIn = div.cloneNode(false);
      standIn.removeAttribute("style");
      standIn.classList.remove("js-plotly-plot");
      div.replaceWith(standIn);
    });
  });

  // Draw the new region as soon as it is in the page, not after htmx's settle delay.
  document.addEventListener("htmx:afterSwap", function () {
    if (kept) drawAll(document.getElementById("dashboard-charts"));
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!kept) return;
    Object.keys(kept).forEach(function (id) {
      if (typeof Plotly !== "undefined") Plotly.purge(kept[id]); // a chart the new view lacks
    });
    kept = null;
  });

  function purge(div) {
    if (observer) observer.unobserve(div);
    later.delete(div);
    drawn.delete(div);
    hiding.delete(div);
    if (typeof Plotly !== "undefined") Plotly.purge(div);
    div.replaceChildren();
    div.removeAttribute("style");
    div.classList.remove("js-plotly-plot");
  }

  // The filter form follows the URL: after Back/Forward the browser may restore old control
  // values while the address bar holds another query. Controls absent from the query go back to
  // data-default (or empty). Setting values fires no change event, so no request is sent.
  function syncFilters() {
    var form = document.getElementById("dashboard-filters");
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (control) {
      if (!control.name || /^(hidden|submit|button|reset|file|image)$/.test(control.type)) return;
      var values = params.getAll(control.name);
      var fallback = control.dataset.default || "";
      if (control.type === "checkbox" || control.type === "radio") {
        control.checked = values.length
          ? values.indexOf(control.value) !== -1
          : control.type === "radio" && control.value === fallback;
      } else if (control.tagName === "SELECT" && control.multiple) {
        Array.prototype.forEach.call(control.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
      } else if (control.tagName === "SELECT") {
        control.value = values.length ? values[0] : fallback;
        if (control.selectedIndex === -1) control.selectedIndex = 0;
      } else {
        control.value = values.length ? values[0] : fallback;
      }
    });
    updateCounts();
  }

  // Each filter group's summary shows how many of its boxes are ticked.
  function updateCounts() {
    var form = document.getElementById("dashboard-filters");
    if (!form) return;
    form.querySelectorAll("details.filter").forEach(function (group) {
      var summary = group.querySelector("summary");
      if (!summary) return;
      var ticked = group.querySelectorAll("input[type=checkbox]:checked").length;
      var badge = summary.querySelector(".filter__count");
      if (ticked && !badge) {
        badge = document.createElement("span");
        badge.className = "filter__count";
        summary.appendChild(document.createTextNode(" "));
        summary.appendChild(badge);
      }
      if (badge && ticked) badge.textContent = String(ticked);
      else if (badge) badge.remove();
    });
    // The phone's "Filters" button says how many are set, so a folded panel hides nothing.
    var toggle = document.querySelector("#filters-panel > summary");
    if (toggle) {
      var set = form.querySelectorAll("input[type=checkbox]:checked").length;
      form.querySelectorAll("select").forEach(function (select) {
        if (select.value) set += 1;
      });
      toggle.textContent = set ? "Filters (" + set + " set)" : "Filters";
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.form && event.target.form.id === "dashboard-filters") updateCounts();
  });

  // A failed htmx request says so in #dashboard-error (role="alert"), in place.
  function showError(detail) {
    var box = document.getElementById("dashboard-error");
    if (!box) return;
    var xhr = detail && detail.xhr;
    box.replaceChildren();
    if (xhr && xhr.status && xhr.responseText) {
      // The server's 400 fragment: keep its alert (or #dashboard-error's content), drop ids so
      // none is duplicated on the page. DOMParser gives an inert document: nothing runs.
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var inner = doc.getElementById("dashboard-error");
      var nodes = inner ? inner.childNodes : [doc.querySelector('[role="alert"]') || doc.body];
      Array.prototype.forEach.call(nodes, function (node) {
        box.appendChild(document.importNode(node, true));
      });
      box.querySelectorAll("[id]").forEach(function (el) {
        el.removeAttribute("id");
      });
      box.querySelectorAll("[aria-labelledby]").forEach(function (el) {
        el.removeAttribute("aria-labelledby");
      });
      box.querySelectorAll('[role="alert"]').forEach(function (el) {
        el.removeAttribute("role"); // the box itself is the alert
      });
      if (window.htmx) window.htmx.process(box);
    } else {
      var p = document.createElement("p");
      p.textContent = "The dashboard could not be updated (network error). Try again.";
      box.appendChild(p);
    }
    box.hidden = false;
  }

  function clearError() {
    var box = document.getElementById("dashboard-error");
    if (box && !box.hidden) {
      box.hidden = true;
      box.replaceChildren();
    }
  }

  // The filter panel (a <details>, open in the HTML so that it works without script) folds on a
  // phone, where it would push the charts a screen down, and stays open on a wider screen.
  var narrow = window.matchMedia ? window.matchMedia("(width <= 640px)") : null;

  function fitFilterPanel() {
    var panel = document.getElementById("filters-panel");
    if (panel && narrow) panel.open = !narrow.matches;
  }

  if (narrow && narrow.addEventListener) narrow.addEventListener("change", fitFilterPanel);

  function start() {
    fitFilterPanel();
    syncFilters();
    drawAll(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  // htmx events bubble to document: listening here (rather than htmx.onLoad) works whatever the
  // order of the script tags, even before htmx itself has loaded.
  document.addEventListener("htmx:load", function (event) {
    drawAll(event.detail && event.detail.elt);
  });

  // Content htmx removes (a swapped charts region): free each chart's listeners and memory.
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-plotly-plot")) purge(el);
  });

  // Keep drawn SVG out of htmx's history snapshot, then draw again what is still on the page.
  // plotly.js also keeps a hidden text-measuring <svg id="js-plotly-tester" style="..."> at the
  // end of <body>: drop it too (plotly.js makes it again before its next plot).
  document.addEventListener("htmx:beforeHistorySave", function (event) {
    var root = (event.detail && event.detail.historyElt) || document.body;
    root.querySelectorAll(CHART).forEach(purge);
    var tester = document.getElementById("js-plotly-tester");
    if (tester && root.contains(tester)) tester.remove();
    window.setTimeout(function () {
      drawAll(document);
    }, 0);
  });

  document.addEventListener("htmx:historyRestore", start);

  // Back and Forward between the dashboard's views (the addresses its filter changes pushed)
  // redraw like a filter change, not as a page load. htmx keeps no snapshot of the page
  // (historyCacheSize 0, and hx-history="false" on the charts region: a snapshot would hold
  // drawn SVG), so every Back or Forward is a cache miss. On a page with the charts region, the
  // miss is answered here: the filter controls are set from the address, and the charts region
  // for the address's filters is fetched as the same partial a filter change gets and swapped
  // in the same way (drawn charts kept and updated in place by Plotly.react). Elsewhere the
  // page is reloaded.
  var restores = new WeakSet(); // charts regions whose partial is a history restore

  document.addEventListener("htmx:historyCacheMiss", function (event) {
    event.preventDefault(); // not htmx's own request (it would replace the whole <body>)
    var region = document.getElementById("dashboard-charts");
    if (!region || !window.htmx) {
      window.location.reload();
      return;
    }
    syncFilters();
    // A filter change still in flight would swap its view in after this one.
    var form = document.getElementById("dashboard-filters");
    if (form) window.htmx.trigger(form, "htmx:abort");
    window.htmx.trigger(region, "htmx:abort");
    restores.add(region);
    window.htmx.ajax("GET", event.detail.path, {
      source: region,
      target: region,
      swap: "outerHTML",
    });
  });

  // The partial's response asks htmx to push its address (HX-Push-Url); after Back that address
  // is already the current entry, and pushing it again would drop every Forward entry. Replace
  // the current entry instead (same address, canonical form).
  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var detail = event.detail || {};
    var source = detail.requestConfig && detail.requestConfig.elt;
    if (detail.history && source && restores.has(source)) detail.history.type = "replace";
  });

  // The theme changed (the header's toggle, or the system's setting): redraw in its colours.
  document.addEventListener("aip:themechange", function () {
    drawAll(document);
  });
  if (systemDark && systemDark.addEventListener) {
    systemDark.addEventListener("change", function () {
      drawAll(document);
    });
  }

  window.addEventListener("pageshow", function (event) {
    syncFilters();
    if (event.persisted) drawAll(document);
  });

  document.addEventListener("htmx:responseError", function (event) {
    showError(event.detail);
  });
  document.addEventListener("htmx:sendError", function () {
    showError(null);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) clearError();
  });
})();
