// The operator page: the transactions list over the admin API (contract section 6), with Retrieve, Post and the
// captured events of a transaction with Replay. Plain browser JavaScript, no build step, no dependencies.
// Everything shown comes from the API and is written with textContent, never as HTML.
'use strict';

const TOKEN_KEY = 'refundsync.adminToken';
const REFRESH_MS = 5000;
const PAGE_SIZE = 50;

const $ = (selector) => document.querySelector(selector);

const state = {
  accounts: [],
  nextCursor: null,
  selectedId: null,
  refreshTimer: null,
  refreshing: false,    // a refresh is outstanding
  refreshAgain: false,  // asked for while it was: run once more after it
};

// --- The token: asked once per browser session --------------------------------------------------------------

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let payload = null;
  try {
    payload = await response.json();
  } catch (_) {
    // Not JSON: reported below with the status alone.
  }
  if (response.status === 401) {
    signOut('The token was not accepted. Enter it again.');
    throw new ApiError(401, 'unauthorized', 'not signed in');
  }
  if (!response.ok) {
    const error = payload && payload.error ? payload.error : { code: `http_${response.status}`, message: response.statusText };
    throw new ApiError(response.status, error.code, error.message);
  }
  return payload;
}

function showSignIn(reason) {
  $('#app').hidden = true;
  $('#sign-out').hidden = true;
  $('#signed-in-as').textContent = '';
  $('#sign-in').hidden = false;
  $('#sign-in-error').textContent = reason || '';
  $('#token').focus();
}

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  stopAutoRefresh();
  showSignIn(reason);
}

async function signIn(event) {
  event.preventDefault();
  const value = $('#token').value.trim();
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  try {
    await start();
    $('#token').value = '';
  } catch (error) {
    if (error.status !== 401) $('#sign-in-error').textContent = `The service did not answer: ${error.message}`;
  }
}

// --- Formatting ----------------------------------------------------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function badge(status) {
  return el('span', { className: `badge ${status}` }, status);
}

function formatTime(ms) {
  if (!ms) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function formatAmount(tx) {
  return tx.amount_decimal ? `${tx.amount_decimal} ${tx.amount.currency}` : '';
}

function say(text, bad = false) {
  const message = $('#message');
  message.textContent = text;
  message.classList.toggle('bad', bad);
}

// --- The transactions list -----------------------------------------------------------------------------------

function filterQuery() {
  const params = new URLSearchParams();
  for (const [name, field] of [['status', '#filter-status'], ['account', '#filter-account'], ['order_id', '#filter-order']]) {
    const value = $(field).value.trim();
    if (value) params.set(name, value);
  }
  const hours = Number($('#filter-since').value);
  if (hours) params.set('since', new Date(Date.now() - hours * 3600 * 1000).toISOString());
  params.set('limit', String(PAGE_SIZE));
  return params;
}

function canPost(tx) {
  return tx.status === 'imported' || tx.status === 'failed';
}

function resultCell(tx) {
  if (tx.status === 'failed' && tx.error) {
    return el('td', { className: 'row-error' }, el('code', {}, tx.error.code), ': ', tx.error.message);
  }
  if (tx.status === 'skipped') {
    const last = tx.history && tx.history.length ? tx.history[tx.history.length - 1].note : '';
    return el('td', { className: 'muted' }, last);
  }
  return el('td', {}, tx.target_record || '');
}

function transactionRow(tx) {
  const post = el('button', { type: 'button', className: 'post operator-only', disabled: !canPost(tx) }, 'Post');
  post.addEventListener('click', (event) => {
    event.stopPropagation();
    postTransaction(tx.id, post);
  });
  const events = el('button', { type: 'button', className: 'events' }, 'Events');
  events.addEventListener('click', (event) => {
    event.stopPropagation();
    showDetails(tx.id);
  });
  const row = el('tr', {},
    el('td', {}, formatTime(tx.updated_ms)),
    el('td', {}, tx.account),
    el('td', {}, tx.order_id),
    el('td', {}, el('code', {}, tx.source_record)),
    el('td', { className: 'num' }, formatAmount(tx)),
    el('td', {}, badge(tx.status)),
    resultCell(tx),
    el('td', {}, el('div', { className: 'actions' }, post, events)));
  row.dataset.id = tx.id;
  row.dataset.sourceRecord = tx.source_record;
  row.dataset.status = tx.status;
  row.classList.toggle('selected', tx.id === state.selectedId);
  row.addEventListener('click', () => showDetails(tx.id));
  return row;
}

// Reloads the first page (and, on auto-refresh, keeps what the operator is looking at).
async function loadTransactions() {
  const page = await api('GET', `/api/transactions?${filterQuery()}`);
  const body = $('#transactions tbody');
  body.replaceChildren(...page.items.map(transactionRow));
  state.nextCursor = page.next_cursor;
  $('#more').hidden = !state.nextCursor;
  $('#empty').hidden = page.items.length > 0;
}

async function loadMore() {
  if (!state.nextCursor) return;
  const query = filterQuery();
  query.set('cursor', state.nextCursor);
  const page = await api('GET', `/api/transactions?${query}`);
  $('#transactions tbody').append(...page.items.map(transactionRow));
  state.nextCursor = page.next_cursor;
  $('#more').hidden = !state.nextCursor;
}

// One refresh at a time: a slow list must not pile up requests every 5 s. The timer skips a beat while one is
// outstanding; a change made meanwhile (a filter, the Refresh button) runs once more after it, so the page ends
// up showing what was asked last.
async function refresh() {
  if (state.refreshing) {
    state.refreshAgain = true;
    return;
  }
  state.refreshing = true;
  try {
    do {
      state.refreshAgain = false;
      await loadTransactions();
      if (state.selectedId) await showDetails(state.selectedId, { quiet: true });
    } while (state.refreshAgain);
  } catch (error) {
    if (error.status !== 401) say(`Could not load the transactions: ${error.message}`, true);
  } finally {
    state.refreshing = false;
  }
}

function autoRefresh() {
  if (!state.refreshing) refresh();
}

function startAutoRefresh() {
  stopAutoRefresh();
  if ($('#auto-refresh').checked) state.refreshTimer = setInterval(autoRefresh, REFRESH_MS);
}

function stopAutoRefresh() {
  if (state.refreshTimer) clearInterval(state.refreshTimer);
  state.refreshTimer = null;
}

// --- Post ----------------------------------------------------------------------------------------------------

async function postTransaction(id, button) {
  button.disabled = true;
  say(`Posting ${id}…`);
  try {
    const result = await api('POST', `/api/transactions/${encodeURIComponent(id)}/post`);
    const tx = result.transaction;
    if (result.note) {
      say(`${id}: ${result.note}.`);
    } else if (tx.status === 'posted') {
      say(`${id} posted as ${tx.target_record}.`);
    } else {
      const error = tx.error ? `${tx.error.code}: ${tx.error.message}` : tx.status;
      say(`${id} was not posted — ${error}`, true);
    }
  } catch (error) {
    if (error.status !== 401) say(`Post failed: ${error.message}`, true);
  }
  await refresh();
}

// --- Details: facts, history, captured events with Replay ------------------------------------------------------

// The captured events that mention this refund: the storefront order for storefront refunds (eBay signals only
// order changes), the NetSuite record for NetSuite ones (`contains` matches whole tokens: 456 is not 4567).
function eventsQuery(tx) {
  const params = new URLSearchParams({ limit: '20' });
  const [system, , recordId] = tx.source_record.split(':');
  if (system === 'netsuite') {
    params.set('source', 'netsuite');
    params.set('contains', recordId);
  } else {
    params.set('account', tx.account);
    params.set('contains', tx.order_id);
  }
  return params;
}

// A narrow filter may come back short with a cursor (the server bounds each scan): follow it a few pages.
async function capturedEvents(tx) {
  const query = eventsQuery(tx);
  const items = [];
  for (let page = 0; page < 5 && items.length < 20; page += 1) {
    const result = await api('GET', `/api/events?${query}`);
    items.push(...result.items);
    if (!result.next_cursor) break;
    query.set('cursor', result.next_cursor);
  }
  return { items };
}

function eventRow(event) {
  const replay = el('button', { type: 'button', className: 'replay operator-only', disabled: event.verdict === 'rejected' },
    'Replay');
  replay.addEventListener('click', () => replayEvent(event.id, replay));
  return el('tr', {},
    el('td', {}, event.received_at.replace('T', ' ').slice(0, 19)),
    el('td', {}, event.source),
    el('td', {}, badge(event.verdict)),
    el('td', {}, event.reason || ''),
    el('td', {}, el('code', {}, event.id)),
    el('td', {}, replay));
}

async function showDetails(id, { quiet = false } = {}) {
  state.selectedId = id;
  for (const row of document.querySelectorAll('#transactions tbody tr')) {
    row.classList.toggle('selected', row.dataset.id === id);
  }
  try {
    const tx = await api('GET', `/api/transactions/${encodeURIComponent(id)}`);
    $('#details-title').textContent = `${tx.source_record} (${tx.status})`;
    const facts = [
      ['Transaction', tx.id], ['Account', tx.account], ['Direction', tx.direction], ['Order', tx.order_id],
      ['Sales order', tx.sales_order], ['Billed record', tx.billed_record], ['Target record', tx.target_record],
      ['Amount', formatAmount(tx)], ['Attempts', tx.attempts],
      ['Error', tx.error ? `${tx.error.code}: ${tx.error.message}` : ''],
    ];
    $('#details-facts').replaceChildren(...facts.filter(([, value]) => value !== '' && value !== undefined)
      .flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
    $('#details-history').replaceChildren(...tx.history.map((entry) =>
      el('li', {}, `${formatTime(entry.at_ms)} `, badge(entry.status), ` ${entry.note}`)));
    const events = await capturedEvents(tx);
    $('#events-title').textContent = `Captured events mentioning ${tx.source_record.startsWith('netsuite:')
      ? `NetSuite record ${tx.source_record.split(':')[2]}` : `order ${tx.order_id}`}`;
    $('#events tbody').replaceChildren(...events.items.map(eventRow));
    $('#events-empty').hidden = events.items.length > 0;
    $('#details').hidden = false;
  } catch (error) {
    if (!quiet && error.status !== 401) say(`Could not load ${id}: ${error.message}`, true);
  }
}

async function replayEvent(id, button) {
  button.disabled = true;
  try {
    await api('POST', `/api/events/${encodeURIComponent(id)}/replay`);
    say(`Event ${id} replayed: it goes through the workers again; a refund already posted is not posted twice.`);
  } catch (error) {
    if (error.status !== 401) say(`Replay of ${id} refused — ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

// --- Retrieve ------------------------------------------------------------------------------------------------

function defaultSource(accountId) {
  const account = state.accounts.find((a) => a.id === accountId);
  return account && account.direction === 'from_netsuite' ? 'netsuite' : 'storefront';
}

function openRetrieve() {
  const result = $('#retrieve-result');
  result.textContent = '';
  result.className = 'result';
  $('#retrieve-source').value = defaultSource($('#retrieve-account').value);
  $('#retrieve-dialog').showModal();
  $('#retrieve-order').focus();
}

function describeImport(result) {
  const imported = result.imported.map((tx) => `${tx.source_record} (${tx.status})`);
  const parts = [];
  if (imported.length) parts.push(`Imported ${imported.length}: ${imported.join(', ')}.`);
  if (result.already_known.length) parts.push(`Already known: ${result.already_known.length}.`);
  return parts.join(' ') || 'Nothing to import.';
}

async function retrieve(event) {
  event.preventDefault();
  const body = {
    account: $('#retrieve-account').value,
    source: $('#retrieve-source').value,
    order_id: $('#retrieve-order').value.trim(),
  };
  const result = $('#retrieve-result');
  const submit = $('#retrieve-submit');
  submit.disabled = true;
  result.className = 'result';
  result.textContent = `Retrieving order ${body.order_id}…`;
  try {
    const imported = await api('POST', '/api/transactions/retrieve', body);
    result.textContent = describeImport(imported);
    result.classList.add('good');
    await refresh();
  } catch (error) {
    if (error.status !== 401) {
      result.textContent = `${error.code}: ${error.message}`;
      result.classList.add('bad');
    }
  } finally {
    submit.disabled = false;
  }
}

// --- Start ---------------------------------------------------------------------------------------------------

async function start() {
  const accounts = await api('GET', '/api/accounts');
  state.accounts = accounts.items;
  // A viewer's token cannot post, retrieve, replay, acknowledge or run: the page does not offer what the API refuses.
  document.body.classList.toggle('viewer', accounts.role !== 'operator');
  $('#signed-in-as').textContent = `signed in as ${accounts.role}`;
  const options = () => state.accounts.map((a) => el('option', { value: a.id },
    `${a.id} (${a.channel}, ${a.direction.replace('_', ' ')}${a.auto_post ? '' : ', manual post'})`));
  $('#filter-account').replaceChildren(el('option', { value: '' }, 'any'), ...options());
  $('#retrieve-account').replaceChildren(...options());
  $('#audit-account').replaceChildren(...state.accounts.filter((a) => a.direction !== 'off').map((a) =>
    el('option', { value: a.id }, `${a.id} (${a.channel})`)));
  $('#sign-in').hidden = true;
  $('#sign-out').hidden = false;
  $('#app').hidden = false;
  await loadTransactions();
  startAutoRefresh();
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

document.addEventListener('DOMContentLoaded', () => {
  $('#sign-in-form').addEventListener('submit', signIn);
  $('#sign-out').addEventListener('click', () => signOut(''));
  for (const id of ['#filter-status', '#filter-account', '#filter-since']) $(id).addEventListener('change', refresh);
  $('#filter-order').addEventListener('input', debounce(refresh, 300));
  $('#filters').addEventListener('submit', (event) => event.preventDefault());
  $('#refresh').addEventListener('click', refresh);
  $('#auto-refresh').addEventListener('change', startAutoRefresh);
  $('#more').addEventListener('click', () => loadMore().catch((error) => say(error.message, true)));
  $('#open-retrieve').addEventListener('click', openRetrieve);
  $('#retrieve-account').addEventListener('change', (event) => {
    $('#retrieve-source').value = defaultSource(event.target.value);
  });
  $('#retrieve-form').addEventListener('submit', retrieve);
  $('#retrieve-cancel').addEventListener('click', () => $('#retrieve-dialog').close());
  $('#close-details').addEventListener('click', () => {
    state.selectedId = null;
    $('#details').hidden = true;
    for (const row of document.querySelectorAll('#transactions tbody tr')) row.classList.remove('selected');
  });
  if (token()) {
    start().catch((error) => {
      if (error.status !== 401) showSignIn(`The service did not answer: ${error.message}`);
    });
  } else {
    showSignIn('');
  }
});
