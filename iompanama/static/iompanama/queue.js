// "Select all" ticks (or unticks) every record of the queue's page.
var all = document.querySelector("[data-queue-all]");
if (all) {
  all.addEventListener("change", function () {
    document.querySelectorAll("[data-queue-tick]").forEach(function (tick) {
      tick.checked = all.checked;
    });
  });
}
