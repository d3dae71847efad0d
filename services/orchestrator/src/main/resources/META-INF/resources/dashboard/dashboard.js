'use strict';
// Avalo Deploy dashboard: deployments from the orchestrator's REST API, kept live by its server-sent-event stream
// (/api/v1/dashboard/stream, read with fetch so the bearer token goes in a header). Buttons follow the token's roles; the
// server checks them again on every call.

const ROLES = ['viewer', 'deployer', 'approver', 'admin'];
const LIVE = ['PENDING', 'RUNNING', 'PAUSED', 'AWAITING_APPROVAL', 'BAKING', 'ROLLING_BACK'];
const $ = (id) => document.getElementById(id);
let token = '';
let role = -1;
let deployments = [];
let selected = null; // deployment id
let charts = {};
let health = []; // {t, score}
let traffic = new Map(); // `${t}|${role}` -> {t, role, requests, errors, p95}
let redraw = false;

function claims(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part + '='.repeat((4 - part.length % 4) % 4)));
  } catch (e) { return null; }
}

function setToken(t) {
  token = (t || '').trim();
  const c = claims(token);
  const groups = (c && c.groups) || [];
  role = Math.max(-1, ...groups.map((g) => ROLES.indexOf(g)));
  $('who').textContent = c ? `${c.upn || c.sub || '?'} (${role >= 0 ? ROLES[role] : 'no role'})` : '';
  document.querySelectorAll('.action').forEach((b) => {
    b.hidden = b.classList.contains('approver') ? role < 2 : role < 1;
  });
  if (token) sessionStorage.setItem('avalo-token', token);
}

function problemText(body, status) {
  if (body && typeof body === 'object') {
    return `${status} ${body.title || ''}: ${body.detail || ''}${body.field ? ` (field ${body.field})` : ''}`;
  }
  return `${status} ${body || ''}`;
}

async function api(path, method = 'GET', body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = text; }
  if (!r.ok) { const e = new Error(problemText(parsed, r.status)); e.status = r.status; throw e; }
  return parsed;
}

function message(text, error) {
  $('message').textContent = text;
  $('message').className = error ? 'message error' : 'message';
}

const pct = (bp) => `${(bp / 100).toFixed(bp % 100 ? 2 : 0)} %`;
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

async function loadDeployments() {
  deployments = await api('/api/v1/deployments?limit=50');
  deployments.sort((a, b) => (LIVE.includes(b.state) - LIVE.includes(a.state)) || (b.updatedAt || '').localeCompare(a.updatedAt || ''));
  const ul = $('deployments');
  ul.innerHTML = '';
  for (const d of deployments) {
    const li = document.createElement('li');
    li.dataset.id = d.id;
    li.className = d.id === selected ? 'selected' : '';
    li.innerHTML = `<div class="svc">${esc(d.service)} <span class="pill ${esc(d.state)}">${esc(d.state)}</span></div>
      <div class="meta">${esc(d.environment)} · ${esc(d.toRevision)} · ${d.stage ? pct(d.stage.weightBasisPoints) : ''} · ${time(d.updatedAt)}</div>`;
    li.onclick = () => select(d.id);
    ul.appendChild(li);
  }
  $('empty').hidden = deployments.length > 0;
  if (!selected && deployments.length) select(deployments[0].id);
}

function chart(id, label, series, max) {
  const datasets = series.map(([name, color]) => ({ label: name, data: [], borderColor: color, backgroundColor: color,
    pointRadius: 0, borderWidth: 2, tension: 0.2 }));
  return new Chart($(id), {
    type: 'line',
    data: { datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
      scales: {
        x: { type: 'linear', ticks: { callback: (v) => new Date(v * 1000).toLocaleTimeString(), maxTicksLimit: 6 } },
        y: { beginAtZero: true, suggestedMax: max, title: { display: true, text: label } },
      },
      plugins: { legend: { display: series.length > 1 } },
    },
  });
}

function ensureCharts() {
  if (charts.score) return;
  charts.score = chart('chart-score', 'score', [['score', '#2563eb']], 100);
  charts.errors = chart('chart-errors', '%', [['stable', '#667085'], ['canary', '#dc6803']]);
  charts.latency = chart('chart-latency', 'ms', [['stable', '#667085'], ['canary', '#dc6803']]);
}

function draw() {
  if (!charts.score) return;
  charts.score.data.datasets[0].data = health.filter((p) => p.score != null).map((p) => ({ x: p.t, y: p.score }));
  for (const [i, r] of ['stable', 'canary'].entries()) {
    const pts = [...traffic.values()].filter((p) => p.role === r).sort((a, b) => a.t - b.t);
    charts.errors.data.datasets[i].data = pts.filter((p) => p.requests > 0).map((p) => ({ x: p.t, y: 100 * p.errors / p.requests }));
    charts.latency.data.datasets[i].data = pts.filter((p) => p.p95 != null).map((p) => ({ x: p.t, y: p.p95 }));
  }
  Object.values(charts).forEach((c) => c.update('none'));
}

function addTraffic(p) {
  const t = Math.floor(new Date(p.at).getTime() / 1000);
  const key = `${t}|${p.role}`;
  const before = traffic.get(key);
  traffic.set(key, before
    ? { t, role: p.role, requests: before.requests + p.requests, errors: before.errors + p.errors, p95: Math.max(before.p95 ?? 0, p.p95Ms ?? 0) || null }
    : { t, role: p.role, requests: p.requests, errors: p.errors, p95: p.p95Ms });
  const cutoff = t - 600;
  for (const [k, v] of traffic) if (v.t < cutoff) traffic.delete(k);
  redraw = true;
}

function current() { return deployments.find((d) => d.id === selected); }

async function select(id) {
  selected = id;
  document.querySelectorAll('#deployments li').forEach((li) => li.classList.toggle('selected', li.dataset.id === id));
  const d = current();
  if (!d) return;
  $('detail').hidden = false;
  ensureCharts();
  const h = await api(`/api/v1/dashboard/history/${d.service}/${d.environment}`);
  health = h.health.map((p) => ({ t: new Date(p.at).getTime() / 1000, score: p.score }));
  traffic = new Map();
  h.traffic.forEach(addTraffic);
  draw();
  await refreshDetail();
}

async function refreshDetail() {
  const d0 = current();
  if (!d0) return;
  const [d, events, checklist] = await Promise.all([
    api(`/api/v1/deployments/${d0.id}`), api(`/api/v1/deployments/${d0.id}/events`), api(`/api/v1/deployments/${d0.id}/checklist`)]);
  Object.assign(d0, d);
  renderDeployment(d);
  renderReport(d.health);
  $('timeline').tBodies[0].innerHTML = events.map((e) => `<tr><td>${time(e.at)}</td><td>${esc(e.type)}</td>
    <td>${e.stageIndex != null ? e.stageIndex + 1 : ''}</td><td>${esc(e.actor)}</td><td>${esc(e.reason)}</td></tr>`).join('');
  $('checklist').tBodies[0].innerHTML = Object.values(checklist || {}).map((c) => `<tr><td>${esc(c.phase)}</td>
    <td>${esc(c.item)}</td><td class="${c.done ? 'done' : 'UNKNOWN'}">${c.done ? '✓' : '–'}</td><td>${esc(c.evidence)}</td></tr>`).join('');
  api(`/api/v1/dashboard/schedule/${d.service}/${d.environment}`)
    .then((s) => { $('schedule').textContent = `${s.verdict}${s.allowed ? ' (allowed now)' : ' (blocked now)'} ${(s.reasons || []).join('; ')}`; })
    .catch((e) => { $('schedule').textContent = e.message; });
}

function renderDeployment(d) {
  const stage = d.stage || {};
  $('d-title').textContent = `${d.service} · ${d.environment}: ${d.fromRevision} → ${d.toRevision}`;
  $('d-state').textContent = d.state;
  $('d-state').className = `pill ${d.state}`;
  $('d-bar').style.width = `${(stage.weightBasisPoints || 0) / 100}%`;
  $('d-summary').textContent = `stage ${stage.index != null ? stage.index + 1 : '-'} ${stage.name || ''} at ${pct(stage.weightBasisPoints || 0)}`
    + `${stage.gates && stage.gates.length ? ` · gates: ${stage.gates.join(', ')}` : ''}`
    + `${d.rollbackMillis != null ? ` · rollback took ${d.rollbackMillis} ms` : ''} · by ${d.createdBy}`;
  const live = LIVE.includes(d.state);
  document.querySelectorAll('#actions button').forEach((b) => { b.disabled = !live; });
}

function renderReport(r) {
  if (!r) { $('verdict').textContent = 'no health report yet'; $('gates').tBodies[0].innerHTML = ''; return; }
  $('verdict').textContent = `${r.verdict} · score ${r.score != null ? r.score.toFixed(1) : '–'} · ${time(r.at)}`
    + `${r.samples ? ` · canary ${r.samples.canaryRequests} / stable ${r.samples.stableRequests} requests` : ''}`
    + `${r.reasons && r.reasons.length ? ` — ${r.reasons.join('; ')}` : ''}`;
  const rows = (r.breaches || []).map((b) => `<tr><td>${esc(b.ruleId)}</td><td class="BREACHED">BREACHED</td>
      <td>${esc(b.observed)}</td><td>${esc(b.description)} ${esc(b.detail)}</td></tr>`)
    .concat((r.gates || []).map((g) => `<tr><td>${esc(g.gate)}</td><td class="${esc(g.status)}">${esc(g.status)}</td>
      <td>${g.observed != null ? Number(g.observed).toFixed(2) : ''}</td><td>${esc(g.detail)}</td></tr>`));
  $('gates').tBodies[0].innerHTML = rows.join('');
}

function onMessage(m) {
  const d = current();
  if (m.kind === 'deployment') {
    loadDeployments().then(() => { if (d && m.deployment && m.deployment.id === d.id) refreshDetail(); }).catch(() => {});
  } else if (m.kind === 'health' && d && m.report.service === d.service && m.report.environment === d.environment) {
    health.push({ t: new Date(m.report.at).getTime() / 1000, score: m.report.score });
    if (health.length > 600) health.shift();
    if (!m.report.deploymentId || m.report.deploymentId === d.id) renderReport(m.report);
    redraw = true;
  } else if (m.kind === 'traffic' && d && m.service === d.service && m.environment === d.environment) {
    addTraffic(m.point);
  }
}

function setLive(on) {
  $('live').textContent = on ? 'live' : 'offline';
  $('live').className = `pill ${on ? 'on' : 'off'}`;
}

async function stream() {
  for (;;) {
    try {
      const r = await fetch('/api/v1/dashboard/stream', { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } });
      if (!r.ok) throw new Error(`stream ${r.status}`);
      setLive(true);
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const data = buf.slice(0, i).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
          buf = buf.slice(i + 2);
          if (data) { try { onMessage(JSON.parse(data)); } catch (e) { /* a malformed message is skipped */ } }
        }
      }
    } catch (e) { /* reconnect below */ }
    setLive(false);
    await new Promise((res) => setTimeout(res, 2000));
  }
}

async function act(action) {
  const d = current();
  if (!d) return;
  const reason = 'from the dashboard';
  let path = `/api/v1/deployments/${d.id}/${action}`;
  let body = { reason };
  if (action.startsWith('rollback-')) {
    const mode = action.slice('rollback-'.length);
    path = `/api/v1/deployments/${d.id}/rollback`;
    body = { mode: mode === 'previous' ? 'previous-stage' : mode, reason };
    if (mode === 'revision') body.revision = $('rollback-revision').value.trim();
    if (mode !== 'previous' && !window.confirm(`Roll ${d.service} back (${body.mode})?`)) return;
  }
  try {
    const r = await api(path, 'POST', body);
    message(`${action}: ${r.state}`);
    await loadDeployments();
    await refreshDetail();
  } catch (e) { message(`${action} refused: ${e.message}`, true); }
}

async function emergencyStop() {
  const reason = window.prompt('Emergency stop: halt and revert EVERY live deployment. Reason?');
  if (!reason) return;
  try {
    const r = await api('/api/v1/emergency-stop', 'POST', { reason });
    message(`emergency stop: ${(r.stopped || []).length} deployment(s) reverted`);
    await loadDeployments();
  } catch (e) { message(`emergency stop refused: ${e.message}`, true); }
}

async function start() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token')) { sessionStorage.setItem('avalo-token', hash.get('token')); history.replaceState(null, '', location.pathname); }
  setToken(sessionStorage.getItem('avalo-token') || '');
  $('token-form').onsubmit = (e) => { e.preventDefault(); setToken($('token').value); $('token').value = ''; location.reload(); };
  document.querySelectorAll('#actions button[data-action]').forEach((b) => { b.onclick = () => act(b.dataset.action); });
  $('emergency-stop').onclick = emergencyStop;
  setInterval(() => { if (redraw) { redraw = false; draw(); } }, 1000);
  if (!token) return;
  try { await loadDeployments(); } catch (e) { message(e.message, true); }
  stream();
}

start();
