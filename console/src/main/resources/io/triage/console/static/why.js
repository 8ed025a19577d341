'use strict';
// "Why?": asks the console to explain a text under the version that classified it, and shows which tokens pushed
// the chosen label's score up (green) or down (red), the completeness check and the nearest labeled examples.
// Tokens and examples come from hostile input: every one goes into the page with textContent, never as HTML, and
// colours are set through the style object (allowed by the page's Content-Security-Policy, unlike inline styles).
window.triageWhy = (function () {
  const $ = (id) => document.getElementById(id);
  const SPECIAL = new Set(['[CLS]', '[SEP]', '[PAD]', '<s>', '</s>', '<pad>']);
  let shown = null;
  let asked = 0;

  function hide() {
    asked++; // an answer still on its way is for an event no longer shown
    shown = null;
    $('why').hidden = true;
  }

  async function explain(item) {
    const request = ++asked;
    $('why').hidden = false;
    $('why-version').textContent = item.modelName + ' ' + item.modelVersion;
    $('why-busy').hidden = false;
    $('why-error').hidden = true;
    $('why-result').hidden = true;
    try {
      const data = await window.triageApi.call('POST', '/api/explain',
        { version: item.modelVersion, text: item.text, textPair: item.textPair });
      if (request === asked) {
        show(data, item.label);
      }
    } catch (e) {
      if (request === asked) {
        $('why-error').textContent = e.message;
        $('why-error').hidden = false;
      }
    } finally {
      if (request === asked) {
        $('why-busy').hidden = true;
      }
    }
  }

  function show(data, modelLabel) {
    shown = data;
    const select = $('why-label');
    select.replaceChildren();
    for (const l of data.labels) {
      const option = document.createElement('option');
      option.value = l.label;
      option.textContent = l.label + ' (' + l.score.toFixed(3) + ')';
      select.appendChild(option);
    }
    const first = data.labels.some((l) => l.label === modelLabel) ? modelLabel : data.predicted;
    select.value = first;
    render(first);
    nearest(data);
    $('why-result').hidden = false;
  }

  function render(labelName) {
    const l = shown.labels.find((x) => x.label === labelName);
    const max = Math.max(1e-12, ...l.attributions.map(Math.abs));
    const box = $('why-tokens');
    box.replaceChildren();
    shown.tokens.forEach((token, i) => {
      const value = l.attributions[i];
      const piece = token.startsWith('##');
      if (i > 0 && !piece) {
        box.appendChild(document.createTextNode(' '));
      }
      const span = document.createElement('span');
      span.className = 'token ' + (SPECIAL.has(token) ? 'special' : value >= 0 ? 'pos' : 'neg');
      span.textContent = piece ? token.slice(2) : token.replace(/^\u0120/, '');
      span.dataset.attribution = String(value);
      span.title = l.label + ': ' + value.toExponential(2);
      const strength = Math.min(1, Math.abs(value) / max) * 0.85;
      span.style.backgroundColor = value >= 0
        ? 'rgba(22, 163, 74, ' + strength.toFixed(3) + ')' : 'rgba(220, 38, 38, ' + strength.toFixed(3) + ')';
      box.appendChild(span);
    });
    $('why-scores').textContent = 'Score of ' + l.label + ': ' + l.score.toFixed(4) + ' for this text, '
      + l.baselineScore.toFixed(4) + ' for the baseline (every token replaced by padding).'
      + (shown.truncated ? ' The text is longer than the model reads: only what it read is shown.' : '')
      + (shown.model.headTrained ? '' : ' This version\'s classification head was never trained: its scores, and '
        + 'so these attributions, mean nothing yet.');
    const gap = $('why-gap');
    gap.dataset.gap = String(shown.maxAbsGap);
    gap.textContent = 'Completeness check: the attributions add up to ' + l.sum.toFixed(5) + ', the score moved '
      + (l.score - l.baselineScore).toFixed(5) + ': gap ' + l.gap.toExponential(2) + ' (largest over all labels '
      + shown.maxAbsGap.toExponential(2) + '; ' + shown.method + ', ' + shown.steps + ' steps, '
      + shown.millis + ' ms).';
  }

  function nearest(data) {
    const list = $('why-nearest');
    list.replaceChildren();
    const note = $('why-nearest-note');
    note.hidden = data.nearest.length > 0;
    note.textContent = 'No labeled examples on the feedback topic yet.';
    for (const n of data.nearest) {
      const item = document.createElement('li');
      const label = document.createElement('span');
      label.className = 'chip';
      label.textContent = n.label;
      const similarity = document.createElement('span');
      similarity.className = 'hint';
      similarity.textContent = ' similarity ' + n.similarity.toFixed(3) + ' ';
      const text = document.createElement('span');
      text.className = 'example';
      text.textContent = n.textPair === null ? n.text : n.text + ' ‖ ' + n.textPair;
      item.append(label, similarity, text);
      list.appendChild(item);
    }
    if (data.nearest.length > 0) {
      note.hidden = false;
      note.textContent = 'Among the ' + data.examplesSearched + ' most recently labeled examples the console keeps, '
        + 'by cosine similarity of the pooled features ' + data.model.version + ' gives the classification head.';
    }
  }

  $('why-label').addEventListener('change', (event) => shown && render(event.target.value));
  return { explain, hide };
})();
