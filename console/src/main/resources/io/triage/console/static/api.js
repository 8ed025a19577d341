'use strict';
// The pages' one way to the console's API: JSON in and out, the session's CSRF token on every POST, the sign-in
// page when the session is gone.
window.triageApi = (function () {
  let csrf = null;

  async function call(method, path, body) {
    const options = { method, headers: {}, credentials: 'same-origin' };
    if (method === 'POST') {
      options.headers['Content-Type'] = 'application/json';
      options.headers['X-CSRF-Token'] = csrf;
      options.body = JSON.stringify(body || {});
    }
    const response = await fetch(path, options);
    if (response.status === 401) {
      window.location.assign('/login');
      throw new Error('signed out');
    }
    const data = await response.json();
    if (!response.ok) {
      throw new Error(data.error || ('failed: ' + response.status));
    }
    return data;
  }

  /** Reads the session: its CSRF token for later calls, and the reviewer's name shown (as text) in #reviewer. */
  async function start() {
    const session = await call('GET', '/api/session');
    csrf = session.csrf;
    document.getElementById('reviewer').textContent = session.reviewer;
    return session;
  }

  /** Shows an error in #message, as text. */
  function showError(error) {
    const message = document.getElementById('message');
    message.textContent = error ? error.message : '';
    message.hidden = !error;
  }

  return { call, start, showError };
})();
