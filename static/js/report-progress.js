// Follows a report job until it is done or failed; without JavaScript the page refreshes itself.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var bar = document.getElementById("job-bar");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        // The width comes from interval.css by data-pct (the Content-Security-Policy allows no style attribute).
        bar.dataset.pct = String(Math.min(100, Math.max(0, Math.round(job.percent) || 0)));
        bar.textContent = job.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", job.percent);
        document.getElementById("job-stage").textContent = job.stage || job.state_label;
        document.getElementById("job-state").textContent = job.state_label;
        if (job.state === "done") {
          document.getElementById("job-download").hidden = false;
        } else if (job.state === "failed") {
          document.getElementById("job-error").textContent = job.error;
          document.getElementById("job-failed").hidden = false;
        } else {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
