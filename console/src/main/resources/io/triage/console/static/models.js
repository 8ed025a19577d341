'use strict';
// Everything from the server goes into the page with textContent: shown as text, never parsed as HTML.
(function () {
  const $ = (id) => document.getElementById(id);
  let csrf = null;

  async function call(method, path) {
    const options = { method, headers: {}, credentials: 'same-origin' };
    if (method === 'POST') {
      options.headers['Content-Type'] = 'application/json';
      options.headers['X-CSRF-Token'] = csrf;
      options.body = '{}';
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

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : text;
    row.appendChild(td);
    return td;
  }

  function show(state) {
    $('serving').textContent = state.serving === null ? 'none yet' : 'v' + state.serving;
    $('no-keys').hidden = state.following;
    const t = state.trainer;
    $('trainer').textContent = t.ready === null ? 'not reachable or not configured' : (t.ready ? 'ready' : 'not ready');
    $('retrain').disabled = !t.canRetrain;
    const body = document.querySelector('#versions tbody');
    body.replaceChildren();
    for (const v of state.versions) {
      const row = document.createElement('tr');
      cell(row, 'v' + v.version + (v.version === state.serving ? ' (serving)' : ''));
      cell(row, v.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
      cell(row, v.parentVersion === null ? 'base model' : 'v' + v.parentVersion);
      cell(row, v.trainingMode.toLowerCase());
      cell(row, Object.entries(v.metrics).map(([k, x]) => k + ' ' + x.toFixed(3)).join(', '));
      const link = document.createElement('a');
      link.href = '/models/' + encodeURIComponent(v.version) + '/report.html';
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = 'report.html';
      cell(row, '').appendChild(link);
      body.appendChild(row);
    }
  }

  async function refresh() {
    try {
      show(await call('GET', '/api/models'));
    } catch (e) {
      $('message').textContent = e.message;
      $('message').hidden = false;
    }
  }

  $('retrain').addEventListener('click', async () => {
    $('retrain').disabled = true;
    try {
      const answer = await call('POST', '/api/retrain');
      $('notice').textContent = answer.message;
      $('notice').hidden = false;
      $('message').hidden = true;
    } catch (e) {
      $('message').textContent = e.message;
      $('message').hidden = false;
    }
    refresh();
  });

  async function start() {
    const session = await call('GET', '/api/session');
    csrf = session.csrf;
    $('reviewer').textContent = session.reviewer;
    await refresh();
    setInterval(refresh, 5000);
  }
  start().catch((e) => { $('message').textContent = e.message; $('message').hidden = false; });
})();
