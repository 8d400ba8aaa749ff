/* print.js: the dashboard's charts printed light and at the paper's width.

   Served as a static file (the CSP allows no inline script); static/css/print.css lays the page
   out for paper. Plotly draws each chart at the width of its box on screen, and charts.js draws
   them in the dark theme's colours when that theme is on. When printing starts (beforeprint, or
   matchMedia("print") turning true, as in Chromium's print preview and page.pdf()), this file:
     1. switches the page to the light theme (data-theme="light") and fires "aip:themechange",
        so charts.js redraws the charts in their light colours;
     2. redraws every drawn chart at the width its card has on A4 paper (Plotly.relayout with
        an explicit width: drawn at once, unlike Plotly.Plots.resize, which waits 100 ms; the
        width is also left in data-print-width, which charts.js keeps when it redraws);
   and when printing ends it restores the theme and the charts' automatic size. */
(function () {
  "use strict";

  // px: the chart's width on A4 portrait, less print.css's page margins and the card's padding.
  // The screen's layout cannot tell it (page.pdf() and print preview lay the page out anew).
  var PAPER_WIDTH = 660;
  var root = document.documentElement;
  var printing = false;
  var savedTheme = null;
  var print = window.matchMedia ? window.matchMedia("print") : null;

  function charts() {
    return Array.prototype.slice.call(document.querySelectorAll(".plotly-chart.js-plotly-plot"));
  }

  function setTheme(theme) {
    if (theme) root.dataset.theme = theme;
    else delete root.dataset.theme;
    document.dispatchEvent(new CustomEvent("aip:themechange", { detail: { theme: theme } }));
  }

  function paperWidth(div) {
    // A narrower box (a phone's print preview) keeps its own width.
    var box = div.parentElement ? div.parentElement.getBoundingClientRect().width : 0;
    return box > 100 ? Math.min(Math.floor(box) - 2, PAPER_WIDTH) : PAPER_WIDTH;
  }

  function relayout(div, update) {
    try {
      var done = window.Plotly.relayout(div, update);
      if (done && done.catch) done.catch(function () {});
    } catch (error) {
      /* a chart that cannot be redrawn prints as it is */
    }
  }

  function start() {
    if (printing || typeof window.Plotly === "undefined") return;
    printing = true;
    savedTheme = root.dataset.theme || "";
    // The width first: charts.js redraws some charts for the theme change later (a map waits
    // for its topology), and keeps data-print-width when it does.
    charts().forEach(function (div) {
      div.dataset.printWidth = paperWidth(div);
    });
    if (savedTheme !== "light") setTheme("light");
    charts().forEach(function (div) {
      relayout(div, { width: Number(div.dataset.printWidth) });
    });
  }

  function end() {
    // afterprint also fires while print media is still on (page.pdf() under emulated print
    // media): then the media's change to screen ends it.
    if (!printing || (print && print.matches)) return;
    printing = false;
    charts().forEach(function (div) {
      delete div.dataset.printWidth;
    });
    if (savedTheme !== "light") setTheme(savedTheme);
    charts().forEach(function (div) {
      relayout(div, { width: null, autosize: true });
      window.Plotly.Plots.resize(div).catch(function () {});
    });
  }

  window.addEventListener("beforeprint", start);
  window.addEventListener("afterprint", end);
  if (print && print.addEventListener) {
    print.addEventListener("change", function (event) {
      if (event.matches) start();
      else end();
    });
  }
})();
