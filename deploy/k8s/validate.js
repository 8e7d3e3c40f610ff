// Offline validation of the Kubernetes manifests: each document against the Kubernetes API schema
// (npm kubernetes-models; it ignores unknown fields, so our own rules below catch what matters to us), and our
// rules: every container has both probes, resource limits, runs as non-root with a read-only root filesystem and
// all capabilities dropped, and no image is tagged `latest`.
// Usage: NODE_PATH=<dir with node_modules> node deploy/k8s/validate.js deploy/k8s
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const dir = process.argv[2] || __dirname;
const problems = [];
const kustomization = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
const images = Object.fromEntries((kustomization.images || []).map((i) => [i.name, `${i.newName}:${i.newTag}`]));

// apiVersion "apps/v1" -> module "kubernetes-models/apps/v1"; core "v1" -> "kubernetes-models/v1".
function modelFor(apiVersion, kind) {
  try {
    return require(`kubernetes-models/${apiVersion}`)[kind];
  } catch (e) {
    return undefined;
  }
}

function checkPodSpec(where, spec) {
  const podSecurity = spec.securityContext || {};
  if (!spec.terminationGracePeriodSeconds) problems.push(`${where}: no terminationGracePeriodSeconds`);
  if (!podSecurity.seccompProfile || podSecurity.seccompProfile.type !== 'RuntimeDefault') {
    problems.push(`${where}: seccompProfile is not RuntimeDefault`);
  }
  for (const c of spec.containers || []) {
    const at = `${where} container ${c.name}`;
    const security = c.securityContext || {};
    if (!c.readinessProbe || !c.livenessProbe) problems.push(`${at}: needs readiness and liveness probes`);
    if (!c.resources || !c.resources.limits || !c.resources.requests) problems.push(`${at}: needs requests and limits`);
    if (!(security.runAsNonRoot || podSecurity.runAsNonRoot)) problems.push(`${at}: may run as root`);
    if (security.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem is writable`);
    if (!security.capabilities || !(security.capabilities.drop || []).includes('ALL')) {
      problems.push(`${at}: capabilities not all dropped`);
    }
    if (security.allowPrivilegeEscalation !== false) problems.push(`${at}: privilege escalation allowed`);
    const image = images[c.image] || c.image;
    if (!image.includes(':') || image.endsWith(':latest')) problems.push(`${at}: image ${image} has no fixed tag`);
  }
}

let documents = 0;
for (const file of kustomization.resources) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
    const object = doc.toJSON();
    if (!object) continue;
    documents += 1;
    const where = `${file}: ${object.kind}/${object.metadata && object.metadata.name}`;
    const Model = modelFor(object.apiVersion, object.kind);
    if (Model) {
      try {
        new Model(object).validate();
      } catch (e) {
        problems.push(`${where}: ${e.message.split('\n')[0]}`);
      }
    } else if (!object.apiVersion.includes('coreos.com')) {
      problems.push(`${where}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
    }
    if (object.kind === 'Deployment') checkPodSpec(where, object.spec.template.spec);
    if (object.kind === 'Secret') {
      for (const [key, value] of Object.entries(object.stringData || {})) {
        if (!String(value).startsWith('REPLACE_ME')) problems.push(`${where}: ${key} is not a placeholder`);
      }
    }
  }
}
for (const p of problems) console.error('FAIL ' + p);
console.log(`${documents} manifests checked, ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
