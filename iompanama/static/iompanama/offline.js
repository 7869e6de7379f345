// Entry without a connection (issue 13). The service worker (/sw.js) keeps the field forms; a
// form saved offline waits in this browser's IndexedDB (the outbox) and is posted to the same
// Django form when the connection is back, in order, with its one-time `intent`: the server
// judges it exactly as if it were typed online, and the same intent never makes two records.
(function () {
  "use strict";

  var configElement = document.getElementById("offline-config");
  if (!configElement || !window.indexedDB) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var strings = config.strings;
  var user = config.user;
  var DB_NAME = "iom-offline";
  var SIGNED_OUT = "signed-out"; // a send stopped because the session has ended
  var SESSION_ENDED_KEY = "iom-session-ended";
  var KEPT_KEY = "iom-offline-kept";
  var REFERENCE = "outbox:"; // a person of the outbox named in another record of the outbox

  // ---- The outbox: one object store of waiting records, one of those sent (for references).
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("outbox", { keyPath: "id", autoIncrement: true });
        request.result.createObjectStore("sent", { keyPath: "intent" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function inStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var request = work(transaction.objectStore(name));
        transaction.oncomplete = function () {
          db.close();
          resolve(request ? request.result : undefined);
        };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error);
        };
      });
    });
  }

  function mine(rows) {
    return rows.filter(function (row) {
      return row.user === user;
    });
  }

  var outbox = {
    items: function () {
      return inStore("outbox", "readonly", function (store) {
        return store.getAll();
      }).then(mine);
    },
    get: function (id) {
      return inStore("outbox", "readonly", function (store) {
        return store.get(Number(id));
      }).then(function (item) {
        return item && item.user === user ? item : null;
      });
    },
    put: function (item) {
      return inStore("outbox", "readwrite", function (store) {
        return store.put(item);
      }).then(changed);
    },
    remove: function (id) {
      return inStore("outbox", "readwrite", function (store) {
        return store.delete(Number(id));
      }).then(changed);
    },
    sent: function () {
      return inStore("sent", "readonly", function (store) {
        return store.getAll();
      }).then(mine);
    },
    people: peopleOnDevice,
    send: sendAll,
    clear: clearDevice,
  };
  window.iomOutbox = outbox;

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function peopleOnDevice(query) {
    // Every word typed in the label, accents and case ignored, as the server's search does.
    var words = plain(query).split(/\s+/).filter(Boolean);
    function matches(person) {
      var label = plain(person.text);
      return words.every(function (word) {
        return label.indexOf(word) !== -1;
      });
    }
    var kept = config.lists.length
      ? fetch(config.lists[0], { credentials: "same-origin" }).then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
      : Promise.resolve({ results: [] });
    return Promise.all([kept, outbox.items()]).then(function (found) {
      var registered = found[1]
        .filter(function (item) {
          return item.entries.some(function (entry) {
            return entry[0] === "given_names";
          });
        })
        .map(function (item) {
          return { value: REFERENCE + item.intent, text: item.summary };
        });
      return registered.concat(found[0].results).filter(matches).slice(0, 20);
    });
  }

  function changed(result) {
    document.dispatchEvent(new CustomEvent("outbox:changed"));
    return result;
  }

  // ---- On every page: the service worker, the pages kept for offline use, the badge.
  function whenControlled() {
    return navigator.serviceWorker.ready.then(function () {
      if (navigator.serviceWorker.controller) {
        return null;
      }
      return new Promise(function (resolve) {
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
      });
    });
  }

  function keepPagesForOffline() {
    // Fetched through the service worker, which keeps them; again after an hour, a release or
    // a change of language (the pages are kept in the language they were fetched in).
    var stamp = user + ":" + config.version + ":" + document.documentElement.lang;
    var kept = JSON.parse(localStorage.getItem(KEPT_KEY) || "{}");
    var fresh = kept.stamp === stamp && Date.now() - kept.at < 60 * 60 * 1000;
    if (fresh || !navigator.onLine || !config.pages.length) {
      document.body.dataset.offlineReady = fresh ? "true" : "";
      return Promise.resolve();
    }
    return whenControlled()
      .then(function () {
        // One after the other: the server is not asked for ten pages at once.
        return config.pages.concat(config.lists).reduce(function (previous, url) {
          return previous.then(function () {
            return fetch(url, { credentials: "same-origin" });
          });
        }, Promise.resolve());
      })
      .then(function () {
        localStorage.setItem(KEPT_KEY, JSON.stringify({ stamp: stamp, at: Date.now() }));
        document.body.dataset.offlineReady = "true";
      });
  }

  function showBadge() {
    var badge = document.getElementById("outbox-badge");
    return outbox.items().then(function (items) {
      if (badge) {
        badge.hidden = items.length === 0;
        badge.textContent = strings.waiting + " (" + items.length + ")";
      }
    });
  }

  function showConnection() {
    var banner = document.getElementById("offline-banner");
    if (banner) {
      banner.hidden = navigator.onLine;
    }
  }

  // ---- A create form: saved in the outbox when there is no connection (or when it is one).
  var params = new URLSearchParams(location.search);
  var form = document.querySelector("form[data-keep-typed]");
  var intentField = form && form.querySelector('input[name="intent"]');
  var editing = params.get("outbox");

  function whenScriptsRan() {
    // The person picker and the formset rows are set up by deferred scripts.
    return new Promise(function (resolve) {
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", resolve);
      } else {
        resolve();
      }
    });
  }

  function setSelect(select, values, label) {
    values.forEach(function (value) {
      var exists = Array.prototype.some.call(select.options, function (option) {
        return option.value === value;
      });
      if (!exists && value) {
        select.add(new Option(label || value, value));
      }
      if (select.tomselect && value) {
        select.tomselect.addOption({ value: value, text: label || value });
      }
    });
    Array.prototype.forEach.call(select.options, function (option) {
      option.selected = values.indexOf(option.value) !== -1;
    });
    if (select.tomselect) {
      select.tomselect.setValue(select.multiple ? values : values[0] || "", true);
    }
  }

  function fillForm(item) {
    var values = {};
    item.entries.forEach(function (entry) {
      (values[entry[0]] = values[entry[0]] || []).push(entry[1]);
    });
    // As many formset rows as were saved.
    form.querySelectorAll('input[name$="-TOTAL_FORMS"]').forEach(function (total) {
      var box = total.closest("[data-formset]");
      var add = box && box.querySelector("[data-formset-add]");
      var wanted = Number((values[total.name] || [total.value])[0]);
      while (add && Number(total.value) < wanted) {
        add.click();
      }
    });
    Array.prototype.forEach.call(form.elements, function (field) {
      var saved = values[field.name] || [];
      if (!field.name || field.name === "csrfmiddlewaretoken" || field.type === "file") {
        return;
      }
      if (field.type === "submit" || field.type === "button") {
        return;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = saved.indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT") {
        setSelect(field, saved, item.labels[field.name]);
      } else {
        field.value = saved.length ? saved[0] : "";
      }
    });
  }

  function summaryOf(formData) {
    var parts = [];
    form.querySelectorAll("select[data-person-search]").forEach(function (select) {
      if (select.value && select.selectedIndex >= 0) {
        parts.push(select.options[select.selectedIndex].textContent);
      }
    });
    ["given_names", "family_names", "title", "campaign"].forEach(function (name) {
      var value = formData.get(name);
      if (value) {
        parts.push(value);
      }
    });
    var dated = form.querySelector('input[type="date"]');
    if (dated && dated.value) {
      parts.push(dated.value);
    }
    return parts.join(" · ");
  }

  function labelsOf() {
    var labels = {};
    form.querySelectorAll("select").forEach(function (select) {
      if (select.value && select.selectedIndex >= 0) {
        labels[select.name] = select.options[select.selectedIndex].textContent;
      }
    });
    return labels;
  }

  function saveInOutbox(event) {
    var formData = new FormData(form, event.submitter || undefined);
    var entries = [];
    formData.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") {
        entries.push([name, value]);
      }
    });
    var title = document.querySelector("main h1");
    var before = editing ? outbox.get(editing) : Promise.resolve(null);
    return before.then(function (previous) {
      var item = previous || { user: user, url: location.pathname, intent: intentField.value };
      item.entries = previous ? keepFiles(entries, previous.entries) : entries;
      item.labels = labelsOf();
      item.title = title ? title.textContent.trim() : "";
      item.summary = summaryOf(formData);
      item.savedAt = new Date().toISOString();
      item.state = "waiting";
      item.messages = [];
      return outbox.put(item).then(function () {
        return item;
      });
    });
  }

  function keepFiles(entries, before) {
    // A file chosen before (a receipt, an attendance sheet) stays unless another is chosen:
    // a file input cannot be filled in again when the form is edited.
    return entries.map(function (entry) {
      var empty = entry[1] instanceof File && !entry[1].name && !entry[1].size;
      var kept = before.filter(function (old) {
        return old[0] === entry[0] && old[1] instanceof File && old[1].size;
      })[0];
      return empty && kept ? kept : entry;
    });
  }

  function afterSaving(item) {
    // A person registered from a case form goes back to it, chosen there.
    var back = params.get("back");
    var field = params.get("field");
    if (back && field && /^\/[^/\\]/.test(back)) {
      location.href = back.split("?")[0] + "?" + field + "=" + encodeURIComponent(REFERENCE + item.intent);
    } else {
      location.href = config.outbox;
    }
  }

  function chooseOutboxPeople() {
    // "?beneficiary=outbox:<intent>": a person of the outbox chosen in a case form.
    var choices = [];
    params.forEach(function (value, name) {
      if (value.indexOf(REFERENCE) === 0 && form.elements.namedItem(name)) {
        choices.push([name, value]);
      }
    });
    if (!choices.length) {
      return Promise.resolve();
    }
    return outbox.items().then(function (items) {
      choices.forEach(function (choice) {
        items.forEach(function (item) {
          if (REFERENCE + item.intent === choice[1]) {
            setSelect(form.elements.namedItem(choice[0]), [choice[1]], item.summary);
          }
        });
      });
    });
  }

  if (intentField) {
    // The page may come from the cache, where its token was made for another record.
    if (!document.getElementById("error-summary") && window.crypto && crypto.randomUUID) {
      intentField.value = crypto.randomUUID();
    }
    whenScriptsRan().then(function () {
      if (editing) {
        return outbox.get(editing).then(function (item) {
          if (item) {
            fillForm(item);
            intentField.value = item.intent;
          }
        });
      }
      return chooseOutboxPeople();
    });
    form.addEventListener("submit", function (event) {
      if (navigator.onLine && !editing) {
        return; // the server takes it now, as always
      }
      event.preventDefault();
      saveInOutbox(event).then(afterSaving);
    });
  }

  // ---- Sending: in order, each once; the server's answer decides what happens to it.
  function signedOut(response) {
    return new URL(response.url).pathname === config.login;
  }

  function withReferences(item, sent) {
    var pks = {};
    sent.forEach(function (row) {
      pks[REFERENCE + row.intent] = String(row.pk);
    });
    var missing = false;
    var entries = item.entries.map(function (entry) {
      if (typeof entry[1] === "string" && entry[1].indexOf(REFERENCE) === 0) {
        if (!pks[entry[1]]) {
          missing = true;
        }
        return [entry[0], pks[entry[1]]];
      }
      return entry;
    });
    return missing ? null : entries;
  }

  function serverMessages(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = [];
    page.querySelectorAll("#error-summary li, main .alert:not(#error-summary):not(#offline-banner)").forEach(
      function (element) {
        var text = element.textContent.replace(/\s+/g, " ").trim();
        if (text && found.indexOf(text) === -1) {
          found.push(text);
        }
      }
    );
    return found;
  }

  function sendOne(item) {
    return outbox.sent().then(function (sent) {
      var entries = withReferences(item, sent);
      if (!entries) {
        item.state = "blocked";
        item.messages = [strings.personNotSent];
        return outbox.put(item);
      }
      // A fresh page for a fresh CSRF token; the one saved with the form may be old.
      return fetch(item.url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "X-Fresh-Form": "1" }, // never the service worker's kept copy (sw.js)
      })
        .then(function (page) {
          if (signedOut(page)) {
            throw SIGNED_OUT;
          }
          return page.text();
        })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var token = page.querySelector('input[name="csrfmiddlewaretoken"]');
          var body = new FormData();
          entries.forEach(function (entry) {
            body.append(entry[0], entry[1]);
          });
          body.set("csrfmiddlewaretoken", token ? token.value : "");
          body.set("intent", item.intent);
          return fetch(item.url, { method: "POST", body: body, credentials: "same-origin" });
        })
        .then(function (response) {
          if (signedOut(response)) {
            throw SIGNED_OUT;
          }
          var path = new URL(response.url).pathname;
          var made = response.redirected && path !== item.url && path.match(/\/(\d+)\/$/);
          if (response.ok && made) {
            var row = {
              intent: item.intent,
              user: user,
              pk: Number(made[1]),
              url: path,
              title: item.title,
              summary: item.summary,
              sentAt: new Date().toISOString(),
            };
            return inStore("sent", "readwrite", function (store) {
              return store.put(row);
            }).then(function () {
              return outbox.remove(item.id);
            });
          }
          // Refused (a field to correct, a locked period, a site no longer one's own): kept,
          // with the server's words, until the user corrects or deletes it.
          return response.text().then(function (html) {
            item.state = "refused";
            item.messages = serverMessages(html);
            return outbox.put(item);
          });
        });
    });
  }

  function sendInOrder() {
    return outbox.items().then(function (items) {
      var waiting = items.filter(function (item) {
        return item.state !== "refused";
      });
      return waiting.reduce(function (previous, item) {
        return previous.then(function () {
          return sendOne(item);
        });
      }, Promise.resolve());
    });
  }

  var sending = null;
  function sendAll() {
    if (!navigator.onLine) {
      return Promise.resolve();
    }
    if (!sending) {
      // One sender at a time across this user's tabs; the intent guards against the rest.
      var run = navigator.locks
        ? navigator.locks.request("iom-outbox-send", sendInOrder)
        : sendInOrder();
      sending = run
        .then(function () {
          localStorage.removeItem(SESSION_ENDED_KEY);
        })
        .catch(function (reason) {
          if (reason === SIGNED_OUT) {
            localStorage.setItem(SESSION_ENDED_KEY, "1");
          }
        })
        .then(function () {
          sending = null;
          changed();
        });
    }
    return sending;
  }

  // ---- Signing out: the device keeps nothing of the user (after a warning if unsent).
  function clearDevice() {
    localStorage.removeItem(KEPT_KEY);
    localStorage.removeItem(SESSION_ENDED_KEY);
    sessionStorage.clear(); // what forms.js kept of a form left to register a person
    var databases = [DB_NAME, "workbox-expiration"].map(function (name) {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(name);
        request.onsuccess = request.onerror = request.onblocked = function () {
          resolve();
        };
      });
    });
    var cached = window.caches
      ? caches.keys().then(function (names) {
          return Promise.all(
            names
              .filter(function (name) {
                return name === "iom-pages" || name === "iom-lists";
              })
              .map(function (name) {
                return caches.delete(name);
              })
          );
        })
      : Promise.resolve();
    return Promise.all(databases.concat([cached]));
  }

  document.querySelectorAll('form[action="' + config.logout + '"]').forEach(function (signOut) {
    signOut.addEventListener("submit", function (event) {
      event.preventDefault();
      // Everything unsent on the device counts, whoever saved it: clearing removes it all.
      inStore("outbox", "readonly", function (store) {
        return store.getAll();
      }).then(function (items) {
        var warning = strings.signOutWarning.replace("%(count)s", items.length);
        if (items.length && !window.confirm(warning)) {
          return;
        }
        clearDevice().then(function () {
          signOut.submit();
        });
      });
    });
  });

  // ---- Start.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(config.serviceWorker, { scope: "/" })
      .then(keepPagesForOffline)
      .catch(function () {});
  }
  showConnection();
  showBadge();
  document.addEventListener("outbox:changed", showBadge);
  window.addEventListener("offline", showConnection);
  window.addEventListener("online", function () {
    showConnection();
    sendAll();
  });
  if (navigator.onLine && !editing) {
    outbox.items().then(function (items) {
      if (items.length) {
        sendAll();
      }
    });
  }
})();
