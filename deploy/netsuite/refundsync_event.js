/**
 * Builds the signed request refundsync accepts (contract section 4). Shared by the user event script and the
 * retry script; written against the N/crypto and N/encode APIs so it runs inside NetSuite unchanged.
 *
 * @NApiVersion 2.1
 * @NModuleScope SameAccount
 */
/**
 * @typedef {object} RefundsyncModules the N/* modules build() signs and encodes with
 * @property {typeof import('N/https')} https
 * @property {typeof import('N/crypto')} crypto
 * @property {typeof import('N/encode')} encode
 *
 * @typedef {object} RefundsyncSettings the deployment parameters (see settingsOf)
 * @property {string} url
 * @property {string} secretId
 * @property {string} issuer
 * @property {string} audience
 *
 * @typedef {object} RefundsyncEvent what this module returns to define()
 * @property {(modules: RefundsyncModules, settings: RefundsyncSettings, body: string, nowMs: number) => import('N/https').PostOptions} build
 * @property {(script: import('N/runtime').Script) => RefundsyncSettings} settingsOf
 */
define([], () => {
  // base64 -> base64url without padding (RFC 7515)
  /** @param {string} b64 */
  function toBase64Url(b64) {
    return b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  /**
   * @param {RefundsyncModules} modules
   * @param {string} text
   */
  function base64UrlOfUtf8(modules, text) {
    const { encode } = modules;
    return toBase64Url(encode.convert({ string: text, inputEncoding: encode.Encoding.UTF_8,
                                        outputEncoding: encode.Encoding.BASE_64 }));
  }

  function randomId() {
    let id = '';
    for (let i = 0; i < 24; i++) id += Math.floor(Math.random() * 16).toString(16);
    return id;
  }

  /**
   * @param {RefundsyncModules} modules
   * @param {RefundsyncSettings} settings
   * @param {string} body the exact JSON text that is sent
   * @param {number} nowMs the time of signing
   * @returns {import('N/https').PostOptions} the options for https.post
   */
  function build(modules, settings, body, nowMs) {
    const { crypto, encode } = modules;
    const hash = crypto.createHash({ algorithm: crypto.HashAlg.SHA256 });
    hash.update({ input: body, inputEncoding: encode.Encoding.UTF_8 });
    const bodySha256 = toBase64Url(hash.digest({ outputEncoding: encode.Encoding.BASE_64 }));
    const iat = Math.floor(nowMs / 1000);
    const header = base64UrlOfUtf8(modules, JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const claims = base64UrlOfUtf8(modules, JSON.stringify({
      iss: settings.issuer, aud: settings.audience, iat: iat, exp: iat + 120, jti: randomId(),
      body_sha256: bodySha256,
    }));
    const key = crypto.createSecretKey({ secret: settings.secretId, encoding: encode.Encoding.UTF_8 });
    const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key: key });
    hmac.update({ input: header + '.' + claims, inputEncoding: encode.Encoding.UTF_8 });
    const signature = toBase64Url(hmac.digest({ outputEncoding: encode.Encoding.BASE_64 }));
    return {
      url: settings.url,
      body: body,
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + header + '.' + claims + '.' + signature },
    };
  }

  /**
   * The deployment parameters both scripts share.
   * @param {import('N/runtime').Script} script runtime.getCurrentScript()
   * @returns {RefundsyncSettings}
   */
  function settingsOf(script) {
    return {
      url: /** @type {string} */ (script.getParameter({ name: 'custscript_refundsync_url' })),
      secretId: /** @type {string} */ (script.getParameter({ name: 'custscript_refundsync_secret' })),
      issuer: /** @type {string} */ (script.getParameter({ name: 'custscript_refundsync_issuer' })),
      audience: /** @type {string} */ (script.getParameter({ name: 'custscript_refundsync_audience' })),
    };
  }

  /** @type {RefundsyncEvent} */
  const exported = { build, settingsOf };
  return exported;
});
