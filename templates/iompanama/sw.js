{% autoescape off %}// The service worker of OIM Panamá, version {{ version }} (iompanama/offline.py).
// Static files: from the cache first (their version is in the cache's name). The field forms,
// home and the outbox page: from the network, from the cache without one. The people a case may
// name: the same, kept a day. Nothing else is kept: other pages may show personal data.
importScripts({% for url in workbox %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %});

var VERSION = "{{ version }}";
var STATIC_CACHE = "iom-static-" + VERSION;
var PAGES_CACHE = "iom-pages";
var LISTS_CACHE = "iom-lists";
var SHELL = {{ shell_json }};
var PAGES = {{ pages_json }};
var LISTS = {{ lists_json }};
var STATIC_PREFIX = "{{ static_prefix }}";
var OUTBOX = "{{ outbox }}";

// A response that followed a redirect (to the sign-in page, when the session has ended) or
// failed is never kept in place of the page.
var onlyTheRealPage = {
  cacheWillUpdate: function (params) {
    var response = params.response;
    return response && response.status === 200 && !response.redirected ? response : null;
  },
};
// A form opened with a choice in its address (a person, an outbox entry) is the same form
// offline; only the form as it opens plainly is kept.
var oneCopyPerPage = {
  cacheKeyWillBeUsed: function (params) {
    var url = new URL(params.request.url);
    url.search = "";
    return url.href;
  },
  cacheWillUpdate: function (params) {
    return new URL(params.request.url).search ? null : params.response;
  },
};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) {
      return cache.addAll(SHELL);
    })
  );
  // The outbox lives in IndexedDB, not in a cache: a new version may take over at once.
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names
          .filter(function (name) {
            return name.indexOf("iom-static-") === 0 && name !== STATIC_CACHE;
          })
          .map(function (name) {
            return caches.delete(name);
          })
      );
    })
  );
});
workbox.core.clientsClaim();

// The outbox's sender asks for a form (X-Fresh-Form) for a fresh CSRF token: never the kept
// copy, whose old token a phone whose session ended would post (the server refuses it as
// forged, where it should ask to sign in). Without a connection its fetch fails and the record
// waits for the next try.
function mayBeKept(request) {
  return !request.headers.has("X-Fresh-Form");
}

workbox.routing.registerRoute(
  function (options) {
    return options.url.origin === location.origin && options.url.pathname.indexOf(STATIC_PREFIX) === 0;
  },
  new workbox.strategies.CacheFirst({
    cacheName: STATIC_CACHE,
    plugins: [new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] })],
  })
);

workbox.routing.registerRoute(
  function (options) {
    return (
      options.url.origin === location.origin &&
      PAGES.indexOf(options.url.pathname) !== -1 &&
      mayBeKept(options.request)
    );
  },
  new workbox.strategies.NetworkFirst({
    cacheName: PAGES_CACHE,
    networkTimeoutSeconds: 10,
    plugins: [
      onlyTheRealPage,
      oneCopyPerPage,
      new workbox.expiration.ExpirationPlugin({ maxAgeSeconds: 7 * 24 * 60 * 60 }),
    ],
  })
);

workbox.routing.registerRoute(
  function (options) {
    return (
      options.url.origin === location.origin &&
      LISTS.indexOf(options.url.pathname) !== -1 &&
      mayBeKept(options.request)
    );
  },
  new workbox.strategies.NetworkFirst({
    cacheName: LISTS_CACHE,
    networkTimeoutSeconds: 10,
    plugins: [
      onlyTheRealPage,
      new workbox.expiration.ExpirationPlugin({ maxAgeSeconds: 24 * 60 * 60 }),
    ],
  })
);

// Any other page, without a connection: the outbox page (kept above) stands in for it, so the
// user sees what waits and the forms they can open rather than the browser's error.
workbox.routing.registerRoute(function (options) {
  return options.request.mode === "navigate";
}, new workbox.strategies.NetworkOnly());
workbox.routing.setCatchHandler(function (options) {
  if (options.request.mode !== "navigate") {
    return Promise.resolve(Response.error());
  }
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.match(new URL(OUTBOX, location.origin).href).then(function (page) {
      return page || Response.error();
    });
  });
});
{% endautoescape %}
