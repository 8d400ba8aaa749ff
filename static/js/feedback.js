/* feedback.js: what the reader sees while an htmx request runs, and when it fails.

   Served as a static file (the CSP allows no inline script). Loaded after charts.js, whose
   #dashboard-error box already shows a 400's explanation (which filter is wrong); this file adds:

   - while a request runs, its target (the charts region) is marked aria-busy and dimmed, beside
     the form's "Updating…" indicator (CSS in static/css/ux.css);
   - a server error (5xx), a network failure or a timeout (htmx.config.timeout, set in the
     htmx-config <meta> of dashboard/head.html) says so in place, in #dashboard-error:
     "Couldn't update the charts: 500 Internal Server Error." with a "Try again" link that sends
     the same request again (without script, the link loads the page);
   - a request answered by the login page (the session ended) is not swapped into the charts:
     the message says to sign in again.
   Plain ES2017, no framework. */
(function () {
  "use strict";

  var lastSource = null; // the element whose request failed: "Try again" triggers it again

  function box() {
    return document.getElementById("dashboard-error");
  }

  function targetOf(detail) {
    return (detail && detail.target) || null;
  }

  function requestPath(detail) {
    var info = detail && detail.pathInfo;
    var path = (info && (info.finalRequestPath || info.requestPath)) || window.location.href;
    return path;
  }

  function show(text, detail, linkText, href) {
    var el = box();
    if (!el) return;
    lastSource = (detail && detail.elt) || null;
    el.replaceChildren();
    var p = document.createElement("p");
    p.className = "request-failed";
    p.textContent = text + " ";
    var link = document.createElement("a");
    link.href = href || requestPath(detail);
    link.className = "request-failed__retry";
    link.textContent = linkText || "Try again";
    if (!href) link.dataset.retry = "";
    p.appendChild(link);
    el.appendChild(p);
    el.hidden = false;
  }

  function statusText(xhr) {
    if (!xhr || !xhr.status) return "no answer from the server";
    return (String(xhr.status) + " " + (xhr.statusText || "")).trim();
  }

  function setBusy(detail, busy) {
    var target = targetOf(detail);
    if (!target || !target.setAttribute) return;
    if (busy) {
      target.setAttribute("aria-busy", "true");
      target.classList.add("is-updating");
    } else {
      target.removeAttribute("aria-busy");
      target.classList.remove("is-updating");
    }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    setBusy(event.detail, true);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    setBusy(event.detail, false);
    // After charts.js's own listener, which clears the box on any 2xx answer.
    if (event.detail && event.detail.xhr && event.detail.xhr.aipSignedOut) {
      var next = encodeURIComponent(window.location.pathname + window.location.search);
      show("Couldn't update the charts: your session has ended.", event.detail, "Sign in again",
        "/accounts/login/?next=" + next);
    }
  });

  // A 400 keeps charts.js's explanation of the wrong filter; a server error gets a plain message.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status >= 400 && xhr.status < 500 && xhr.status !== 403) return;
    show("Couldn't update the charts: " + statusText(xhr) + ".", event.detail);
  });

  document.addEventListener("htmx:sendError", function (event) {
    show("Couldn't update the charts: the server could not be reached.", event.detail);
  });

  document.addEventListener("htmx:timeout", function (event) {
    var seconds = window.htmx && window.htmx.config.timeout ? window.htmx.config.timeout / 1000 : 0;
    show(
      "Couldn't update the charts: the server took too long" +
        (seconds ? " (more than " + seconds + " s)" : "") +
        ".",
      event.detail
    );
  });

  // The session ended: the request was redirected to the login page. Don't swap it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || !xhr.responseURL) return;
    var path = new URL(xhr.responseURL, window.location.href).pathname;
    if (path.indexOf("/accounts/login/") !== 0) return;
    event.detail.shouldSwap = false;
    xhr.aipSignedOut = true; // the message is shown after the request (htmx:afterRequest)
  });

  // "Try again": the same request again (the filter form's submit, which htmx turns into it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-retry]") : null;
    if (!link || !window.htmx || !lastSource || !document.contains(lastSource)) return;
    event.preventDefault();
    var el = box();
    if (el) {
      el.hidden = true;
      el.replaceChildren();
    }
    if (lastSource.tagName === "FORM") window.htmx.trigger(lastSource, "submit");
    else window.htmx.trigger(lastSource, "click");
  });
})();
