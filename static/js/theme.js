/* theme.js: light or dark, as the system prefers, unless the reader chose with the header's
   toggle; the choice is remembered in localStorage ("aip-theme": "light" or "dark").

   Loaded in <head> without defer, so that the chosen theme applies before the first paint (no
   flash of the other theme). A static file: the CSP allows no inline script. The toggle is a
   <button data-theme-toggle hidden> in the header, shown here (it can do nothing without script).
   A change fires "aip:themechange" on document; charts.js redraws its charts in the new colours. */
(function () {
  "use strict";

  var KEY = "aip-theme";
  var root = document.documentElement;
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : "";
    } catch (error) {
      return ""; // storage refused (privacy settings): follow the system
    }
  }

  function effective() {
    var chosen = root.dataset.theme;
    if (chosen === "light" || chosen === "dark") return chosen;
    return system && system.matches ? "dark" : "light";
  }

  function label(button) {
    var dark = effective() === "dark";
    button.setAttribute("aria-pressed", dark ? "true" : "false");
    button.title = dark ? "Dark theme on: switch to light" : "Light theme on: switch to dark";
  }

  function apply(theme, remember) {
    if (theme) root.dataset.theme = theme;
    else delete root.dataset.theme;
    if (remember) {
      try {
        window.localStorage.setItem(KEY, theme);
      } catch (error) {
        /* not remembered: it still applies to this page */
      }
    }
    document.querySelectorAll("[data-theme-toggle]").forEach(label);
    document.dispatchEvent(new CustomEvent("aip:themechange", { detail: { theme: effective() } }));
  }

  var initial = stored();
  if (initial) root.dataset.theme = initial;

  if (system && system.addEventListener) {
    system.addEventListener("change", function () {
      if (!stored()) apply("", false);
    });
  }

  function start() {
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      button.hidden = false;
      label(button);
      button.addEventListener("click", function () {
        apply(effective() === "dark" ? "light" : "dark", true);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  window.aipTheme = { effective: effective };
})();
