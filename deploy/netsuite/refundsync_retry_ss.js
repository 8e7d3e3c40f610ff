/**
 * Sends again the refundsync events that refundsync_ue.js could not deliver (NetSuite does not retry).
 * Schedule every 15 minutes. Each event gets a fresh token (tokens live two minutes); refundsync dedupes on the
 * token's jti and, beyond that, on the refund itself, so a resend never posts a refund twice.
 *
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */
define(['N/https', 'N/crypto', 'N/encode', 'N/runtime', 'N/record', 'N/search', './refundsync_event'],
  /**
   * @param {typeof import('N/https')} https
   * @param {typeof import('N/crypto')} crypto
   * @param {typeof import('N/encode')} encode
   * @param {typeof import('N/runtime')} runtime
   * @param {typeof import('N/record')} record
   * @param {typeof import('N/search')} search
   * @param {RefundsyncEvent} refundsyncEvent
   */
  (https, crypto, encode, runtime, record, search, refundsyncEvent) => {
    /** @type {import('N/types').EntryPoints.Scheduled.execute} */
    function execute() {
      const script = runtime.getCurrentScript();
      const settings = refundsyncEvent.settingsOf(script);
      search.create({ type: 'customrecord_refundsync_pending', columns: ['custrecord_refundsync_body'] })
        .run().each((result) => {
          const body = /** @type {string} */ (result.getValue({ name: 'custrecord_refundsync_body' }));
          try {
            const response = https.post(refundsyncEvent.build({ https, crypto, encode }, settings, body, Date.now()));
            if (response.code === 200) record.delete({ type: 'customrecord_refundsync_pending', id: result.id });
          } catch (e) {
            log.error({ title: 'refundsync resend failed', details: String(e) });
          }
          return script.getRemainingUsage() > 100;
        });
    }
    return { execute };
  });
