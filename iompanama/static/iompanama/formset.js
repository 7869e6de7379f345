// "Add a row" for inline formsets: copies the empty form and counts it in TOTAL_FORMS.
// Without JavaScript the formset still offers its extra empty rows.
document.querySelectorAll("[data-formset]").forEach(function (box) {
  var total = box.querySelector('input[name$="-TOTAL_FORMS"]');
  var template = box.querySelector("template");
  var rows = box.querySelector("[data-formset-rows]");
  box.querySelector("[data-formset-add]").addEventListener("click", function () {
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, total.value));
    total.value = Number(total.value) + 1;
    rows.lastElementChild.dispatchEvent(new CustomEvent("formset:added", { bubbles: true }));
  });
});
