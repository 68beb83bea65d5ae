// The admin pages' only script (served from /static, so the CSP's script-src 'self' allows it):
// progress bars of live runs poll /admin/api/runs/{id} every two seconds until the run ends.
"use strict";
(function () {
  const live = (status) => status === "queued" || status === "running";

  function render(element, run) {
    for (const field of element.querySelectorAll("[data-field]")) {
      const name = field.getAttribute("data-field");
      if (name in run) field.textContent = String(run[name]);
    }
    for (const badge of element.querySelectorAll(".badge[data-field=status]")) {
      badge.className = "badge status-" + run.status;
    }
    const bar = element.querySelector("progress");
    if (bar) {
      bar.max = run.barMax;
      bar.value = run.barValue;
      bar.textContent = run.percent + "%";
    }
    element.setAttribute("data-live", String(run.live));
  }

  function watch(element) {
    const id = element.getAttribute("data-run");
    const poll = async () => {
      let delay = 2000;
      try {
        const response = await fetch("/admin/api/runs/" + encodeURIComponent(id), { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" });
        if (response.status === 401) return; // the session ended; the next page load asks to sign in
        if (!response.ok) throw new Error(String(response.status));
        const run = await response.json();
        render(element, run);
        if (!run.live) return;
      } catch (e) {
        delay = 5000;
      }
      setTimeout(poll, delay);
    };
    setTimeout(poll, 2000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const element of document.querySelectorAll("[data-run][data-live=true]")) watch(element);
  });
})();
