// The person fields of the case forms: Tom Select asks the server for the people of one's
// sites whose names or document contain what is typed (accents and case ignored there).
function choosePeopleIn(root) {
  root.querySelectorAll("select[data-person-search]").forEach(function (select) {
    if (select.tomselect || select.closest("template")) {
      return;
    }
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      placeholder: select.dataset.placeholder,
      loadThrottle: 250,
      shouldLoad: function (query) {
        return query.length >= 2;
      },
      // The server already chose and ordered the people: show them as they come.
      score: function () {
        return function () {
          return 1;
        };
      },
      load: function (query, callback) {
        fetch(select.dataset.personSearch + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
        })
          .then(function (response) {
            return response.json();
          })
          .then(function (found) {
            callback(found.results);
          })
          .catch(function () {
            // No connection: the people kept on this device (offline.js), and those registered
            // on it and not sent yet.
            if (!window.iomOutbox) {
              callback();
              return;
            }
            window.iomOutbox.people(query).then(callback, function () {
              callback();
            });
          });
      },
      render: {
        no_results: function () {
          var empty = document.createElement("div");
          empty.className = "no-results";
          empty.textContent = select.dataset.noResults;
          return empty;
        },
      },
    });
  });
}
choosePeopleIn(document);
document.addEventListener("formset:added", function (event) {
  choosePeopleIn(event.target);
});
