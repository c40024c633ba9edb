// The paybind sandbox dashboard: a view of the admin JSON API, polled once a second, and its
// actions as buttons and forms. Data is only ever set as text (textContent), never as HTML.
'use strict';

const TOKEN = new URLSearchParams(location.search).get('token') || '';
const POLL_MS = 1000;
const MAX_REQUESTS = 200;

// ---------------------------------------------------------------- admin API

async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + TOKEN };
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch('/admin' + path, init);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = text; }
  if (!response.ok) {
    const why = data && data.error ? data.error : text;
    throw new Error('HTTP ' + response.status + ': ' + why);
  }
  return data;
}

// ---------------------------------------------------------------- small helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'onclick') node.addEventListener('click', value);
    else if (name === 'onsubmit') node.addEventListener('submit', value);
    else if (name === 'ontoggle') node.addEventListener('toggle', value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function time(ms) {
  if (typeof ms !== 'number' || !isFinite(ms) || ms <= 0) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

// Minor units (satang) as "THB 1,234.50", without floating point.
function minorUnits(currency, minor) {
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) return String(minor ?? '');
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return currency + ' ' + sign + whole + '.' + cents;
}

const thb = (minor) => minorUnits('THB', minor);

// SGATE amounts are decimals already: shown as they are, with their currency.
function decimal(row, value) {
  if (value === undefined || value === null || value === '') return '';
  return (row.currency ? row.currency + ' ' : '') + String(value);
}

function json(value) {
  return JSON.stringify(value, null, 2);
}

function say(text, isError) {
  const status = document.getElementById('status');
  status.textContent = text;
  status.className = isError ? 'error' : 'ok';
}

// Runs an admin call from a button or form, then refreshes at once.
async function act(label, method, path, body) {
  try {
    await api(method, path, body);
    say(label + ': done');
  } catch (e) {
    say(label + ': ' + e.message, true);
  }
  await refresh();
}

// <details> elements stay open across refreshes; focus returns to the same control.
const openDetails = new Set();

function details(key, summary, ...content) {
  return el('details', {
    'data-key': key,
    open: openDetails.has(key),
    ontoggle: (e) => (e.target.open ? openDetails.add(key) : openDetails.delete(key)),
  }, el('summary', {}, summary), ...content);
}

function button(key, label, onclick, cls) {
  return el('button', { type: 'button', 'data-key': key, class: cls, onclick }, label);
}

function replace(id, ...nodes) {
  const target = document.getElementById(id);
  const focused = document.activeElement && target.contains(document.activeElement)
    ? document.activeElement.getAttribute('data-key') : null;
  target.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined));
  if (focused) {
    const again = target.querySelector('[data-key="' + CSS.escape(focused) + '"]');
    if (again) again.focus();
  }
}

function table(caption, headings, rows) {
  if (rows.length === 0) return el('p', { class: 'muted' }, caption + ': none yet.');
  return el('table', {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
}

// ---------------------------------------------------------------- requests

function renderRequests(list) {
  const gateway = document.getElementById('requests-gateway').value;
  const shown = list.filter((r) => !gateway || r.gateway === gateway).slice(-MAX_REQUESTS).reverse();
  const rows = shown.map((r) => {
    const key = 'request-' + r.seq;
    const verdict = r.signature_ok
      ? el('span', { class: 'good' }, 'verified')
      : el('span', { class: 'bad' }, 'not verified');
    return el('tr', { 'data-request': r.seq, class: r.signature_ok ? '' : 'refused' },
      el('td', {}, r.seq),
      el('td', {}, time(r.at_ms)),
      el('td', {}, r.gateway),
      el('td', {}, r.operation || r.path),
      el('td', {}, verdict),
      el('td', {}, r.code),
      el('td', { class: 'why' }, r.message),
      el('td', {}, details(key, 'details',
        el('h4', {}, r.method + ' ' + r.path),
        el('h4', {}, r.param_text ? 'param as signed' : 'body as received'),
        el('pre', {}, r.param_text ?? r.body),
        r.fault ? el('p', {}, 'fault applied: ' + r.fault) : null,
        el('h4', {}, 'headers'),
        el('pre', {}, json(r.headers)))));
  });
  replace('requests', table('Requests (newest first)',
    ['#', 'time', 'gateway', 'operation', 'signature', 'code', 'message (why refused)', ''], rows));
}

// ---------------------------------------------------------------- notifications

function renderNotifications(list) {
  const rows = list.slice().reverse().map((n) => {
    const attempts = n.attempts || [];
    const last = attempts[attempts.length - 1];
    const attemptRows = attempts.map((a) => el('tr', {},
      el('td', {}, a.attempt),
      el('td', {}, time(a.at_ms)),
      el('td', {}, a.http_status ?? ''),
      el('td', {}, a.acknowledged ? 'yes' : 'no'),
      el('td', {}, (a.duration_ms ?? '') + ' ms'),
      el('td', {}, el('code', {}, a.answer ?? '')),
      el('td', {}, a.error ?? '')));
    return el('tr', { 'data-notification': n.id },
      el('td', {}, n.id),
      el('td', {}, n.gateway),
      el('td', {}, n.event),
      el('td', { class: 'url' }, n.url),
      el('td', { class: 'status-' + n.status }, n.status),
      el('td', { class: 'attempts' }, String(attempts.length)),
      el('td', {}, last && last.http_status != null ? 'HTTP ' + last.http_status : ''),
      el('td', {},
        button('resend-' + n.id, 'Resend', () => act('Resend ' + n.id, 'POST', '/notifications/' + encodeURIComponent(n.id) + '/retry')),
        details('notification-' + n.id, 'attempts and body',
          table('Delivery attempts of ' + n.id,
            ['#', 'time', 'HTTP status', 'acknowledged', 'latency', 'body answered', 'error'], attemptRows),
          el('h4', {}, 'signed body sent'),
          el('pre', {}, n.body))));
  });
  replace('notifications', table('Notifications (newest first)',
    ['id', 'gateway', 'event', 'URL', 'status', 'attempts', 'last answer', ''], rows));
}

// ---------------------------------------------------------------- per gateway objects

const ENVELOPE_KINDS = {
  orders: {
    title: 'Orders: payouts, QR codes, WebPay orders, direct debits',
    columns: [['mchOrderId', 'merchant order'], ['transactionId', 'transaction'], ['kind', 'kind'],
      ['amount', 'amount', (r, v) => thb(v)], ['status', 'status'], ['channelCode', 'channel']],
    actions: orderActions,
  },
  refunds: {
    title: 'Refunds',
    columns: [['mchRefundOrderId', 'merchant refund'], ['originalTransactionId', 'of transaction'],
      ['refundAmount', 'amount', (r, v) => thb(v)], ['refundStatus', 'status']],
    actions: (gw, r) => r.refundStatus === 'PENDING' ? [
      button('refund-complete-' + r.mchRefundOrderId, 'Complete', () => act('Complete refund ' + r.mchRefundOrderId, 'POST', '/' + gw + '/refunds/' + encodeURIComponent(r.mchRefundOrderId) + '/complete', {})),
      button('refund-fail-' + r.mchRefundOrderId, 'Fail', () => act('Fail refund ' + r.mchRefundOrderId, 'POST', '/' + gw + '/refunds/' + encodeURIComponent(r.mchRefundOrderId) + '/fail', {}), 'secondary'),
    ] : [],
  },
  voids: {
    title: 'Voids',
    columns: [['mchVoidOrderId', 'merchant void'], ['originalTransactionId', 'of transaction'], ['voidTransactionId', 'void transaction']],
  },
  direct_debit_authorizations: {
    title: 'Direct-debit authorizations',
    columns: [['requestId', 'request'], ['userId', 'user'], ['channelCode', 'channel'], ['status', 'status']],
    actions: (gw, r) => (r.status || 'PENDING') === 'PENDING' ? [
      button('dd-authorize-' + r.requestId, 'Authorize', () => act('Authorize ' + r.requestId, 'POST', '/' + gw + '/direct-debit/' + encodeURIComponent(r.requestId) + '/authorize', {})),
      button('dd-reject-' + r.requestId, 'Refuse', () => act('Refuse ' + r.requestId, 'POST', '/' + gw + '/direct-debit/' + encodeURIComponent(r.requestId) + '/reject', {}), 'secondary'),
    ] : [],
  },
  direct_debit_tokens: {
    title: 'Direct-debit tokens',
    columns: [['userId', 'user'], ['channelCode', 'channel'], ['tokenStatus', 'status'], ['expiresTime', 'expires']],
  },
  tickets: {
    title: 'Tickets',
    columns: [['ticketNo', 'ticket'], ['ticketStatus', 'status'], ['transactionStatus', 'transaction status']],
    actions: (gw, r) => ['CLOSED', 'REJECTED'].includes(r.ticketStatus) ? [] : [
      ['PROCESSING', 'Processing', 'We are looking into it.'],
      ['CLOSED', 'Close', 'Checked: resolved.'],
      ['REJECTED', 'Reject', 'The transaction is correct.'],
    ].map(([status, label, reply]) => button('ticket-' + status + '-' + r.ticketNo, label,
      () => act(label + ' ticket ' + r.ticketNo, 'POST', '/bluepay-jt/tickets/' + encodeURIComponent(r.ticketNo) + '/status',
        { ticketStatus: status, reply }), status === 'CLOSED' ? undefined : 'secondary')),
  },
};

function orderActions(gw, o) {
  const id = encodeURIComponent(o.mchOrderId);
  const out = [];
  if (o.status === 'PENDING') {
    const payable = o.kind === 'qr' || o.kind === 'webpay';
    out.push(button('order-pay-' + o.mchOrderId, payable ? 'Pay' : 'Complete',
      () => act((payable ? 'Pay ' : 'Complete ') + o.mchOrderId, 'POST', '/' + gw + '/orders/' + id + '/' + (payable ? 'pay' : 'complete'), {})));
    out.push(button('order-fail-' + o.mchOrderId, 'Fail',
      () => act('Fail ' + o.mchOrderId, 'POST', '/' + gw + '/orders/' + id + '/fail', {}), 'secondary'));
  }
  if (o.status === 'COMPLETED' && o.kind !== 'payout' && !o.settled && o.transactionId) {
    out.push(button('order-settle-' + o.mchOrderId, 'Settle',
      () => act('Settle ' + o.transactionId, 'POST', '/' + gw + '/transactions/' + encodeURIComponent(o.transactionId) + '/settle', {})));
  }
  return out;
}

const SGATE_KINDS = {
  customers: {
    title: 'Customers (payees)',
    columns: [['customid', 'customer'], ['mercustomid', 'merchant id'], ['name_e', 'name'], ['statusdesc', 'review status'], ['cardno', 'card (masked)']],
    actions: (gw, c) => [
      c.status === 1 ? null : button('customer-approve-' + c.customid, 'Approve', () => act('Approve ' + c.customid, 'POST', '/sgate/customers/' + encodeURIComponent(c.customid) + '/approve', {})),
      c.status === 2 ? null : button('customer-reject-' + c.customid, 'Reject', () => act('Reject ' + c.customid, 'POST', '/sgate/customers/' + encodeURIComponent(c.customid) + '/reject', {}), 'secondary'),
    ].filter(Boolean),
  },
  payment_orders: {
    title: 'Payment orders',
    columns: [['ticketid', 'ticket'], ['payeeuid', 'payee uid'], ['customid', 'customer'], ['amount', 'amount', decimal],
      ['status', 'status', (r, v) => v + ' ' + (SGATE_ORDER_STATUS[v] ?? '')], ['statusdesc', 'since']],
    actions: (gw, o) => pendingSgateOrder(o) ? [
      button('sgorder-complete-' + o.ticketid, 'Complete', () => act('Complete ' + o.ticketid, 'POST', '/sgate/orders/' + encodeURIComponent(o.ticketid) + '/complete', {})),
      button('sgorder-fail-' + o.ticketid, 'Fail', () => act('Fail ' + o.ticketid, 'POST', '/sgate/orders/' + encodeURIComponent(o.ticketid) + '/fail', {}), 'secondary'),
    ] : [],
  },
  otp_tasks: {
    title: 'OTP tasks (the simulated phone)',
    columns: [['sessionid', 'session'], ['customid', 'customer'], ['mobile', 'mobile'], ['code', 'code'], ['reportstatus', 'report']],
  },
  va_transfers: {
    title: 'Virtual-account transfers',
    columns: [['uuid', 'transfer'], ['account', 'account'], ['amount', 'amount', decimal], ['custname', 'from'], ['transactiontime', 'time']],
  },
};

// SGATE Payin: orders are paid on the hosted cashier, as a payer would (the link opens it).
const PAYIN_KINDS = {
  orders: {
    title: 'Orders (pay one on its cashier page)',
    columns: [['id', 'order'], ['merchantOrderId', 'merchant order'], ['amount', 'amount', decimal],
      ['status', 'status'], ['refundStatus', 'refund'], ['deliveryStatus', 'delivery'], ['afterSaleStatus', 'after-sale']],
    actions: (gw, o) => ['pending', 'doing'].includes(o.status) && String(o.sandbox_cashier || '').startsWith('/')
      ? [el('a', { href: o.sandbox_cashier, target: '_blank', rel: 'noopener noreferrer', 'data-key': 'cashier-' + o.id }, 'Open cashier'),
        // The payin_order.paid trigger: the test card through 3-D Secure, as on the cashier.
        button('payin-pay-' + o.id, 'Pay with test card', () => act('Pay ' + o.id, 'POST', '/trigger',
          { gateway: gw, event: 'payin_order.paid', overrides: { id: o.id } }))]
      : [],
  },
  transactions: {
    title: 'Transactions (payments and refunds; cards masked)',
    columns: [['id', 'transaction'], ['type', 'type'], ['paymentMethod', 'method'], ['amount', 'amount', decimal],
      ['result', 'result'], ['payerDigest', 'payer']],
  },
  refunds: {
    title: 'Refunds',
    columns: [['id', 'refund'], ['amount', 'amount', decimal], ['status', 'status'], ['reason', 'reason']],
    actions: (gw, r) => r.status === 'pending' ? [
      button('payin-refund-complete-' + r.id, 'Complete', () => act('Complete refund ' + r.id, 'POST', '/sgate-payin/refunds/' + encodeURIComponent(r.id) + '/complete', {})),
      button('payin-refund-fail-' + r.id, 'Fail', () => act('Fail refund ' + r.id, 'POST', '/sgate-payin/refunds/' + encodeURIComponent(r.id) + '/fail', {}), 'secondary'),
    ] : [],
  },
};

// SGATE payment order statuses (sgate-payout.yaml): 1 and 2 are final.
const SGATE_ORDER_STATUS = { 0: 'Pending', 1: 'Transferred', 2: 'Error', 3: 'Processing', 4: 'Approved' };

function pendingSgateOrder(o) {
  return [0, 3, 4].includes(Number(o.status));
}

function objectTable(gw, kind, spec, rows) {
  const headings = spec.columns.map((c) => c[1]).concat(['']);
  const body = rows.map((row, index) => {
    const cells = spec.columns.map(([field, , format]) => {
      const value = row[field];
      return el('td', {}, format ? format(row, value) : (value ?? ''));
    });
    const key = gw + '-' + kind + '-' + (row[spec.columns[0][0]] ?? index);
    const actions = spec.actions ? spec.actions(gw, row) : [];
    cells.push(el('td', { class: 'actions' }, actions, details(key, 'all fields', el('pre', {}, json(row)))));
    return el('tr', { 'data-object': row[spec.columns[0][0]] ?? '' }, cells);
  });
  return el('section', { class: 'objects', 'aria-label': spec.title },
    el('h3', {}, spec.title), table(spec.title, headings, body));
}

function renderGateway(gw, data, kinds) {
  const balance = (data.balance || []).map((b) =>
    b.minor_units !== undefined ? minorUnits(b.currency, b.minor_units) : b.currency + ' ' + b.amount);
  const sections = Object.entries(kinds)
    .filter(([kind]) => data.objects && data.objects[kind] !== undefined)
    .map(([kind, spec]) => objectTable(gw, kind, spec, data.objects[kind]));
  // SGATE Payin keeps no balance.
  const shown = balance.length ? el('p', { class: 'balance' }, el('strong', {}, 'Balance: '), balance.join(' · ')) : null;
  replace('gateway-' + gw, shown, sections);
}

// ---------------------------------------------------------------- rules, faults, clock

function renderRules(rules) {
  const text = document.getElementById('rules-text');
  if (document.activeElement !== text && !text.dataset.dirty) text.value = json(rules.rules || []);
  document.getElementById('builtin-rules').textContent = json(rules.builtin || []);
}

function renderFaults(list) {
  const rows = list.map((f) => {
    const what = Object.entries(f)
      .filter(([k, v]) => !['gateway', 'operation'].includes(k) && v !== null && v !== false && v !== 0)
      .map(([k, v]) => k + '=' + JSON.stringify(v)).join(', ');
    return el('tr', {},
      el('td', {}, f.gateway), el('td', {}, f.operation), el('td', {}, what),
      el('td', {}, button('fault-clear-' + f.gateway + '/' + f.operation, 'Clear',
        () => act('Clear fault ' + f.gateway + '/' + f.operation, 'DELETE', '/faults/' + encodeURIComponent(f.gateway) + '/' + encodeURIComponent(f.operation)))));
  });
  replace('faults', el('h3', {}, 'Faults in force'),
    table('Faults in force', ['gateway', 'operation', 'fault', ''], rows),
    list.length ? button('fault-clear-all', 'Clear all faults', () => act('Clear all faults', 'DELETE', '/faults'), 'secondary') : null);
}

function renderClock(clock) {
  document.getElementById('clock').textContent =
    'Sandbox clock: Bangkok ' + clock.bangkok + ' · Riyadh ' + clock.riyadh +
    (clock.offset_ms ? ' (advanced by ' + Math.round(clock.offset_ms / 1000) + ' s)' : '');
}

function renderOperations(requests) {
  const list = document.getElementById('operations');
  const seen = [...new Set(requests.map((r) => r.operation).filter(Boolean))].sort();
  if (list.childElementCount !== seen.length) {
    list.replaceChildren(...seen.map((op) => el('option', { value: op })));
  }
}

// ---------------------------------------------------------------- polling

const last = {};

function changed(name, value) {
  const text = JSON.stringify(value);
  if (last[name] === text) return false;
  last[name] = text;
  return true;
}

let refreshing = null;

function refresh() {
  if (!refreshing) refreshing = load().finally(() => { refreshing = null; });
  return refreshing;
}

async function load() {
  try {
    const [requests, notifications, objects, clock, rules, faults] = await Promise.all([
      api('GET', '/requests'), api('GET', '/notifications'), api('GET', '/objects'),
      api('GET', '/clock'), api('GET', '/rules'), api('GET', '/faults')]);
    if (changed('requests', requests)) { renderRequests(requests); renderOperations(requests); }
    if (changed('notifications', notifications)) renderNotifications(notifications);
    if (changed('objects', objects)) {
      renderGateway('bluepay', objects.bluepay, ENVELOPE_KINDS);
      renderGateway('bluepay-jt', objects['bluepay-jt'], ENVELOPE_KINDS);
      renderGateway('sgate', objects.sgate, SGATE_KINDS);
      renderGateway('sgate-payin', objects['sgate-payin'], PAYIN_KINDS);
    }
    if (changed('rules', rules)) renderRules(rules);
    if (changed('faults', faults)) renderFaults(faults);
    renderClock(clock);
    const live = document.getElementById('live');
    live.textContent = 'live · updated ' + new Date().toLocaleTimeString();
    live.className = 'muted';
  } catch (e) {
    const live = document.getElementById('live');
    live.textContent = 'cannot read the admin API: ' + e.message;
    live.className = 'error';
  }
}

// ---------------------------------------------------------------- tabs and forms

function selectTab(tab) {
  for (const other of document.querySelectorAll('[role=tab]')) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute('aria-controls')).hidden = !selected;
  }
}

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  tabs.forEach((tab, index) => {
    tab.tabIndex = index === 0 ? 0 : -1;
    tab.addEventListener('click', () => selectTab(tab));
    tab.addEventListener('keydown', (e) => {
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = tabs[(index + step + tabs.length) % tabs.length];
      selectTab(next);
      next.focus();
      e.preventDefault();
    });
  });
  const wanted = document.getElementById('tab-' + location.hash.slice(1));
  if (wanted) selectTab(wanted);
}

function setUpForms() {
  document.getElementById('requests-gateway').addEventListener('change', () => {
    delete last.requests;
    refresh();
  });
  document.getElementById('advance-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const seconds = Number(document.getElementById('advance-seconds').value);
    act('Advance the clock by ' + seconds + ' s', 'POST', '/clock/advance', { seconds });
  });
  document.getElementById('reset-world').addEventListener('click', () => {
    if (!confirm('Return the sandbox to its fixtures? Every object, notification and request is forgotten.')) return;
    for (const key of Object.keys(last)) delete last[key];
    act('Reset to fixtures', 'POST', '/reset', {});
  });
  const rulesText = document.getElementById('rules-text');
  rulesText.addEventListener('input', () => { rulesText.dataset.dirty = '1'; });
  document.getElementById('rules-form').addEventListener('submit', (e) => {
    e.preventDefault();
    let rules;
    try { rules = JSON.parse(rulesText.value); } catch (err) {
      say('Rules are not JSON: ' + err.message, true);
      return;
    }
    delete rulesText.dataset.dirty;
    act('Save rules', 'PUT', '/rules', rules);
  });
  document.getElementById('fault-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.target;
    const fault = { gateway: form.gateway.value, operation: form.operation.value.trim() };
    const kind = form.kind.value;
    const value = form.value.value.trim();
    if (kind === 'drop_connection' || kind === 'malformed_json') fault[kind] = true;
    else if (kind === 'bad_signature') fault.bad_signature = 'corrupt';
    // SGATE Payin's codes are words (`notAllowed`); every other value is a number, which the
    // admin API refuses by name when it is not one.
    else if (kind === 'error_code_text') fault[kind] = value;
    else fault[kind] = /^-?[0-9]+$/.test(value) ? Number(value) : value;
    if (form.times.value) fault.times = Number(form.times.value);
    if (form.after_commit.checked) fault.after_commit = true;
    act('Inject fault on ' + fault.gateway + '/' + fault.operation, 'PUT', '/faults', fault);
  });
  document.getElementById('va-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.target;
    act('Receive transfer', 'POST', '/sgate/virtual-account/transfers',
      { account: form.account.value.trim(), amount: form.amount.value.trim(), currency: form.currency.value });
  });
}

document.addEventListener('DOMContentLoaded', () => {
  setUpTabs();
  setUpForms();
  refresh();
  setInterval(refresh, POLL_MS);
});
