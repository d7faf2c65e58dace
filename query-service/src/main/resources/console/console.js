// MemoRAG web console: plain JavaScript, no build step, nothing loaded from the network.
// Every call goes to this origin: the query service answers /v1/corpora/{c}/ask and /ws itself and forwards the
// ingest gateway's corpus, document and status routes (and /ingest/ready) to the gateway.
'use strict';
(() => {
  /** How often an upload's status is polled: the same interval as `memorag ingest`. */
  const POLL_MS = 500;
  /** How often the document list, memory and readiness are refreshed. */
  const LIVE_MS = 1000;
  const STAGES = ['sent', 'admitted', 'chunked', 'memorized'];
  const $ = id => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children.filter(c => c !== null && c !== undefined));
    return node;
  };
  const sleep = ms => new Promise(r => setTimeout(r, ms));

  const state = {
    token: null, admin: false, corpora: [], corpus: null, docs: new Map(),
    socket: null, socketKey: null, counter: 0, current: null, live: null, refreshing: false,
    history: JSON.parse(sessionStorage.getItem('memorag.history') || '[]'),
  };
  // test and measurement hooks: what the page did and when (performance.now() milliseconds)
  window.memorag = { uploads: {}, asks: [] };

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** One call to the API; a non-2xx answer throws the API's own error code and message. */
  async function api(method, path, { body, headers = {}, raw = false } = {}) {
    const h = { ...headers };
    if (state.token) h.authorization = 'Bearer ' + state.token;
    let res;
    try {
      res = await fetch(path, { method, headers: h, body, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'the service did not answer (' + e.message + ')');
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON: shown as text below */ }
    if (raw) return { status: res.status, json };
    if (!res.ok) {
      const err = json && json.error;
      throw new ApiError(res.status, err ? err.code : 'HTTP ' + res.status,
        err ? err.message : (text.slice(0, 300) || res.statusText));
    }
    return json;
  }

  function describe(e) {
    if (e instanceof ApiError) return (e.status ? e.status + ' ' : '') + e.code + ': ' + e.message;
    return 'Error: ' + (e && e.message ? e.message : String(e));
  }

  function showError(e) {
    $('alert-text').textContent = typeof e === 'string' ? e : describe(e);
    $('alert').hidden = false;
  }

  function clearError() {
    $('alert').hidden = true;
    $('alert-text').textContent = '';
  }

  window.addEventListener('error', e => showError('Error in the page: ' + e.message));
  window.addEventListener('unhandledrejection', e => showError(e.reason));
  $('alert-close').addEventListener('click', clearError);

  const corpusPath = (suffix = '') => '/v1/corpora/' + encodeURIComponent(state.corpus) + suffix;
  const docPath = doc => corpusPath('/documents/' + encodeURIComponent(doc));

  // ---------------------------------------------------------------- sign-in and corpora

  async function signIn(token) {
    clearError();
    state.token = token;
    let reply;
    try {
      reply = await api('GET', '/v1/corpora');
    } catch (e) {
      state.token = null;
      sessionStorage.removeItem('memorag.token');
      showError(e);
      return false;
    }
    sessionStorage.setItem('memorag.token', token);
    state.admin = reply.admin;
    state.corpora = reply.corpora.map(c => c.id);
    $('signin-section').hidden = true;
    $('app').hidden = false;
    $('who').hidden = false;
    $('who-text').textContent = state.admin ? 'Signed in with the admin token' : 'Signed in with a corpus token';
    $('corpora-section').hidden = !state.admin;
    const saved = sessionStorage.getItem('memorag.corpus');
    renderCorpora();
    selectCorpus(state.corpora.includes(saved) ? saved : state.corpora[0] || null);
    return true;
  }

  function signOut() {
    sessionStorage.removeItem('memorag.token');
    sessionStorage.removeItem('memorag.corpus');
    location.reload();
  }

  function renderCorpora() {
    $('corpus-select').replaceChildren(...state.corpora.map(id => el('option', { value: id, textContent: id })));
    $('corpora').replaceChildren(...state.corpora.map(id => el('li', {},
      el('button', { type: 'button', textContent: id, onclick: () => selectCorpus(id) }))));
    if (!state.corpora.length) $('corpora').replaceChildren(el('li', { className: 'hint', textContent: 'No corpora yet: create one.' }));
    markSelected();
  }

  function markSelected() {
    $('corpus-select').value = state.corpus || '';
    for (const b of $('corpora').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.textContent === state.corpus));
  }

  function selectCorpus(id) {
    if (state.socket) state.socket.close(1000);
    state.socket = null;
    state.corpus = id;
    state.docs = new Map();
    if (id) sessionStorage.setItem('memorag.corpus', id);
    markSelected();
    $('documents-corpus').textContent = id || '(none)';
    $('uploads').replaceChildren();
    $('documents').tBodies[0].replaceChildren();
    $('memory').replaceChildren();
    for (const s of ['documents-section', 'memory-section', 'ask-section']) $(s).hidden = !id;
    clearAnswer();
    renderHistory();
    clearInterval(state.live);
    if (id) {
      refresh();
      state.live = setInterval(refresh, LIVE_MS);
    }
  }

  async function createCorpus(id) {
    clearError();
    try {
      const created = await api('POST', '/v1/corpora', {
        body: JSON.stringify({ id }), headers: { 'content-type': 'application/json' },
      });
      $('new-token-corpus').textContent = created.corpus;
      $('new-token-value').textContent = created.token;
      $('copy-state').textContent = '';
      $('new-token').hidden = false;
      $('new-corpus').value = '';
      if (!state.corpora.includes(created.corpus)) state.corpora.push(created.corpus);
      state.corpora.sort();
      selectCorpus(created.corpus);
      renderCorpora();
    } catch (e) {
      showError(e);
    }
  }

  async function copyToken() {
    const token = $('new-token-value').textContent;
    try {
      await navigator.clipboard.writeText(token);
      $('copy-state').textContent = 'Copied.';
    } catch (e) {
      // no clipboard permission (plain http on another host): select it for Ctrl-C
      const range = document.createRange();
      range.selectNodeContents($('new-token-value'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      $('copy-state').textContent = 'Selected: press Ctrl-C (the browser refused clipboard access).';
    }
  }

  // ---------------------------------------------------------------- live view: documents, memory, readiness

  async function refresh() {
    if (state.refreshing || !state.corpus) return;
    state.refreshing = true;
    const corpus = state.corpus;
    try {
      const [list, status] = await Promise.all([api('GET', corpusPath('/documents')), api('GET', corpusPath('/status'))]);
      if (corpus !== state.corpus) return;
      renderDocuments(list.documents);
      renderMemory(status);
    } catch (e) {
      if (corpus === state.corpus) showError(e);
      if (e.status === 401) clearInterval(state.live);
    } finally {
      state.refreshing = false;
    }
    renderReady(await Promise.all([api('GET', '/ready', { raw: true }), api('GET', '/ingest/ready', { raw: true })]
      .map(p => p.catch(e => ({ status: 0, json: { status: describe(e) } })))));
  }

  function renderDocuments(docs) {
    state.docs = new Map(docs.map(d => [d.doc, d]));
    // a deleted document stays (as "deleting") until a worker applied the delete: then its passages are out of
    // retrieval, and it leaves the list
    const rows = docs.filter(d => d.stage !== 'deleted').map(d => {
      const stage = el('td', { className: 'stage-' + d.stage,
        textContent: d.op === 'delete' ? 'deleting (' + d.stage + ')' : d.stage });
      if (d.lastRejection) stage.append(el('div', { className: 'hint', textContent: 'last refusal: ' + d.lastRejection.code + ': ' + d.lastRejection.message }));
      const del = el('button', { type: 'button', textContent: 'Delete', onclick: () => deleteDocument(d.doc) });
      del.setAttribute('aria-label', 'Delete ' + d.doc);
      const tr = el('tr', {},
        el('th', { scope: 'row', textContent: d.doc }),
        el('td', { className: 'num', textContent: d.chars ? size(d.chars) : '—' }),
        el('td', { className: 'num', textContent: d.stage === 'memorized' ? String(d.chunks) : '…' }),
        stage,
        el('td', { className: 'num', textContent: d.version ? String(d.version) : '—' }),
        el('td', {}, d.op === 'upsert' ? del : null));
      tr.dataset.doc = d.doc;
      return tr;
    });
    $('documents').tBodies[0].replaceChildren(...rows);
    $('no-documents').hidden = rows.length > 0;
  }

  function size(chars) {
    return chars < 1000 ? chars + ' chars' : chars < 1e6 ? (chars / 1000).toFixed(1) + ' k chars' : (chars / 1e6).toFixed(2) + ' M chars';
  }

  function renderMemory(s) {
    const m = s.memory;
    const facts = [['Documents', s.documents], ['Pending (not yet memorized)', s.pending]];
    if (m) {
      facts.push(['Memory backend', m.backend], ['Passages', m.chunks], ['Retriever tokens', m.tokens],
        ['Memory tokens', m.memoryTokens], ['Windows', m.windows], ['Lag (tokens not memorized)', m.lag],
        ['Stale (rebuild in progress)', m.stale ? 'yes' : 'no']);
    } else {
      facts.push(['Memory', 'no document has reached memory yet']);
    }
    $('memory').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { textContent: k }),
      el('dd', { textContent: String(v) })]));
  }

  function renderReady([query, ingest]) {
    const block = (name, r) => {
      const parts = (r.json && r.json.parts) || {};
      const status = (r.json && r.json.status) || 'HTTP ' + r.status;
      return [el('div', {}, el('strong', { textContent: name + ': ' }), el('span', { className: 'state-' + status, textContent: status })),
        el('ul', {}, ...Object.entries(parts).map(([part, p]) => el('li', {}, part + ' ',
          el('span', { className: 'state-' + p.state, textContent: p.state }), p.detail ? ' (' + p.detail + ')' : '')))];
    };
    $('ready').replaceChildren(...block('Query service', query), ...block('Ingest gateway', ingest));
  }

  // ---------------------------------------------------------------- uploads

  function uploadFiles(files) {
    const t0 = performance.now(); // the drop (or the pick): what the user waits from
    for (const file of files) upload(file, t0);
  }

  async function upload(file, t0) {
    const corpus = state.corpus;
    const id = file.name;
    const before = state.docs.get(id);
    const bar = el('progress', { max: STAGES.length - 1, value: 0 });
    bar.setAttribute('aria-label', 'Progress of ' + id);
    const stage = el('div', { className: 'stage' });
    const item = el('li', {}, el('span', { className: 'name', textContent: id }), bar, stage);
    item.dataset.doc = id;
    $('uploads').prepend(item);
    const record = window.memorag.uploads[id] = { t0, stages: {} };
    const show = (name, text) => {
      item.className = name;
      item.dataset.stage = name;
      record.stages[name] = performance.now() - t0;
      if (STAGES.includes(name)) bar.value = STAGES.indexOf(name);
      stage.textContent = text || name;
    };
    show('sending', 'sending ' + size(file.size).replace('chars', 'bytes') + '…');
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      await api('PUT', '/v1/corpora/' + encodeURIComponent(corpus) + '/documents/' + encodeURIComponent(id), { body: form });
    } catch (e) {
      show('rejected', 'rejected: ' + describe(e));
      return;
    }
    show('sent', 'sent; waiting for admission');
    // poll at once, then every POLL_MS: the same rhythm as `memorag ingest`
    for (let first = true; corpus === state.corpus; first = false) {
      if (!first) await sleep(POLL_MS);
      let s;
      try {
        s = await api('GET', '/v1/corpora/' + encodeURIComponent(corpus) + '/documents/' + encodeURIComponent(id));
      } catch (e) {
        if (e.status === 404) continue; // admission has not seen it yet
        stage.textContent = 'status unavailable: ' + describe(e);
        if (e.status === 401 || e.status === 403) return;
        continue;
      }
      const waited = performance.now() - t0;
      const refusedAgain = before && s.lastRejection && s.updatedAt > before.updatedAt && s.version === before.version;
      const newVersion = !before || s.version > before.version;
      if (s.stage === 'rejected' || refusedAgain) {
        show('rejected', 'rejected: ' + s.lastRejection.code + ': ' + s.lastRejection.message);
        return;
      }
      if (!newVersion && waited < 5000) continue; // the old version's status; an identical re-send keeps it
      const extra = s.stage === 'memorized' ? ' in ' + (waited / 1000).toFixed(1) + ' s · ' + s.chunks + (s.chunks === 1 ? ' passage' : ' passages') + ' · version ' + s.version : '';
      show(s.stage, s.stage + extra);
      if (s.stage === 'memorized' || s.stage === 'deleted') {
        record.memorizedMs = waited;
        item.dataset.ms = String(Math.round(waited));
        return;
      }
    }
  }

  async function deleteDocument(doc) {
    if (!confirm('Delete "' + doc + '" from ' + state.corpus + '? Its passages leave retrieval at once.')) return;
    try {
      await api('DELETE', docPath(doc));
      refresh();
    } catch (e) {
      showError(e);
    }
  }

  const drop = $('drop');
  drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', e => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer && e.dataTransfer.files.length) uploadFiles([...e.dataTransfer.files]);
  });
  $('files').addEventListener('change', e => {
    uploadFiles([...e.target.files]);
    e.target.value = '';
  });

  // ---------------------------------------------------------------- asking

  function openSocket() {
    const key = state.corpus + '\n' + state.token;
    if (state.socket && state.socketKey === key && state.socket.readyState <= 1) {
      return state.socket.readyState === 1 ? Promise.resolve(state.socket)
        : new Promise((resolve, reject) => {
          state.socket.addEventListener('open', () => resolve(state.socket));
          state.socket.addEventListener('error', () => reject(new Error('the answer socket did not open')));
        });
    }
    if (state.socket) state.socket.close(1000);
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + corpusPath('/ws')
      + '?access_token=' + encodeURIComponent(state.token);
    const socket = new WebSocket(url);
    state.socket = socket;
    state.socketKey = key;
    socket.onmessage = e => onFrame(JSON.parse(e.data));
    socket.onclose = e => {
      if (state.socket === socket) state.socket = null;
      if (e.code !== 1000 && state.current) {
        askStatus('the answer socket closed (' + e.code + (e.reason ? ': ' + e.reason : '') + ')', true);
        finishAsk('error');
      }
    };
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(socket);
      // a refused upgrade tells the browser nothing: ask the HTTP API why
      socket.onerror = async () => {
        let why = 'the answer socket did not open';
        try { await api('GET', corpusPath('/status')); } catch (e) { why = describe(e); }
        reject(new Error(why));
      };
    });
  }

  function askStatus(text, error) {
    $('ask-status').textContent = text;
    $('ask-status').className = error ? 'error' : '';
  }

  function clearAnswer() {
    for (const id of ['answer', 'backend', 'clues', 'evidence']) $(id).replaceChildren();
    askStatus('');
  }

  let current = null; // {ref, question, evidence, answer, tokens, t0}

  async function ask(question) {
    clearError();
    clearAnswer();
    askStatus('connecting…');
    const ref = 'q' + (++state.counter) + '-' + Date.now().toString(36);
    current = { ref, question, evidence: [], answer: '', tokens: 0, clues: [], t0: performance.now(), corpus: state.corpus };
    state.current = ref;
    window.memorag.asks.push({ ref, question, t0: current.t0 });
    $('send').disabled = true;
    $('cancel').disabled = false;
    try {
      const ws = await openSocket();
      if (state.current !== ref) return; // cancelled while connecting
      const topK = Number($('topk').value) || 3;
      ws.send(JSON.stringify({ type: 'ask', ref, question, topK }));
      askStatus('recalling clues…');
    } catch (e) {
      askStatus(e.message, true);
      finishAsk('error', e.message);
    }
  }

  function onFrame(frame) {
    const rec = window.memorag.asks.find(a => a.ref === frame.ref);
    if (rec && frame.type === 'error' && frame.error.code === 'CANCELLED') rec.cancelAcknowledged = true;
    if (!current || frame.ref !== current.ref) return; // a cancelled question's late frames
    if (rec && !rec[frame.type]) rec[frame.type] = performance.now() - current.t0;
    if (frame.type === 'clues') {
      current.clues = frame.clues;
      $('clues').replaceChildren(...frame.clues.map(c => el('li', { textContent: c })));
      askStatus('retrieving evidence…');
    } else if (frame.type === 'evidence') {
      current.evidence = frame.evidence;
      renderEvidence(current.evidence, current.answer);
      askStatus('answering…');
    } else if (frame.type === 'token') {
      current.tokens++;
      current.answer += frame.text;
      $('answer').textContent = current.answer;
      $('answer').dataset.tokens = String(current.tokens);
      askStatus('answering… (' + current.tokens + ' token frames)');
      renderEvidence(current.evidence, current.answer);
    } else if (frame.type === 'done') {
      const a = frame.answer;
      current.answer = a.answer;
      if (a.evidence) current.evidence = a.evidence;
      if (a.clues) current.clues = a.clues;
      $('answer').textContent = a.answer;
      showBackend(a);
      renderEvidence(current.evidence, current.answer);
      askStatus('done');
      finishAsk('done', null, a);
    } else if (frame.type === 'error') {
      askStatus(frame.error.code + ': ' + frame.error.message, true);
      finishAsk(frame.error.code === 'CANCELLED' ? 'cancelled' : 'error', frame.error.code + ': ' + frame.error.message);
    }
  }

  function showBackend(a) {
    const m = a.memory || {};
    $('backend').textContent = 'memory backend: ' + m.backend + ' · generator: ' + a.generator
      + (a.timings && a.timings.totalMs !== undefined ? ' · ' + a.timings.totalMs + ' ms' : '')
      + (m.stale ? ' · memory stale (rebuilding)' : '');
  }

  function finishAsk(outcome, error, answer) {
    if (!current) return;
    state.history.unshift({ question: current.question, corpus: current.corpus, outcome, error,
      answer: answer || { answer: current.answer, clues: current.clues, evidence: current.evidence },
      at: new Date().toISOString() });
    state.history = state.history.slice(0, 50);
    sessionStorage.setItem('memorag.history', JSON.stringify(state.history));
    renderHistory();
    current = null;
    state.current = null;
    $('send').disabled = false;
    $('cancel').disabled = true;
  }

  function cancel() {
    if (!current) return;
    const ref = current.ref;
    if (state.socket && state.socket.readyState === 1) state.socket.send(JSON.stringify({ type: 'cancel', ref }));
    askStatus('cancelled');
    finishAsk('cancelled', 'cancelled by you');
  }

  function renderHistory() {
    const mine = state.history.filter(h => h.corpus === state.corpus);
    $('history').replaceChildren(...mine.map(h => el('li', {},
      el('button', { type: 'button', textContent: h.question, onclick: () => replay(h) }),
      el('span', { className: 'meta', textContent: ' · ' + h.outcome + ' · ' + new Date(h.at).toLocaleTimeString() }))));
    if (!mine.length) $('history').replaceChildren(el('li', { className: 'hint', textContent: 'Questions of this session appear here.' }));
  }

  function replay(h) {
    clearAnswer();
    $('question').value = h.question;
    $('answer').textContent = h.answer.answer || '';
    $('clues').replaceChildren(...(h.answer.clues || []).map(c => el('li', { textContent: c })));
    renderEvidence(h.answer.evidence || [], h.answer.answer || '');
    if (h.answer.generator) showBackend(h.answer);
    askStatus(h.outcome + (h.error ? ': ' + h.error : '') + ' (from the history of this session)', h.outcome === 'error');
  }

  // ---------------------------------------------------------------- evidence highlighting

  /** The answer's sentences: what an extractive (or grounded) answer copies from the passages. */
  function sentences(answer) {
    return answer.split(/(?<=[.!?…])\s+|\n+/).map(s => s.trim()).filter(s => s.length >= 12);
  }

  /** The passage with whitespace runs collapsed, and where each of its characters came from. */
  function normalized(text) {
    let out = '';
    const at = [];
    for (let i = 0; i < text.length; i++) {
      const space = /\s/.test(text[i]);
      if (space && (out.endsWith(' ') || out === '')) continue;
      out += space ? ' ' : text[i];
      at.push(i);
    }
    return { out, at };
  }

  /**
   * Character ranges of a passage to highlight: the evidence's own offsets where the service sends them
   * (`highlights: [{start, end}]` within the passage text), else every place an answer sentence occurs in it.
   */
  function ranges(ev, answer) {
    if (Array.isArray(ev.highlights) && ev.highlights.length) {
      return merge(ev.highlights.map(h => [h.start, h.end]).filter(([s, e]) => s >= 0 && e > s && e <= ev.text.length), ev.text);
    }
    const { out, at } = normalized(ev.text);
    const hay = out.toLowerCase();
    const found = [];
    for (const s of sentences(answer)) {
      const needle = s.replace(/\s+/g, ' ').toLowerCase();
      for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) {
        found.push([at[i], at[i + needle.length - 1] + 1]);
      }
    }
    return merge(found, ev.text);
  }

  /** Sorted, overlapping ranges joined; with the text, ranges apart by whitespace only are joined too. */
  function merge(list, text) {
    list.sort((a, b) => a[0] - b[0]);
    const out = [];
    for (const r of list) {
      const last = out[out.length - 1];
      if (last && (r[0] <= last[1] || (text && /^\s*$/.test(text.slice(last[1], r[0]))))) last[1] = Math.max(last[1], r[1]);
      else out.push([...r]);
    }
    return out;
  }

  function highlighted(text, marks) {
    const frag = document.createDocumentFragment();
    let pos = 0;
    for (const [s, e] of marks) {
      if (s > pos) frag.append(text.slice(pos, s));
      frag.append(el('mark', { textContent: text.slice(s, e) }));
      pos = e;
    }
    if (pos < text.length) frag.append(text.slice(pos));
    return frag;
  }

  function renderEvidence(evidence, answer) {
    $('evidence').replaceChildren(...evidence.map(ev => {
      const marks = ranges(ev, answer);
      const where = ev.doc + ' · passage ' + ev.index + (typeof ev.score === 'number' ? ' · score ' + ev.score.toFixed(3) : '')
        + (ev.start !== undefined && ev.end !== undefined ? ' · characters ' + ev.start + '–' + ev.end : '');
      const open = el('a', { href: '#', textContent: 'open in ' + ev.doc, onclick: e => { e.preventDefault(); openPassage(ev, answer); } });
      const li = el('li', {}, el('div', { className: 'where', textContent: where + ' · ' }, open),
        el('div', { className: 'text' }, highlighted(ev.text, marks)));
      li.dataset.doc = ev.doc;
      li.dataset.marks = String(marks.length);
      return li;
    }));
  }

  /**
   * Opens the document at the passage. The service stores passages, not whole documents, and has no route for a
   * document's text: the dialog shows the passage (highlighted) with its place in the document, and the document's
   * row in the list is marked.
   */
  function openPassage(ev, answer) {
    $('passage-title').textContent = ev.doc + ' · passage ' + ev.index;
    const d = state.docs.get(ev.doc);
    $('passage-note').textContent = 'Passage ' + ev.index + (d && d.chunks ? ' of ' + d.chunks : '')
      + (ev.start !== undefined ? ', characters ' + ev.start + '–' + ev.end : '')
      + ' of the document' + (d ? ' (version ' + d.version + ', ' + size(d.chars || 0) + ')' : ' (no longer in the corpus)')
      + '. The service keeps passages, not whole documents, so this is the passage the answer used.';
    $('passage-text').replaceChildren(highlighted(ev.text, ranges(ev, answer)));
    for (const tr of $('documents').tBodies[0].rows) tr.classList.toggle('highlight', tr.dataset.doc === ev.doc);
    $('passage-dialog').showModal();
  }

  // ---------------------------------------------------------------- wiring

  $('signin').addEventListener('submit', e => {
    e.preventDefault();
    signIn($('token').value.trim()).then(ok => { if (ok) $('token').value = ''; });
  });
  $('signout').addEventListener('click', signOut);
  $('corpus-select').addEventListener('change', e => selectCorpus(e.target.value));
  $('create').addEventListener('submit', e => { e.preventDefault(); createCorpus($('new-corpus').value.trim()); });
  $('copy-token').addEventListener('click', copyToken);
  $('ask').addEventListener('submit', e => {
    e.preventDefault();
    const q = $('question').value.trim();
    if (q) ask(q);
  });
  $('question').addEventListener('keydown', e => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('ask').requestSubmit();
  });
  $('cancel').addEventListener('click', cancel);

  const saved = sessionStorage.getItem('memorag.token');
  if (saved) signIn(saved);
  else $('token').focus();
})();
