// Sends a few calls through each SDK, unchanged except for host and write key, and exits 0 only if
// every SDK reported every call delivered. Used by NodeSdkCompatibilityTest, which then checks Kafka.
//
// Environment: GATEWAY_URL (http://host:port), SEGMENT_WRITE_KEY, RUDDER_WRITE_KEY, RUN_ID.
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';

const { GATEWAY_URL, SEGMENT_WRITE_KEY, RUDDER_WRITE_KEY, RUN_ID } = process.env;
if (!GATEWAY_URL || !SEGMENT_WRITE_KEY || !RUDDER_WRITE_KEY || !RUN_ID) {
  console.error('GATEWAY_URL, SEGMENT_WRITE_KEY, RUDDER_WRITE_KEY and RUN_ID are required');
  process.exit(2);
}

const failures = [];

// Resolves when the SDK calls back for this call, recording any error it reports.
function delivered(label, send) {
  return new Promise((resolve) => {
    send((err) => {
      if (err) {
        failures.push(`${label}: ${err.message || err}`);
      }
      resolve();
    });
  });
}

async function segment() {
  const analytics = new Analytics({ writeKey: SEGMENT_WRITE_KEY, host: GATEWAY_URL, flushAt: 10, flushInterval: 500,
    maxRetries: 1 });
  analytics.on('http_response', (r) => { if (r.status >= 300) failures.push(`segment HTTP ${r.status}`); });
  const userId = `segment-node-${RUN_ID}`;
  const calls = [
    delivered('segment identify', (cb) => analytics.identify({ userId, traits: { plan: 'gold' } }, cb)),
    delivered('segment track', (cb) => analytics.track({ userId, event: 'Bet Placed', properties: { stake: 5 } }, cb)),
    delivered('segment page', (cb) => analytics.page({ userId, name: 'Home', properties: { path: '/' } }, cb)),
    delivered('segment group', (cb) => analytics.group({ userId, groupId: `household-${RUN_ID}` }, cb)),
  ];
  await Promise.all(calls);
  await analytics.closeAndFlush({ timeout: 20000 });
}

async function rudder() {
  const analytics = new RudderAnalytics(RUDDER_WRITE_KEY, { dataPlaneUrl: GATEWAY_URL, flushAt: 10,
    flushInterval: 500, retryCount: 0, logLevel: 'error' });
  const userId = `rudder-node-${RUN_ID}`;
  const calls = [
    delivered('rudder identify', (cb) => analytics.identify({ userId, traits: { plan: 'silver' } }, cb)),
    delivered('rudder track', (cb) => analytics.track({ userId, event: 'Deposit', properties: { amount: 20 } }, cb)),
    delivered('rudder screen', (cb) => analytics.screen({ userId, name: 'Wallet' }, cb)),
    delivered('rudder alias', (cb) => analytics.alias({ userId, previousId: `device-${RUN_ID}` }, cb)),
  ];
  await analytics.flush();
  await Promise.all(calls);
}

try {
  await segment();
  await rudder();
} catch (e) {
  failures.push(`unexpected: ${e.stack || e}`);
}
if (failures.length > 0) {
  console.error(`FAILED\n${failures.join('\n')}`);
  process.exit(1);
}
console.log('DELIVERED segment=4 rudder=4');
