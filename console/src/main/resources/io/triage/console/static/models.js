'use strict';
// Everything from the server goes into the page with textContent: shown as text, never parsed as HTML.
(function () {
  const $ = (id) => document.getElementById(id);
  const { call, start: startSession, showError } = window.triageApi;

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : text;
    row.appendChild(td);
    return td;
  }

  function show(state) {
    $('serving').textContent = state.serving === null ? 'none yet' : state.serving;
    $('no-keys').hidden = state.following;
    const t = state.trainer;
    $('trainer').textContent = t.ready === null ? 'not reachable or not configured' : (t.ready ? 'ready' : 'not ready');
    $('retrain').disabled = !t.canRetrain;
    showInstances(state);
    const body = document.querySelector('#versions tbody');
    body.replaceChildren();
    for (const v of state.versions) {
      const row = document.createElement('tr');
      cell(row, v.version + (v.version === state.serving ? ' (serving)' : ''));
      cell(row, v.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
      cell(row, v.parentVersion === null ? 'base model' : v.parentVersion);
      cell(row, v.trainingMode.toLowerCase());
      cell(row, Object.entries(v.metrics).map(([k, x]) => k + ' ' + x.toFixed(3)).join(', '));
      const link = document.createElement('a');
      link.href = '/models/' + encodeURIComponent(v.version) + '/report.html';
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = 'report.html';
      cell(row, '').appendChild(link);
      const actions = cell(row, '');
      if (v.version !== state.serving) {
        const button = document.createElement('button');
        button.className = 'rollback';
        button.dataset.version = v.version;
        button.textContent = 'Roll back to this version';
        button.disabled = !t.canRetrain;
        button.addEventListener('click', () => rollback(v.version));
        actions.appendChild(button);
      }
      body.appendChild(row);
    }
  }

  // each instance's own answer, shown as text: a version it names, or why there is none
  function showInstances(state) {
    $('no-instances').hidden = state.instancesConfigured;
    $('instances').hidden = !state.instancesConfigured;
    const body = document.querySelector('#instances tbody');
    body.replaceChildren();
    for (const i of state.instances) {
      const row = document.createElement('tr');
      cell(row, i.name);
      cell(row, i.url);
      const serving = cell(row, i.version === null ? i.problem : i.version);
      serving.className = i.version === null ? 'problem' : '';
      body.appendChild(row);
    }
  }

  // Through the console to the trainer, which publishes the version again, signed, like any other update.
  async function rollback(version) {
    if (!window.confirm('Roll back to ' + version + '? The trainer publishes it again and every stream app '
        + 'swaps to it.')) {
      return;
    }
    try {
      const answer = await call('POST', '/api/rollback', { version });
      if (answer.accepted) {
        $('notice').textContent = answer.message;
        $('notice').hidden = false;
        showError(null);
      } else {
        $('notice').hidden = true;
        showError(new Error(answer.message));
      }
    } catch (e) {
      showError(e);
    }
    refresh();
  }

  async function refresh() {
    try {
      show(await call('GET', '/api/models'));
    } catch (e) {
      showError(e);
    }
  }

  $('retrain').addEventListener('click', async () => {
    $('retrain').disabled = true;
    try {
      const answer = await call('POST', '/api/retrain');
      $('notice').textContent = answer.message;
      $('notice').hidden = false;
      showError(null);
    } catch (e) {
      showError(e);
    }
    refresh();
  });

  async function start() {
    await startSession();
    await refresh();
    setInterval(refresh, 5000);
  }
  start().catch(showError);
})();
