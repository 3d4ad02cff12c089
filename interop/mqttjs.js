// The interop scenarios with MQTT.js (npm "mqtt", pinned by package-lock.json).
// usage: node mqttjs.js HOST PORT tcp|tls|ws|wss PREFIX [CAFILE CERT KEY]
// Prints one line per observation; InteropIT runs it against mosquitto and Midge and compares.
'use strict';
const fs = require('fs');
const mqtt = require('mqtt');

const [host, port, transport, prefix, cafile, cert, key] = process.argv.slice(2);
const WAIT = 10000;

function connect(name, v5, will) {
  const options = {
    clientId: prefix + name, protocolVersion: v5 ? 5 : 4, clean: true, reconnectPeriod: 0,
    connectTimeout: WAIT, keepalive: 30,
  };
  if (will) options.will = { topic: will[0], payload: will[1], qos: 1 };
  const url = {
    tcp: `mqtt://${host}:${port}`, tls: `mqtts://${host}:${port}`, ws: `ws://${host}:${port}/`,
    wss: `wss://${host}:${port}/`,
  }[transport];
  if (transport === 'tls' || transport === 'wss') {
    // wss: the same client certificate, carried by the TLS under the WebSocket
    Object.assign(options, { ca: fs.readFileSync(cafile), cert: fs.readFileSync(cert), key: fs.readFileSync(key) });
  }
  const c = mqtt.connect(url, options);
  c.inbox = [];
  c.waiting = [];
  c.on('message', (topic, payload, packet) => {
    const m = { topic, payload: payload.toString(), packet };
    const w = c.waiting.shift();
    if (w) w(m); else c.inbox.push(m);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no CONNACK')), WAIT);
    c.once('connect', (connack) => { clearTimeout(timer); c.connack = connack; resolve(c); });
    c.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

function nextMessage(c) {
  if (c.inbox.length) return Promise.resolve(c.inbox.shift());
  return new Promise((resolve) => {
    const timer = setTimeout(() => { c.waiting.shift(); resolve(null); }, WAIT);
    c.waiting.push((m) => { clearTimeout(timer); resolve(m); });
  });
}

const strip = (topic) => topic.substring(prefix.length);

async function scenario(name, fn) {
  try {
    await fn();
  } catch (e) {
    console.log(`${name} error ${e.message}`);
  }
}

async function connectBoth() {
  for (const v5 of [false, true]) {
    const c = await connect('conn', v5);
    console.log(`connect ${v5 ? 'v5' : 'v311'} rc=${c.connack.returnCode ?? c.connack.reasonCode ?? 0} `
      + `session_present=${c.connack.sessionPresent ? 1 : 0}`);
    await c.endAsync();
  }
}

async function qosRoundTrip() {
  for (const v5 of [false, true]) {
    const sub = await connect('qsub', v5);
    await sub.subscribeAsync(prefix + 'qos/#', { qos: 2 });
    const pub = await connect('qpub', v5);
    for (const qos of [0, 1, 2]) {
      await pub.publishAsync(`${prefix}qos/${qos}`, `q${qos}`, { qos });
      const m = await nextMessage(sub);
      console.log(`qos ${v5 ? 'v5' : 'v311'} ${qos} -> `
        + (m ? `${strip(m.topic)} qos=${m.packet.qos} ${m.payload}` : 'none'));
    }
    await sub.endAsync();
    await pub.endAsync();
  }
}

async function retained() {
  const pub = await connect('rpub', false);
  await pub.publishAsync(prefix + 'ret', 'kept', { qos: 1, retain: true });
  const sub = await connect('rsub', true);
  await sub.subscribeAsync(prefix + 'ret', { qos: 1 });
  const m = await nextMessage(sub);
  console.log('retained -> ' + (m ? `retain=${m.packet.retain ? 1 : 0} qos=${m.packet.qos} ${m.payload}` : 'none'));
  await pub.publishAsync(prefix + 'ret', '', { qos: 1, retain: true });
  await sub.endAsync();
  await pub.endAsync();
}

async function will() {
  const sub = await connect('wsub', true);
  await sub.subscribeAsync(prefix + 'will', { qos: 1 });
  const dying = await connect('wdie', true, [prefix + 'will', 'gone']);
  // MQTT 5: DISCONNECT 0x04 "Disconnect with Will Message" ends it as a lost connection would.
  await dying.endAsync(false, { reasonCode: 4 });
  const m = await nextMessage(sub);
  console.log('will -> ' + (m ? `${strip(m.topic)} ${m.payload}` : 'none'));
  await sub.endAsync();
}

async function properties() {
  const sub = await connect('psub', true);
  await sub.subscribeAsync(prefix + 'props/#', { qos: 1, properties: { subscriptionIdentifier: 7 } });
  const pub = await connect('ppub', true);
  await pub.publishAsync(prefix + 'props/t', '21.5',
    { qos: 1, properties: { userProperties: { device: 'dev1', unit: 'C' } } });
  const m = await nextMessage(sub);
  if (!m) {
    console.log('properties -> none');
  } else {
    const props = m.packet.properties || {};
    const user = Object.entries(props.userProperties || {}).sort();
    console.log('user_properties -> ' + JSON.stringify(user));
    const ids = props.subscriptionIdentifier;
    console.log('subscription_ids -> ' + JSON.stringify(ids === undefined ? null : [].concat(ids)));
  }
  await sub.endAsync();
  await pub.endAsync();
}

(async () => {
  await scenario('connect', connectBoth);
  await scenario('qos', qosRoundTrip);
  await scenario('retained', retained);
  await scenario('will', will);
  await scenario('properties', properties);
  console.log('done');
  process.exit(0);
})();
