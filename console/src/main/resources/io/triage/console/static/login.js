'use strict';
// The server redirects a failed sign-in to /login?failed; the page shows a fixed message, nothing from the URL.
if (new URLSearchParams(window.location.search).has('failed')) {
  document.getElementById('failed').hidden = false;
}
