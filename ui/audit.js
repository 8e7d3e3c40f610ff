// The operator page's Audit tab: the account's last stored refund audit (GET /api/audit), its discrepancies with
// the transactions behind them as links to their details, Acknowledge with a note and Run (operators only: a
// viewer's page hides them, and the API would answer 403, said here). Uses app.js's helpers ($, el, api, badge,
// say, showDetails); no markup from the API is ever interpreted.
'use strict';

const AUDIT_POLL_MS = 1000;

function showTab(name) {
  const audit = name === 'audit';
  $('#transactions-view').hidden = audit;
  $('#audit-view').hidden = !audit;
  $('#tab-transactions').setAttribute('aria-selected', String(!audit));
  $('#tab-audit').setAttribute('aria-selected', String(audit));
  if (audit) loadAudit();
}

function money(decimal, amount) {
  return `${decimal} ${amount.currency}`;
}

function openTransaction(id) {
  showTab('transactions');
  showDetails(id);
}

function acknowledgeCell(account, d) {
  if (d.acknowledged) return el('td', {}, badge('acknowledged'), ` ${d.acknowledgement}`);
  const note = el('input', { type: 'text', placeholder: 'why it is intended', className: 'note' });
  const button = el('button', { type: 'button', className: 'acknowledge' }, 'Acknowledge');
  button.addEventListener('click', async () => {
    if (!note.value.trim()) {
      note.focus();
      return;
    }
    button.disabled = true;
    try {
      await api('POST', '/api/audit/ack', { account, order_id: d.order_id, note: note.value.trim() });
      await loadAudit();
    } catch (error) {
      if (error.status !== 401) $('#audit-summary').textContent = `Acknowledge refused — ${error.message}`;
      button.disabled = false;
    }
  });
  return el('td', {}, el('div', { className: 'ack operator-only' }, note, button));
}

function discrepancyRow(account, d) {
  const links = d.transactions.map((id) => {
    const link = el('a', { href: '#', className: 'tx' }, id);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      openTransaction(id);
    });
    return link;
  });
  const row = el('tr', {},
    el('td', {}, d.order_id),
    el('td', {}, el('span', { className: `badge kind-${d.kind}` }, d.kind)),
    el('td', { className: 'num' }, money(d.storefront_refunded_decimal, d.storefront_refunded)),
    el('td', { className: 'num' }, money(d.netsuite_refunded_decimal, d.netsuite_refunded)),
    el('td', { className: 'num' }, money(d.difference_decimal, d.difference)),
    el('td', {}, ...links),
    el('td', { className: 'muted' }, d.detail),
    acknowledgeCell(account, d));
  row.dataset.orderId = d.order_id;
  row.dataset.kind = d.kind;
  row.dataset.acknowledged = String(d.acknowledged);
  return row;
}

function describeAudit(audit) {
  const parts = [];
  if (audit.status === 'done') {
    const when = new Date(audit.finished_ms).toISOString().replace('T', ' ').slice(0, 19);
    parts.push(`Audit of ${audit.from} to ${audit.to} (${audit.timezone}) at ${when}: ${audit.orders_compared} orders `
      + `with refunds, ${audit.discrepancies.length} discrepancies, ${audit.unacknowledged} unacknowledged.`);
  }
  const run = audit.run;
  if (run && run.status === 'running') parts.push(`An audit of ${run.from} to ${run.to} is running…`);
  if (run && run.status === 'failed') parts.push(`The audit of ${run.from} to ${run.to} failed: ${run.error.code}: ${run.error.message}`);
  for (const warning of audit.warnings || []) parts.push(`Warning: ${warning}`);
  return parts.join(' ');
}

async function loadAudit() {
  const account = $('#audit-account').value;
  if (!account) return;
  try {
    const audit = await api('GET', `/api/audit?account=${encodeURIComponent(account)}`);
    $('#audit-summary').textContent = describeAudit(audit);
    $('#audit tbody').replaceChildren(...audit.discrepancies.map((d) => discrepancyRow(account, d)));
    $('#audit-empty').hidden = audit.status !== 'done' || audit.discrepancies.length > 0;
    if (audit.run && audit.run.status === 'running') setTimeout(loadAudit, AUDIT_POLL_MS);
  } catch (error) {
    if (error.status === 404) {
      $('#audit-summary').textContent = `No audit of ${account} yet: choose a period and Run audit.`;
      $('#audit tbody').replaceChildren();
      $('#audit-empty').hidden = true;
    } else if (error.status !== 401) {
      $('#audit-summary').textContent = `Could not load the audit: ${error.message}`;
    }
  }
}

async function runAudit(event) {
  event.preventDefault();
  if (document.body.classList.contains('viewer')) return;  // Enter in a date field submits even with Run hidden
  const body = { account: $('#audit-account').value, from: $('#audit-from').value };
  if ($('#audit-to').value) body.to = $('#audit-to').value;
  try {
    await api('POST', '/api/audit/run', body);
    await loadAudit();
  } catch (error) {
    if (error.status !== 401) $('#audit-summary').textContent = `Run refused — ${error.message}`;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('#tab-transactions').addEventListener('click', () => showTab('transactions'));
  $('#tab-audit').addEventListener('click', () => showTab('audit'));
  $('#audit-account').addEventListener('change', loadAudit);
  $('#audit-refresh').addEventListener('click', loadAudit);
  $('#audit-form').addEventListener('submit', runAudit);
  const firstOfMonth = new Date();
  firstOfMonth.setUTCDate(1);
  $('#audit-from').value = firstOfMonth.toISOString().slice(0, 10);
});
