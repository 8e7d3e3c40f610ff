/**
 * refundsync event sender: tells refundsync that a cash refund or credit memo was created, edited or deleted.
 *
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 *
 * Deploy on the Cash Refund and Credit Memo records (afterSubmit). Script parameters:
 *   custscript_refundsync_url       https://hooks.example.com/webhooks/netsuite
 *   custscript_refundsync_secret    the id of an API Secret (Setup > Company > API Secrets) holding the HS256 key
 *   custscript_refundsync_issuer    the account id, e.g. 1234567_SB1 (netsuite.webhook.issuer)
 *   custscript_refundsync_audience  refundsync (netsuite.webhook.audience)
 *
 * The request (refundsync contract, section 4): body {"record_type","record_id","event","external_id","memo"}, header
 * "Authorization: Bearer <JWT>" signed HS256 with claims iss, aud, iat, exp (2 minutes), jti and body_sha256
 * (base64url SHA-256 of the exact body bytes). NetSuite does not retry outbound calls: a failed send is queued
 * in a custom record for refundsync_retry_ss.js; refundsync's reconciliation is the backstop for anything else.
 */
define(['N/https', 'N/crypto', 'N/encode', 'N/runtime', 'N/record', './refundsync_event'],
  /**
   * @param {typeof import('N/https')} https
   * @param {typeof import('N/crypto')} crypto
   * @param {typeof import('N/encode')} encode
   * @param {typeof import('N/runtime')} runtime
   * @param {typeof import('N/record')} record
   * @param {RefundsyncEvent} refundsyncEvent
   */
  (https, crypto, encode, runtime, record, refundsyncEvent) => {
    /** @type {Record<string, string | undefined>} */
    const TYPES = { cashrefund: 'cashrefund', creditmemo: 'creditmemo' };

    /** @param {import('N/types').EntryPoints.UserEvent.afterSubmitContext} context */
    function eventName(context) {
      const t = context.UserEventType;
      if (context.type === t.CREATE || context.type === t.COPY) return 'create';
      if (context.type === t.DELETE) return 'delete';
      if (context.type === t.EDIT || context.type === t.XEDIT) return 'edit';
      return null;
    }

    /** @param {import('N/types').EntryPoints.UserEvent.afterSubmitContext} context */
    function afterSubmit(context) {
      const event = eventName(context);
      const rec = context.newRecord || context.oldRecord;
      const recordType = TYPES[String(rec.type).toLowerCase()];
      if (!event || !recordType) return;
      const settings = refundsyncEvent.settingsOf(runtime.getCurrentScript());
      // external_id and memo let refundsync recognise its own records (their memo carries its marker) without
      // reading them back.
      const body = JSON.stringify({
        record_type: recordType, record_id: String(rec.id), event: event,
        external_id: String(rec.getValue({ fieldId: 'externalid' }) || ''),
        memo: String(rec.getValue({ fieldId: 'memo' }) || ''),
      });
      let sent = false;
      try {
        const request = refundsyncEvent.build({ https, crypto, encode }, settings, body, Date.now());
        const response = https.post(request);
        sent = response.code === 200;  // accepted, duplicate or ignored: all mean "recorded"
      } catch (e) {
        log.error({ title: 'refundsync send failed', details: String(e) });
      }
      if (!sent) {
        // Kept for the scheduled retry script; it re-signs with a fresh token (the old one would expire).
        const pending = record.create({ type: 'customrecord_refundsync_pending' });
        pending.setValue({ fieldId: 'custrecord_refundsync_body', value: body });
        pending.save();
      }
    }

    return { afterSubmit };
  });
