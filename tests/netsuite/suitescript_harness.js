// Runs deploy/netsuite's SuiteScripts under Node with small stand-ins for the N/* modules they use, and prints
// the request the user event script sends (JSON: {url, headers, body}) for the C++ test to deliver to the real
// service. Usage: node suitescript_harness.js <deploy/netsuite dir> <secret> <url> [--fail-first-send]
// Exit status 1 when a check of the script's own behaviour fails.
'use strict';
const fs = require('fs');
const path = require('path');
const nodeCrypto = require('crypto');

const [dir, secretValue, url] = process.argv.slice(2, 5);
const failFirstSend = process.argv.includes('--fail-first-send');

// --- N/* stand-ins: the documented surface the scripts use, nothing more -------------------------------------
const Encoding = { UTF_8: 'UTF_8', BASE_64: 'BASE_64', HEX: 'HEX' };
const encode = {
  Encoding,
  convert({ string, inputEncoding, outputEncoding }) {
    if (inputEncoding !== Encoding.UTF_8 || outputEncoding !== Encoding.BASE_64) throw new Error('unsupported');
    return Buffer.from(string, 'utf8').toString('base64');
  },
};
const secrets = { custsecret_refundsync: secretValue };  // API Secrets: the key never leaves "NetSuite"
const crypto = {
  HashAlg: { SHA256: 'sha256' },
  createHash({ algorithm }) {
    const h = nodeCrypto.createHash(algorithm);
    return { update({ input }) { h.update(input, 'utf8'); }, digest() { return h.digest('base64'); } };
  },
  createSecretKey({ secret }) {
    if (!(secret in secrets)) throw new Error('unknown API secret ' + secret);
    return { value: secrets[secret] };
  },
  createHmac({ algorithm, key }) {
    const h = nodeCrypto.createHmac(algorithm, key.value);
    return { update({ input }) { h.update(input, 'utf8'); }, digest() { return h.digest('base64'); } };
  },
};
const sent = [];
let sends = 0;
const https = {
  post(options) {
    sends += 1;
    sent.push(options);
    return { code: failFirstSend && sends === 1 ? 503 : 200, body: '{"status":"accepted"}' };
  },
};
const params = {
  custscript_refundsync_url: url,
  custscript_refundsync_secret: 'custsecret_refundsync',
  custscript_refundsync_issuer: '1234567_SB1',
  custscript_refundsync_audience: 'refundsync',
};
const runtime = { getCurrentScript: () => ({ getParameter: ({ name }) => params[name], getRemainingUsage: () => 1000 }) };
const pending = [];
const record = {
  create: () => {
    const values = {};
    return { setValue: ({ fieldId, value }) => { values[fieldId] = value; }, save: () => { pending.push(values); return pending.length; } };
  },
  delete: ({ id }) => { pending.splice(id - 1, 1, null); },
};
const search = {
  create: () => ({
    run: () => ({
      each: (fn) => pending.forEach((values, i) => values && fn({ id: i + 1, getValue: ({ name }) => values[name] })),
    }),
  }),
};
global.log = { error: () => {}, debug: () => {} };

// --- a tiny AMD loader for define([...], factory) ----------------------------------------------------------
const stand_ins = { 'N/https': https, 'N/crypto': crypto, 'N/encode': encode, 'N/runtime': runtime,
                    'N/record': record, 'N/search': search };
function load(file) {
  let exported;
  const define = (deps, factory) => {
    exported = factory(...deps.map((d) => stand_ins[d] || load(path.join(dir, d.replace('./', '') + '.js'))));
  };
  new Function('define', fs.readFileSync(file, 'utf8'))(define);
  return exported;
}

const ue = load(path.join(dir, 'refundsync_ue.js'));
const UserEventType = { CREATE: 'create', EDIT: 'edit', XEDIT: 'xedit', DELETE: 'delete', COPY: 'copy' };
const fields = { externalid: '', memo: 'rs-1a2b refundsync shopify:refund:7001' };
ue.afterSubmit({ type: 'create', UserEventType,
                 newRecord: { type: 'creditmemo', id: 4711, getValue: ({ fieldId }) => fields[fieldId] } });
if (failFirstSend) {
  // NetSuite does not retry: the failed event must be queued, and the scheduled script must send it again.
  if (pending.filter(Boolean).length !== 1) { console.error('failed send was not queued'); process.exit(1); }
  load(path.join(dir, 'refundsync_retry_ss.js')).execute();
  if (pending.filter(Boolean).length !== 0) { console.error('queued event was not resent'); process.exit(1); }
  if (sent.length !== 2 || sent[0].body !== sent[1].body) { console.error('resend differs'); process.exit(1); }
}
process.stdout.write(JSON.stringify(sent[sent.length - 1]));
