// The outbox page: what waits on this device, with the server's reasons for what it refused;
// each may be corrected (its form opens filled in) or deleted until it is sent.
(function () {
  "use strict";

  var outbox = window.iomOutbox;
  var list = document.getElementById("outbox-list");
  if (!outbox || !list) {
    return;
  }
  var strings = JSON.parse(document.getElementById("offline-config").textContent).strings;
  var sendButton = document.getElementById("outbox-send");
  var sentList = document.getElementById("outbox-sent");

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  function stateOf(item) {
    if (item.state === "refused") {
      return element("span", "badge text-bg-danger", strings.refused);
    }
    if (item.state === "blocked") {
      return element("span", "badge text-bg-secondary", strings.blocked);
    }
    return element("span", "badge text-bg-warning", strings.pending);
  }

  function card(item) {
    var row = element("div", "card mb-2 outbox-item");
    row.dataset.intent = item.intent;
    var content = element("div", "card-body");
    content.appendChild(stateOf(item));
    content.appendChild(element("h2", "h6 mt-2 mb-1", item.title));
    content.appendChild(element("p", "mb-1", item.summary));
    var saved = new Date(item.savedAt).toLocaleString(document.documentElement.lang);
    content.appendChild(element("p", "small text-muted mb-2", strings.savedAt + " " + saved));
    if (item.messages && item.messages.length) {
      var reasons = element("ul", "alert alert-danger small ps-4 mb-2 outbox-messages");
      item.messages.forEach(function (message) {
        reasons.appendChild(element("li", "", message));
      });
      content.appendChild(reasons);
    }
    var edit = element("a", "btn btn-outline-primary btn-sm me-2", strings.edit);
    edit.href = item.url + "?outbox=" + item.id;
    content.appendChild(edit);
    var remove = element("button", "btn btn-outline-danger btn-sm", strings["delete"]);
    remove.type = "button";
    remove.addEventListener("click", function () {
      if (window.confirm(strings.confirmDelete)) {
        outbox.remove(item.id);
      }
    });
    content.appendChild(remove);
    row.appendChild(content);
    return row;
  }

  function sentRow(row) {
    var line = element("li", "list-group-item");
    var link = element("a", "", row.title + (row.summary ? " · " + row.summary : ""));
    link.href = row.url;
    line.appendChild(link);
    return line;
  }

  function draw() {
    document.getElementById("outbox-sign-in").hidden = !localStorage.getItem("iom-session-ended");
    sendButton.disabled = !navigator.onLine;
    outbox.items().then(function (items) {
      list.replaceChildren();
      if (!items.length) {
        list.appendChild(element("p", "text-muted", strings.nothing));
      }
      items.forEach(function (item) {
        list.appendChild(card(item));
      });
    });
    outbox.sent().then(function (rows) {
      rows.sort(function (a, b) {
        return a.sentAt < b.sentAt ? 1 : -1;
      });
      document.getElementById("outbox-sent-title").hidden = !rows.length;
      sentList.replaceChildren.apply(sentList, rows.slice(0, 20).map(sentRow));
    });
  }

  sendButton.addEventListener("click", function () {
    sendButton.disabled = true;
    outbox.send().then(draw);
  });
  document.addEventListener("outbox:changed", draw);
  window.addEventListener("online", draw);
  window.addEventListener("offline", draw);
  draw();
})();
