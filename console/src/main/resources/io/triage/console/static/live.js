'use strict';
// Everything from the server goes into the page with textContent: shown as text, never parsed as HTML.
(function () {
  const $ = (id) => document.getElementById(id);
  const { call, start: startSession, showError } = window.triageApi;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function bars(title, entries) {
    const box = el('div', 'bars');
    box.appendChild(el('h3', '', title));
    const max = Math.max(1, ...entries.map(([, n]) => n));
    for (const [name, n] of entries) {
      const row = el('div', 'bar-row');
      row.appendChild(el('span', 'name', name));
      const bar = el('span', 'bar');
      const fill = el('span');
      fill.style.width = Math.round(100 * n / max) + '%';
      bar.appendChild(fill);
      row.appendChild(bar);
      row.appendChild(el('span', 'score', String(n)));
      box.appendChild(row);
    }
    return box;
  }

  function show(live) {
    $('window').textContent = live.windowSeconds;
    $('quiet').hidden = live.versions.length > 0;
    const versions = $('versions');
    versions.replaceChildren();
    for (const v of live.versions) {
      const panel = el('section', 'panel version');
      panel.appendChild(el('h2', '', v.version));
      const figures = el('p', 'counts');
      for (const [name, value] of [['events', v.events], ['events/s', v.eventsPerSecond.toFixed(1)],
        ['p50', v.p50Ms + ' ms'], ['p99', v.p99Ms + ' ms']]) {
        const span = el('span', '', name + ' ');
        span.appendChild(el('strong', '', String(value)));
        figures.appendChild(span);
      }
      panel.appendChild(figures);
      const charts = el('div', 'charts');
      charts.appendChild(bars('labels', Object.entries(v.labels)));
      charts.appendChild(bars('top score', v.confidence.map((n, i) => [(i / 10).toFixed(1) + '-' + ((i + 1) / 10).toFixed(1), n])));
      panel.appendChild(charts);
      versions.appendChild(panel);
    }
    const body = document.querySelector('#dead-letters tbody');
    body.replaceChildren();
    for (const d of live.deadLetters) {
      const row = document.createElement('tr');
      for (const text of [new Date(d.at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'), d.stage, d.message,
        d.source, d.excerpt]) {
        row.appendChild(el('td', '', text));
      }
      body.appendChild(row);
    }
  }

  async function refresh() {
    show(await call('GET', '/api/live'));
  }

  async function start() {
    await startSession();
    await refresh();
    setInterval(() => refresh().catch(showError), 2000);
  }
  start().catch(showError);
})();
