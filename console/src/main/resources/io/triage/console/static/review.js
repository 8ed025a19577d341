'use strict';
// Everything from the server is put into the page with textContent: shown as text, never parsed as HTML.
(function () {
  const $ = (id) => document.getElementById(id);
  const { call, start: startSession } = window.triageApi;
  let current = null;
  let busy = false;

  function showMessage(text) {
    $('message').textContent = text;
    $('message').hidden = !text;
  }

  function showCounts(counts) {
    $('waiting').textContent = counts.waiting;
    $('leased').textContent = counts.leased;
    $('done').textContent = counts.done;
  }

  function show(data) {
    showCounts(data.counts);
    if (!current || !data.item || current.eventId !== data.item.eventId) {
      window.triageWhy.hide(); // an explanation belongs to the event it was asked for
    }
    current = data.item;
    $('item').hidden = !current;
    $('empty').hidden = !!current;
    if (!current) {
      return;
    }
    $('event-id').textContent = current.eventId;
    $('model').textContent = current.modelName + ' ' + current.modelVersion;
    $('text').textContent = current.text;
    $('text-pair').hidden = current.textPair === null;
    $('text-pair').textContent = current.textPair === null ? '' : current.textPair;
    $('model-label').textContent = current.label;
    $('model-score').textContent = current.score.toFixed(3);
    const reasons = $('reasons');
    reasons.replaceChildren();
    for (const reason of current.reasons) {
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.textContent = reason.toLowerCase().replace('_', ' ');
      reasons.appendChild(chip);
    }
    const labels = $('labels');
    labels.replaceChildren();
    current.scores.forEach((s, i) => {
      const button = document.createElement('button');
      button.className = 'label' + (s.label === current.label ? ' predicted' : '');
      button.dataset.label = s.label;
      const key = document.createElement('kbd');
      key.textContent = i < 9 ? String(i + 1) : '';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = s.label;
      const bar = document.createElement('span');
      bar.className = 'bar';
      const fill = document.createElement('span');
      fill.style.width = Math.round(s.score * 100) + '%';
      bar.appendChild(fill);
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = s.score.toFixed(3);
      button.append(key, name, bar, score);
      button.addEventListener('click', () => label(s.label));
      labels.appendChild(button);
    });
  }

  async function act(path, body) {
    if (busy) {
      return;
    }
    busy = true;
    try {
      show(await call('POST', path, body));
      showMessage('');
    } catch (e) {
      showMessage(e.message);
    } finally {
      busy = false;
    }
  }

  function label(name) {
    if (current) {
      act('/api/label', { eventId: current.eventId, label: name });
    }
  }

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key >= '1' && event.key <= '9' && current) {
      const s = current.scores[Number(event.key) - 1];
      if (s) {
        label(s.label);
      }
    } else if ((event.key === 's' || event.key === 'S') && current) {
      act('/api/skip', { eventId: current.eventId });
    } else if (event.key === 'u' || event.key === 'U') {
      act('/api/undo');
    } else if ((event.key === 'w' || event.key === 'W') && current) {
      window.triageWhy.explain(current);
    }
  });
  $('skip').addEventListener('click', () => current && act('/api/skip', { eventId: current.eventId }));
  $('undo').addEventListener('click', () => act('/api/undo'));
  $('why-button').addEventListener('click', () => current && window.triageWhy.explain(current));
  $('logout').addEventListener('click', async () => {
    try {
      await call('POST', '/api/logout');
    } finally {
      window.location.assign('/login');
    }
  });

  async function start() {
    await startSession();
    await act('/api/next');
    // while nothing is waiting, look again now and then; a shown event keeps its lease
    setInterval(() => { if (!current) { act('/api/next'); } }, 3000);
  }
  start().catch((e) => showMessage(e.message));
})();
