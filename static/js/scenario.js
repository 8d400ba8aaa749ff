/* scenario.js: the scenario form beside the dashboard (templates/dashboard/scenario_form.html).

   Served as a static file (the CSP allows no inline script). Its inputs belong to the filter
   form (form="dashboard-filters"), so the form's request carries them and the address keeps
   them (Back, Forward, reload, bookmarks). This file:

   - moving a value asks for the charts region with it: at once after a quiet spell, else at
     most one request per 250 ms (the filter form's own htmx request, hx-sync="this:replace":
     a newer value replaces one in flight);
   - leaves out of that request the values equal to the saved scenario's (the address stays
     short; the server drops them anyway);
   - puts a 400's message on its field (the server checks every value: one set of bounds and
     messages, aipdash/scenarios/assumptions.py); the charts stay as they were;
   - keeps Save, "Save as…", "Undo unsaved values" and "Share this view" pointing at the
     address shown (a filter change or a moved value redraws the charts, not these links);
   - picking another scenario in the filter bar loads the page for it (the form shows that
     scenario's values), without the values of the one left.
   Plain ES2017, no framework. */
(function () {
  "use strict";

  var DELAY = 250; // ms after the last move
  var INPUT = "[data-scenario-input]";
  var timer = null;

  function filterForm() {
    return document.getElementById("dashboard-filters");
  }

  function draftNames() {
    return Array.prototype.map.call(document.querySelectorAll(INPUT), function (el) {
      return el.name;
    });
  }

  var sentAt = 0; // when the last request was sent (Date.now())

  function redraw() {
    timer = null;
    sentAt = Date.now();
    var form = filterForm();
    if (form && window.htmx) window.htmx.trigger(form, "submit");
  }

  // A move after a quiet spell redraws at once; moves that follow within DELAY (typing "120",
  // holding an arrow key) are gathered into one request at the end of it, which reads the
  // form's values as they are then.
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!el || !el.matches || !el.matches(INPUT) || timer) return;
    var since = Date.now() - sentAt;
    if (since >= DELAY) redraw();
    else timer = window.setTimeout(redraw, DELAY - since);
  });

  // Values equal to the saved scenario's say nothing: not sent.
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail || {};
    var form = filterForm();
    if (!form || detail.elt !== form || !detail.parameters) return;
    document.querySelectorAll(INPUT).forEach(function (el) {
      if (el.value === (el.dataset.default || "")) delete detail.parameters[el.name];
    });
  });

  function fieldOf(name) {
    return document.querySelector('.scenario-field[data-field="' + name + '"]');
  }

  function clearFieldErrors() {
    document.querySelectorAll(".scenario-field").forEach(function (field) {
      var message = field.querySelector(".scenario-field__error");
      var input = field.querySelector(INPUT);
      if (message) {
        message.hidden = true;
        message.textContent = "";
      }
      if (input) input.removeAttribute("aria-invalid");
    });
  }

  // A 400 names each wrong field (li[data-field] in its fragment): the message goes on it.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status !== 400 || !xhr.responseText) return;
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    clearFieldErrors();
    doc.querySelectorAll("li[data-field]").forEach(function (item) {
      var field = fieldOf(item.dataset.field);
      if (!field) return;
      var message = field.querySelector(".scenario-field__error");
      var input = field.querySelector(INPUT);
      var strong = item.querySelector("strong");
      var text = item.textContent;
      if (strong) text = text.slice(strong.textContent.length).replace(/^:\s*/, "");
      if (message) {
        message.textContent = text;
        message.hidden = false;
      }
      if (input) input.setAttribute("aria-invalid", "true");
      var panel = document.getElementById("scenario-panel");
      if (panel) panel.open = true;
    });
  });

  // Save, Save as… and Undo follow the address the charts show.
  function followAddress() {
    var query = window.location.search.replace(/^\?/, "");
    document.querySelectorAll("[data-scenario-view]").forEach(function (el) {
      el.value = query;
    });
    document.querySelectorAll("a[data-scenario-save-as], a[data-follow-address]").forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      link.href = url.pathname + (query ? "?" + query : "");
    });
    var names = draftNames();
    var saved = new URLSearchParams();
    new URLSearchParams(query).forEach(function (value, key) {
      if (names.indexOf(key) === -1) saved.append(key, value);
    });
    document.querySelectorAll("a[data-scenario-undo]").forEach(function (link) {
      var text = saved.toString();
      link.href = window.location.pathname + (text ? "?" + text : "");
    });
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) clearFieldErrors();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "dashboard-charts") followAddress();
  });
  window.addEventListener("popstate", function () {
    window.setTimeout(followAddress, 0);
  });

  // Another scenario picked in the filter bar: the page for it (the form then shows its values;
  // the values moved over the one left would be wrong over the new one). Before htmx sees the
  // change (capture phase), so that no request carries them.
  document.addEventListener(
    "change",
    function (event) {
      var select = event.target;
      var form = filterForm();
      if (!select || select.id !== "scenario" || !form || select.form !== form) return;
      if (!document.getElementById("scenario-panel")) return;
      event.stopPropagation();
      var names = draftNames();
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (names.indexOf(key) === -1 && value !== "") params.append(key, value);
      });
      var text = params.toString();
      window.location.assign(form.getAttribute("action") + (text ? "?" + text : ""));
    },
    true
  );
})();
