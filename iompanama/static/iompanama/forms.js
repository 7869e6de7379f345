// After a failed save the summary of errors is read first: focus moves to it, so a screen
// reader says it and a phone scrolls to it.
var summary = document.getElementById("error-summary");
if (summary) {
  summary.focus();
}

// Registering a person from a case form leaves the page: what was typed is kept in this tab
// and put back when the form opens again, with the new person chosen by the server.
var typedForm = document.querySelector("form[data-keep-typed]");
var typedKey = "typed:" + location.pathname;
document.querySelectorAll("a[data-keep-typed-link]").forEach(function (link) {
  link.addEventListener("click", function () {
    var values = [];
    new FormData(typedForm).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") {
        values.push([name, value]);
      }
    });
    sessionStorage.setItem(typedKey, JSON.stringify(values));
  });
});
if (typedForm && !summary && sessionStorage.getItem(typedKey)) {
  var given = new URLSearchParams(location.search);
  JSON.parse(sessionStorage.getItem(typedKey)).forEach(function (pair) {
    var field = typedForm.elements.namedItem(pair[0]);
    if (!field || given.has(pair[0]) || field.type === "file") {
      return;
    }
    if (field.type === "checkbox") {
      field.checked = true;
    } else {
      field.value = pair[1];
    }
  });
  sessionStorage.removeItem(typedKey);
}

// A file larger than its field takes is said as soon as it is chosen, and the form is not sent:
// sending it would cost a phone the upload, and the server would not take it.
document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
  input.addEventListener("change", function () {
    var file = input.files[0];
    var tooLarge = file && file.size > Number(input.dataset.maxBytes);
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    input.reportValidity();
  });
});
