// Validates rendered Kubernetes YAML offline, for scripts/check-k8s.sh:
//   node scripts/lib/validate-k8s.cjs <models-dir> <label> < rendered.yaml
// <models-dir> holds node_modules with kubernetes-models and yaml (npm install --prefix <models-dir>).
// Every document is built as its kubernetes-models class (apiVersion/kind -> kubernetes-models/<apiVersion>/<Kind>) and
// validated against the Kubernetes OpenAPI schema; unknown fields are refused; then the house rules of deploy/k8s are
// checked (probes, resources, non-root security context, references between objects). Prints one line per problem and
// exits 1 when there is any.
'use strict';
const path = require('path');
const { createRequire } = require('module');

const [modelsDir, label = 'input'] = process.argv.slice(2);
if (!modelsDir) {
  console.error('usage: validate-k8s.cjs <models-dir> <label> < rendered.yaml');
  process.exit(2);
}
const req = createRequire(path.join(path.resolve(modelsDir), 'package.json'));
const YAML = req('yaml');

// Secrets the manifests reference but operators create (deploy/k8s/README.md)
const EXTERNAL_SECRETS = new Set(['avalo-postgres', 'avalo-jwt', 'avalo-notifier-secrets']);

const problems = [];
const fail = (doc, msg) => problems.push(`${label}: ${doc ? `${doc.kind}/${doc.metadata && doc.metadata.name}` : '?'}: ${msg}`);

const input = require('fs').readFileSync(0, 'utf8');
const docs = [];
for (const d of YAML.parseAllDocuments(input)) {
  if (d.errors.length) {
    problems.push(`${label}: YAML: ${d.errors.map((e) => e.message).join('; ')}`);
    continue;
  }
  const js = d.toJS();
  if (js !== null && js !== undefined) docs.push(js);
}
if (docs.length === 0) fail(null, 'no documents rendered');

// 1. schema
const counts = {};
for (const doc of docs) {
  if (!doc.apiVersion || !doc.kind || !doc.metadata || !doc.metadata.name) {
    fail(doc, 'apiVersion, kind and metadata.name are required');
    continue;
  }
  let Model;
  try {
    Model = req(`kubernetes-models/${doc.apiVersion}/${doc.kind}`)[doc.kind];
  } catch (e) {
    fail(doc, `no schema for ${doc.apiVersion} ${doc.kind}`);
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    fail(doc, `schema: ${e.message}`);
    continue;
  }
  counts[doc.kind] = (counts[doc.kind] || 0) + 1;
}

// 1b. unknown fields: the schemas allow them, so a misspelt key ("readinessprobe") would pass. The field names come from
// the classes that kubernetes-models declares in its .d.ts files (one per type, imports naming the others).
const typeCache = new Map();
function fieldsOf(file) {
  if (typeCache.has(file)) return typeCache.get(file);
  let fields = null;
  let text = null;
  try {
    text = require('fs').readFileSync(file, 'utf8');
  } catch (e) {
    text = null;
  }
  const body = text && /export declare class \w+ extends Model<\w+> implements \w+ \{\n([\s\S]*?)\n    constructor/.exec(text);
  if (body) {
    const imports = {};
    for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
      imports[m[1]] = m[2].startsWith('.')
        ? path.resolve(path.dirname(file), `${m[2]}.d.ts`)
        : path.join(path.resolve(modelsDir), 'node_modules', `${m[2]}.d.ts`);
    }
    fields = new Map();
    for (const m of body[1].matchAll(/^    "([^"]+)"\??: (.*)$/gm)) {
      const array = /^Array<(\w+)>;$/.exec(m[2]);
      const single = /^(\w+);$/.exec(m[2]);
      const type = array ? array[1] : single ? single[1] : null;
      fields.set(m[1], { file: type ? imports[type] : undefined, array: !!array });
    }
  }
  typeCache.set(file, fields);
  return fields;
}
function unknownFields(doc, value, file, where) {
  const fields = fieldsOf(file);
  if (!fields || !value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const f = fields.get(key);
    if (!f) {
      fail(doc, `unknown field ${where}${key}`);
      continue;
    }
    if (!f.file) continue;
    if (f.array && Array.isArray(v)) v.forEach((e, i) => unknownFields(doc, e, f.file, `${where}${key}[${i}].`));
    else unknownFields(doc, v, f.file, `${where}${key}.`);
  }
}
for (const doc of docs) {
  if (!counts[doc.kind]) continue;
  unknownFields(doc, doc, path.join(path.resolve(modelsDir), 'node_modules', 'kubernetes-models', doc.apiVersion, `${doc.kind}.d.ts`), '');
}

// 2. house rules
const byKind = (k) => docs.filter((d) => d.kind === k);
const names = (k) => new Set(byKind(k).map((d) => d.metadata.name));
const configMaps = names('ConfigMap');
const secrets = new Set([...names('Secret'), ...EXTERNAL_SECRETS]);
const workloads = [...byKind('Deployment'), ...byKind('StatefulSet')];
const matches = (selector, labels) =>
  Object.entries((selector && selector.matchLabels) || {}).every(([k, v]) => labels && labels[k] === v);

for (const w of workloads) {
  const pod = w.spec.template.spec;
  const podLabels = w.spec.template.metadata.labels;
  if (!matches(w.spec.selector, podLabels)) fail(w, 'selector does not match the pod template labels');
  if (pod.automountServiceAccountToken !== false) fail(w, 'automountServiceAccountToken must be false');
  const psc = pod.securityContext || {};
  if (psc.runAsNonRoot !== true) fail(w, 'pod securityContext.runAsNonRoot must be true');
  if (!psc.seccompProfile || psc.seccompProfile.type !== 'RuntimeDefault') fail(w, 'pod seccompProfile must be RuntimeDefault');
  const volumes = new Set((pod.volumes || []).map((v) => v.name));
  for (const t of w.spec.volumeClaimTemplates || []) volumes.add(t.metadata.name);
  for (const v of pod.volumes || []) {
    if (v.configMap && !configMaps.has(v.configMap.name)) fail(w, `volume ${v.name}: ConfigMap ${v.configMap.name} not rendered`);
    if (v.secret && !secrets.has(v.secret.secretName)) fail(w, `volume ${v.name}: unknown Secret ${v.secret.secretName}`);
  }
  for (const c of pod.containers) {
    const where = `container ${c.name}`;
    if (!/:[\w.-]+$/.test(c.image || '') || /:latest$/.test(c.image)) fail(w, `${where}: image needs a pinned tag (${c.image})`);
    for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) if (!c[p]) fail(w, `${where}: no ${p}`);
    const r = c.resources || {};
    for (const k of ['cpu', 'memory']) {
      if (!r.requests || !r.requests[k]) fail(w, `${where}: no ${k} request`);
      if (!r.limits || !r.limits[k]) fail(w, `${where}: no ${k} limit`);
    }
    const sc = c.securityContext || {};
    if (sc.allowPrivilegeEscalation !== false) fail(w, `${where}: allowPrivilegeEscalation must be false`);
    if (sc.readOnlyRootFilesystem !== true) fail(w, `${where}: readOnlyRootFilesystem must be true`);
    if (sc.runAsNonRoot !== true && psc.runAsNonRoot !== true) fail(w, `${where}: must run as non-root`);
    if (!sc.capabilities || !(sc.capabilities.drop || []).includes('ALL')) fail(w, `${where}: capabilities must drop ALL`);
    for (const m of c.volumeMounts || []) if (!volumes.has(m.name)) fail(w, `${where}: mount ${m.name} has no volume`);
    const ports = new Set((c.ports || []).map((p) => p.name));
    for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const port = c[p] && c[p].httpGet && c[p].httpGet.port;
      if (typeof port === 'string' && !ports.has(port)) fail(w, `${where}: ${p} names unknown port ${port}`);
    }
    for (const e of c.envFrom || []) {
      if (e.configMapRef && !configMaps.has(e.configMapRef.name) && !e.configMapRef.optional)
        fail(w, `${where}: envFrom ConfigMap ${e.configMapRef.name} not rendered`);
      if (e.secretRef && !secrets.has(e.secretRef.name)) fail(w, `${where}: envFrom unknown Secret ${e.secretRef.name}`);
    }
    for (const e of c.env || []) {
      const s = e.valueFrom && e.valueFrom.secretKeyRef;
      if (s && !secrets.has(s.name)) fail(w, `${where}: env ${e.name}: unknown Secret ${s.name}`);
      const m = e.valueFrom && e.valueFrom.configMapKeyRef;
      if (m && !configMaps.has(m.name) && !m.optional) fail(w, `${where}: env ${e.name}: ConfigMap ${m.name} not rendered`);
    }
  }
}
for (const s of byKind('Service')) {
  const targets = workloads.filter((w) => matches({ matchLabels: s.spec.selector }, w.spec.template.metadata.labels));
  if (s.spec.selector && targets.length === 0) fail(s, 'selects no workload');
  for (const p of s.spec.ports || []) {
    if (typeof p.targetPort !== 'string') continue;
    const ok = targets.some((w) => w.spec.template.spec.containers.some((c) => (c.ports || []).some((cp) => cp.name === p.targetPort)));
    if (!ok) fail(s, `targetPort ${p.targetPort} is no container port of the selected pods`);
  }
}
for (const h of byKind('HorizontalPodAutoscaler')) {
  const t = h.spec.scaleTargetRef;
  if (!docs.some((d) => d.kind === t.kind && d.metadata.name === t.name)) fail(h, `scale target ${t.kind}/${t.name} not rendered`);
  if ((h.spec.minReplicas || 1) > h.spec.maxReplicas) fail(h, 'minReplicas > maxReplicas');
}
for (const p of byKind('PodDisruptionBudget')) {
  if (!workloads.some((w) => matches(p.spec.selector, w.spec.template.metadata.labels))) fail(p, 'selects no workload');
  if (p.spec.minAvailable !== undefined && p.spec.maxUnavailable !== undefined) fail(p, 'both minAvailable and maxUnavailable');
  const w = workloads.find((x) => matches(p.spec.selector, x.spec.template.metadata.labels));
  if (w && typeof p.spec.minAvailable === 'number' && p.spec.minAvailable >= (w.spec.replicas || 1))
    fail(p, `minAvailable ${p.spec.minAvailable} leaves no disruption for ${w.spec.replicas || 1} replicas`);
}
for (const n of byKind('NetworkPolicy')) {
  if (!workloads.some((w) => matches(n.spec.podSelector, w.spec.template.metadata.labels))) fail(n, 'selects no workload');
}

const summary = Object.entries(counts).sort().map(([k, v]) => `${v} ${k}`).join(', ');
if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  console.error(`${label}: ${problems.length} problem(s) in ${docs.length} documents`);
  process.exit(1);
}
console.log(`${label}: ${docs.length} documents valid (${summary})`);
