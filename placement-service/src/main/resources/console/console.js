// Baton console: plain JavaScript, no build step. Talks to the admin API under /api/v1 with the token kept in
// sessionStorage; live updates come from GET /api/v1/live (server-sent events read through fetch, so the token
// travels in the Authorization header, never in a URL).
'use strict';

const API = '/api/v1';
const TOKEN_KEY = 'baton.token';
const $ = (id) => document.getElementById(id);

const state = { roles: [], servers: [], access: null, role: null, draft: null, lastEventId: null, liveAbort: null };

// ---- API ---------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : 'HTTP ' + status);
    this.status = status;
    this.errors = body && body.validationErrors ? body.validationErrors : [];
  }
}

async function api(method, path, body, headers) {
  const init = { method, headers: Object.assign({ Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) }, headers || {}) };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  const access = response.headers.get('X-Baton-Access');
  if (access) setAccess(access);
  if (response.status === 401) {
    signOut('The token was not accepted: sign in again.');
    throw new ApiError(401, { message: 'not signed in' });
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json);
  return { json, etag: response.headers.get('ETag') };
}

function setAccess(access) {
  if (state.access === access) return;
  state.access = access;
  document.body.classList.toggle('read-only', access === 'read-only');
  $('access').hidden = false;
  $('access').textContent = access === 'read-only' ? 'read-only' : 'operator';
}

// ---- sign-in -----------------------------------------------------------------------------------------------

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (state.liveAbort) state.liveAbort.abort();
  state.liveAbort = null;
  state.access = null;
  $('nav').hidden = true;
  $('sign-out').hidden = true;
  $('live').hidden = true;
  $('access').hidden = true;
  show('sign-in');
  $('sign-in-error').textContent = message || '';
  $('token').focus();
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  try {
    await api('GET', '/servers');
    signedIn();
  } catch (e) {
    if (e.status !== 401) $('sign-in-error').textContent = e.message;
  }
});

$('sign-out').addEventListener('click', () => signOut());

function signedIn() {
  $('nav').hidden = false;
  $('sign-out').hidden = false;
  startLive();
  route();
}

// ---- routing -----------------------------------------------------------------------------------------------

function show(page) {
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== page;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.id === 'nav-' + page.replace('page-', '')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route() {
  if (!sessionStorage.getItem(TOKEN_KEY)) return signOut();
  const hash = location.hash || '#/roles';
  const [, page, arg] = hash.split('/');
  try {
    if (page === 'role' && arg) await openRole(decodeURIComponent(arg));
    else if (page === 'new') openNewRole();
    else if (page === 'servers') { show('page-servers'); await loadServers(); }
    else if (page === 'what-if') { show('page-what-if'); await loadServers(); fillWhatIfServers(); }
    else { show('page-roles'); await loadRoles(); }
    $('main').focus();
  } catch (e) {
    toast(e.message, true);
  }
}
window.addEventListener('hashchange', route);

// ---- roles -------------------------------------------------------------------------------------------------

async function loadRoles() {
  state.roles = (await api('GET', '/roles')).json.roles;
  renderRoles();
}

function text(value) { return value === undefined || value === null ? '' : String(value); }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : text(child));
  return node;
}

function led(on) { return el('span', { class: on ? 'led on' : 'led', 'aria-label': on ? 'runs here' : '' }); }

function failbackText(role) {
  if (!role.forceHighestPriority) return 'off';
  let out = 'on after ' + Math.round(role.failbackDelayMs / 1000) + ' s';
  if (role.failbackWindow) out += ', ' + role.failbackWindow.fromHour + ':00–' + role.failbackWindow.toHour + ':00 UTC';
  return out;
}

function renderRoles() {
  const search = $('role-search').value.trim().toLowerCase();
  const wanted = $('role-state').value;
  const body = $('roles-table').tBodies[0];
  body.replaceChildren();
  for (const role of state.roles) {
    const haystack = [role.roleId, role.hostingServer, ...(role.servers || []), role.database && role.database.server]
        .filter(Boolean).join(' ').toLowerCase();
    if (search && !haystack.includes(search)) continue;
    if (wanted && role.state !== wanted) continue;
    const servers = el('span', {}, ...role.servers.map((server, i) => el('span', { class: 'server-chip' },
        i ? ', ' : '', led(server === role.hostingServer && role.state === 'RUNNING'), server)));
    body.append(el('tr', { 'data-role': role.roleId },
        el('td', {}, el('a', { href: '#/role/' + encodeURIComponent(role.roleId) }, role.roleId)),
        el('td', {}, el('span', { class: 'state-' + text(role.state) }, text(role.state) || '-'),
            role.stateReason ? el('div', { class: 'reason' }, role.stateReason) : ''),
        el('td', { class: 'host' }, role.hostingServer ? el('span', {}, led(role.state === 'RUNNING'), role.hostingServer) : 'none'),
        el('td', {}, servers),
        el('td', {}, text(role.epoch)),
        el('td', {}, failbackText(role)),
        el('td', {}, role.database ? role.database.server : 'none'),
        el('td', {}, text(role.gatewayPort) || '-')));
  }
}
$('role-search').addEventListener('input', renderRoles);
$('role-state').addEventListener('change', renderRoles);
$('new-role').addEventListener('click', () => { location.hash = '#/new'; });

// ---- one role, as in the seed procedure --------------------------------------------------------------------

function clearErrors() {
  for (const id of ['servers-error', 'failback-error', 'database-error', 'plugin-error', 'apply-error', 'apply-ok']) $(id).textContent = '';
}

async function openRole(roleId) {
  const { json, etag } = await api('GET', '/roles/' + encodeURIComponent(roleId));
  state.role = json;
  state.etag = etag;
  state.draft = JSON.parse(JSON.stringify(json));
  show('page-role');
  clearErrors();
  $('role-id-field').hidden = true;
  $('delete-role').hidden = false;
  fillRoleForm();
}

function openNewRole() {
  state.role = null;
  state.etag = null;
  state.draft = { roleId: '', servers: [], forceHighestPriority: false, failbackDelayMs: 0 };
  show('page-role');
  clearErrors();
  $('role-id-field').hidden = false;
  $('delete-role').hidden = true;
  fillRoleForm();
  $('role-id').focus();
}

function fillRoleForm() {
  const role = state.draft;
  $('role-title').textContent = state.role ? role.roleId : '(new)';
  const badge = $('role-state-badge');
  badge.textContent = state.role ? text(state.role.state) : '';
  badge.className = 'badge state-' + (state.role ? text(state.role.state) : '');
  $('role-state-reason').textContent = state.role && state.role.stateReason ? state.role.stateReason : '';
  $('role-id').value = role.roleId || '';
  renderServerList();
  $('failback').checked = !!role.forceHighestPriority;
  $('failback-delay').value = Math.round((role.failbackDelayMs || 0) / 1000);
  $('window-from').value = role.failbackWindow ? role.failbackWindow.fromHour : '';
  $('window-to').value = role.failbackWindow ? role.failbackWindow.toHour : '';
  $('db-server').value = role.database ? role.database.server : '';
  $('db-host').value = role.database ? role.database.host : '';
  $('db-port').value = role.database ? role.database.port : '';
  const plugin = role.plugin || { kind: 'sample', command: [], environment: {} };
  $('plugin-kind').value = plugin.kind;
  $('plugin-command').value = (plugin.command || []).join('\n');
  $('plugin-env').value = Object.entries(plugin.environment || {}).map(([k, v]) => k + '=' + v).join('\n');
  $('plugin-port').value = plugin.port === undefined ? '' : plugin.port;
  $('gateway-port').value = role.gatewayPort === undefined ? '' : role.gatewayPort;
  $('in-flight').value = role.inFlight ? role.inFlight.policy : '';
  $('role-version').textContent = state.role ? 'Version ' + state.role.version + ', changed by ' + state.role.updatedBy
      + ' at ' + state.role.updatedAt : '';
}

function hostOf() { return state.role && state.role.state === 'RUNNING' ? state.role.hostingServer : null; }

function renderServerList() {
  const list = $('server-list');
  list.replaceChildren();
  const servers = state.draft.servers;
  servers.forEach((server, i) => {
    list.append(el('li', { 'data-server': server },
        led(server === hostOf()), el('span', { class: 'name' }, server),
        el('button', { type: 'button', class: 'operator', 'aria-label': 'Move ' + server + ' up', disabled: i === 0,
          onclick: () => { swap(i, i - 1); } }, 'Up'),
        el('button', { type: 'button', class: 'operator', 'aria-label': 'Move ' + server + ' down',
          disabled: i === servers.length - 1, onclick: () => { swap(i, i + 1); } }, 'Down'),
        el('button', { type: 'button', class: 'operator', 'aria-label': 'Remove ' + server,
          onclick: () => { servers.splice(i, 1); renderServerList(); } }, 'Remove')));
  });
  if (!servers.length) list.append(el('li', { class: 'hint' }, 'No servers yet: add one.'));
}

function swap(i, j) {
  const servers = state.draft.servers;
  [servers[i], servers[j]] = [servers[j], servers[i]];
  renderServerList();
  const moved = $('server-list').children[j];
  const button = moved && moved.querySelector(j < i ? 'button[aria-label^="Move"][aria-label$=" up"]' : 'button[aria-label$=" down"]');
  if (button && !button.disabled) button.focus();
}

$('add-server').addEventListener('click', async () => {
  let servers;
  try {
    servers = (await api('GET', '/servers')).json.servers;
  } catch (e) { return toast(e.message, true); }
  const available = servers.filter((server) => !state.draft.servers.includes(server.serverId));
  const list = $('available-servers');
  list.replaceChildren();
  for (const server of available) {
    list.append(el('li', {}, el('button', { type: 'button', 'data-server': server.serverId, onclick: () => {
      state.draft.servers.push(server.serverId);
      $('add-dialog').close();
      renderServerList();
    } }, server.serverId + ' (' + server.kind + ', ' + server.state + ')')));
  }
  if (!available.length) list.append(el('li', { class: 'hint' }, 'Every registered server is already in the list.'));
  $('add-dialog').showModal();
});
$('add-cancel').addEventListener('click', () => $('add-dialog').close());

function number(id) { const v = $(id).value.trim(); return v === '' ? null : Number(v); }

function draftFromForm() {
  const body = { servers: state.draft.servers.slice(), forceHighestPriority: $('failback').checked,
    failbackDelayMs: Math.round((number('failback-delay') || 0) * 1000) };
  if (!state.role) body.roleId = $('role-id').value.trim();
  const from = number('window-from'), to = number('window-to');
  if (from !== null || to !== null) body.failbackWindow = { fromHour: from, toHour: to };
  if ($('db-server').value.trim() || $('db-host').value.trim() || $('db-port').value.trim()) {
    body.database = { server: $('db-server').value, host: $('db-host').value, port: number('db-port') };
  }
  const command = $('plugin-command').value.split('\n').map((s) => s.trim()).filter(Boolean);
  const environment = {};
  for (const line of $('plugin-env').value.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) environment[line.substring(0, at).trim()] = line.substring(at + 1);
  }
  if ($('plugin-kind').value !== 'sample' || command.length || Object.keys(environment).length || number('plugin-port') !== null) {
    body.plugin = { kind: $('plugin-kind').value, command, environment };
    if (number('plugin-port') !== null) body.plugin.port = number('plugin-port');
  }
  if (number('gateway-port') !== null) body.gatewayPort = number('gateway-port');
  if ($('in-flight').value) body.inFlight = { policy: $('in-flight').value };
  return body;
}

// Each rejected field is shown next to the part of the form it belongs to.
function showRejection(error) {
  const buckets = { servers: 'servers-error', failback: 'failback-error', database: 'database-error',
    plugin: 'plugin-error', gatewayPort: 'plugin-error', inFlight: 'plugin-error', roleId: 'apply-error' };
  const lines = {};
  for (const problem of error.errors) {
    const field = problem.split(':')[0].replace(/[.[].*/, '');
    const bucket = buckets[field] || (field.startsWith('failback') ? 'failback-error' : 'apply-error');
    (lines[bucket] = lines[bucket] || []).push(explain(problem));
  }
  for (const [bucket, problems] of Object.entries(lines)) $(bucket).textContent = problems.join('\n');
  $('apply-error').textContent = ($('apply-error').textContent ? $('apply-error').textContent + '\n' : '')
      + 'Not applied: ' + error.message;
}

function explain(problem) {
  if (problem.startsWith('database.server') && /local/i.test(problem)) {
    return problem + ' — the seed procedure forbids "(local)": the database would fail with the server running the role.';
  }
  return problem;
}

$('role-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  const body = draftFromForm();
  try {
    let answer;
    if (state.role) {
      answer = await api('PUT', '/roles/' + encodeURIComponent(state.role.roleId), body, { 'If-Match': state.etag });
    } else {
      answer = await api('POST', '/roles', body);
    }
    state.role = answer.json;
    state.etag = answer.etag;
    state.draft = JSON.parse(JSON.stringify(answer.json));
    if (location.hash !== '#/role/' + encodeURIComponent(answer.json.roleId)) {
      history.replaceState(null, '', '#/role/' + encodeURIComponent(answer.json.roleId));
      $('role-id-field').hidden = true;
      $('delete-role').hidden = false;
    }
    fillRoleForm();
    $('apply-ok').textContent = 'Applied: version ' + answer.json.version + '.';
  } catch (e) {
    if (e.status === 412) {
      $('apply-error').textContent = 'Someone else changed this role while you were editing it. Your changes were not '
          + 'applied. Reload to see the current configuration, then make your change again.';
    } else if (e.status === 422 || e.status === 400) {
      showRejection(e);
    } else {
      $('apply-error').textContent = 'Not applied: ' + e.message;
    }
  }
});

$('reload-role').addEventListener('click', () => state.role ? openRole(state.role.roleId) : openNewRole());

$('delete-role').addEventListener('click', async () => {
  if (!state.role || !confirm('Delete role ' + state.role.roleId + '? Its host stops it and gateways close its listener.')) return;
  try {
    await api('DELETE', '/roles/' + encodeURIComponent(state.role.roleId), undefined, { 'If-Match': state.etag });
    toast('Role ' + state.role.roleId + ' deleted');
    location.hash = '#/roles';
  } catch (e) {
    $('apply-error').textContent = e.status === 412
        ? 'Someone else changed this role meanwhile: reload before deleting it.' : 'Not deleted: ' + e.message;
  }
});

// ---- servers and maintenance -------------------------------------------------------------------------------

async function loadServers() {
  state.servers = (await api('GET', '/servers')).json.servers;
  if (!state.roles.length) state.roles = (await api('GET', '/roles')).json.roles;
  renderServers();
}

function databaseReach(server) {
  const out = [];
  for (const role of state.roles) {
    if (!role.servers.includes(server.serverId) || !role.database) continue;
    out.push(role.roleId + ': ' + (role.stateReason && role.stateReason.includes(server.serverId) && /database/.test(role.stateReason)
        ? 'unreachable' : 'reachable'));
  }
  return out.join(', ') || '-';
}

function renderServers() {
  const body = $('servers-table').tBodies[0];
  body.replaceChildren();
  for (const server of state.servers) {
    const inMaintenance = server.maintenance || server.state === 'MAINTENANCE';
    body.append(el('tr', { 'data-server': server.serverId },
        el('td', {}, server.serverId),
        el('td', {}, el('span', { class: 'state-' + server.state }, server.state),
            server.downCause ? el('div', { class: 'reason' }, server.downCause) : ''),
        el('td', {}, text(server.kind)),
        el('td', {}, text(server.host)),
        el('td', {}, (server.roles || []).join(', ') || '-'),
        el('td', {}, databaseReach(server)),
        el('td', {}, el('button', { type: 'button', class: 'operator', 'data-maintenance': server.serverId,
          onclick: () => maintenance(server.serverId, !inMaintenance) }, inMaintenance ? 'End maintenance' : 'Start maintenance'))));
  }
}

function outcomeList(outcome) {
  const items = [];
  for (const move of outcome.moves) items.push(el('li', { class: 'move' }, move.roleId + ': ' + text(move.from) + ' → ' + move.to + ' (' + move.reason + ': ' + move.cause + ')'));
  for (const stop of outcome.stops) items.push(el('li', { class: 'stop error' }, stop.roleId + ' stops: ' + stop.cause));
  if (!items.length) items.push(el('li', {}, outcome.deferredBecause || 'Nothing would move or stop.'));
  return el('ul', { class: 'outcome' }, ...items);
}

async function maintenance(serverId, on) {
  if (!on) {
    try { await api('PUT', '/servers/' + encodeURIComponent(serverId) + '/maintenance', { on: false }); } catch (e) { return toast(e.message, true); }
    toast(serverId + ': maintenance ended');
    return loadServers();
  }
  let outcome;
  try {
    outcome = (await api('POST', '/what-if', { serverId, scenario: 'maintenance' })).json;
  } catch (e) { return toast(e.message, true); }
  $('maintenance-title').textContent = 'Put ' + serverId + ' into maintenance?';
  $('maintenance-preview').replaceChildren(el('p', {}, 'What would happen now:'), outcomeList(outcome));
  const dialog = $('maintenance-dialog');
  $('maintenance-confirm').onclick = async () => {
    dialog.close();
    const force = outcome.stops.length ? '?force=true' : '';
    try {
      await api('PUT', '/servers/' + encodeURIComponent(serverId) + '/maintenance' + force, { on: true });
      toast(serverId + ': maintenance started');
    } catch (e) { toast(e.message, true); }
    loadServers();
  };
  $('maintenance-cancel').onclick = () => dialog.close();
  dialog.showModal();
  $('maintenance-confirm').focus();
}

// ---- what if -----------------------------------------------------------------------------------------------

function fillWhatIfServers() {
  const select = $('what-if-server');
  const current = select.value;
  select.replaceChildren(...state.servers.map((s) => el('option', { value: s.serverId }, s.serverId + ' (' + s.state + ')')));
  if (current) select.value = current;
}

$('what-if-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const outcome = (await api('POST', '/what-if', { serverId: $('what-if-server').value, scenario: $('what-if-scenario').value })).json;
    $('what-if-result').replaceChildren(el('p', {}, 'If ' + outcome.serverId + ' ' + $('what-if-scenario').selectedOptions[0].text
        + ', the placement would now (nothing is changed):'), outcomeList(outcome));
  } catch (e) { $('what-if-result').replaceChildren(el('p', { class: 'error' }, e.message)); }
});

// ---- live updates ------------------------------------------------------------------------------------------

function toast(message, bad) {
  const node = el('div', { class: bad ? 'toast bad' : 'toast', role: 'status' }, message);
  $('toasts').append(node);
  setTimeout(() => node.remove(), 8000);
}

function applyState(live) {
  state.roles = live.roles;
  const byId = new Map(live.servers.map((s) => [s.serverId, s]));
  state.servers = state.servers.length ? state.servers.map((s) => Object.assign({}, s, byId.get(s.serverId) || {})) : live.servers;
  if (!$('page-roles').hidden) renderRoles();
  if (!$('page-servers').hidden) renderServers();
  if (!$('page-role').hidden && state.role) {
    const fresh = live.roles.find((r) => r.roleId === state.role.roleId);
    if (fresh) {
      Object.assign(state.role, { state: fresh.state, stateReason: fresh.stateReason, hostingServer: fresh.hostingServer, epoch: fresh.epoch });
      $('role-state-badge').textContent = text(fresh.state);
      $('role-state-badge').className = 'badge state-' + text(fresh.state);
      $('role-state-reason').textContent = fresh.stateReason || '';
      renderServerList();
    }
  }
}

async function startLive() {
  if (state.liveAbort) return;
  const controller = new AbortController();
  state.liveAbort = controller;
  while (!controller.signal.aborted) {
    try {
      const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) };
      if (state.lastEventId !== null) headers['Last-Event-ID'] = state.lastEventId;
      const response = await fetch(API + '/live', { headers, signal: controller.signal });
      if (!response.ok) throw new Error('live feed answered ' + response.status);
      $('live').hidden = false;
      $('live').classList.remove('down');
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          handleFrame(buffer.substring(0, end));
          buffer = buffer.substring(end + 2);
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    $('live').classList.add('down');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function handleFrame(frame) {
  let id = null, type = 'message', data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('id: ')) id = line.substring(4);
    else if (line.startsWith('event: ')) type = line.substring(7);
    else if (line.startsWith('data: ')) data += line.substring(6);
  }
  if (id !== null) state.lastEventId = id;
  if (type === 'state') applyState(JSON.parse(data));
  else if (type === 'move') toast(JSON.parse(data).message);
}

// ---- start -------------------------------------------------------------------------------------------------

if (sessionStorage.getItem(TOKEN_KEY)) signedIn(); else signOut();
