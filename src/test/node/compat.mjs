// Drives a running server with the official socket.io-client (v4) over every transport setup a
// browser may end up with, so that a protocol mismatch shows up here rather than in a user's tab.
// Usage: node compat.mjs <baseUrl>. Prints OK and exits 0, or prints the reason and exits 1.
import { randomBytes, randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';

const ACK_TIMEOUT_MS = 10_000;
const EVENT_TIMEOUT_MS = 10_000;
const OVERALL_TIMEOUT_MS = 60_000;

const baseUrl = process.argv[2];
if (!baseUrl) {
  fail('usage: node compat.mjs <baseUrl>');
}

// A hung connection must not hang the build: give up as a failure after a fixed time.
setTimeout(() => fail(`timed out after ${OVERALL_TIMEOUT_MS} ms`), OVERALL_TIMEOUT_MS).unref();

function fail(reason) {
  process.stderr.write(`FAIL: ${reason}\n`);
  process.exit(1);
}

function check(condition, what, observed) {
  if (!condition) {
    // Enough of what came back to see the mismatch, without pages of history.
    const shown = JSON.stringify(observed) ?? String(observed);
    throw new Error(`${what}; observed: ${shown.length > 2000 ? `${shown.slice(0, 2000)}...` : shown}`);
  }
}

// The session endpoint mints the guest cookie; every socket below presents it, so all of them are
// one guest, as the tabs of one browser are.
async function openSession() {
  const res = await fetch(new URL('/api/session', baseUrl));
  check(res.ok, 'GET /api/session should succeed', res.status);
  const pair = res.headers.getSetCookie()
    .map((header) => header.split(';', 1)[0].trim())
    .find((p) => p.startsWith('owc_guest='));
  check(pair, 'GET /api/session should set the owc_guest cookie', res.headers.getSetCookie());
  const body = await res.json();
  check(typeof body.guestId === 'string', 'GET /api/session should return a guestId', body);
  return { cookie: pair, guestId: body.guestId };
}

// Every NEW_MESSAGE a socket receives is kept, so a test can wait for one that already arrived.
function connect(label, cookie, transports) {
  const options = {
    forceNew: true,
    reconnection: false,
    timeout: EVENT_TIMEOUT_MS,
    extraHeaders: { Cookie: cookie },
  };
  if (transports) {
    options.transports = transports;
  }
  const socket = io(baseUrl, options);
  const client = { label, socket, received: [], waiters: [] };
  socket.on('NEW_MESSAGE', (message) => {
    client.received.push(message);
    client.waiters.forEach((wake) => wake());
  });
  return opened(client).then(() => client);
}

function opened(client) {
  return new Promise((resolve, reject) => {
    client.socket.once('connect', resolve);
    client.socket.once('connect_error', (err) => reject(new Error(
      `${client.label}: connect failed: ${err.message} ${JSON.stringify({ description: String(err.description ?? ''), context: err.context?.statusText ?? err.context?.message ?? '' })}`)));
    if (!client.socket.connected && !client.socket.active) {
      client.socket.connect();
    }
  });
}

async function ack(client, event, ...args) {
  try {
    return await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args);
  } catch (err) {
    throw new Error(`${client.label}: no ack for ${event} within ${ACK_TIMEOUT_MS} ms (${err.message})`);
  }
}

function waitForMessage(client, id) {
  return new Promise((resolve, reject) => {
    const done = () => {
      const found = client.received.find((m) => m.id === id);
      if (found) {
        clearTimeout(timer);
        client.waiters = client.waiters.filter((w) => w !== done);
        resolve(found);
      }
    };
    const timer = setTimeout(() => reject(new Error(
      `${client.label}: no NEW_MESSAGE with id ${id} within ${EVENT_TIMEOUT_MS} ms; received ids: ${JSON.stringify(client.received.map((m) => m.id))}`)),
    EVENT_TIMEOUT_MS);
    client.waiters.push(done);
    done();
  });
}

// The default setup starts on polling and should move to websocket; an upgrade the server
// refuses would silently leave browsers on polling, so it is checked rather than assumed.
function upgraded(client) {
  const engine = client.socket.io.engine;
  if (engine.transport.name === 'websocket') {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(
      `${client.label}: no upgrade to websocket within ${EVENT_TIMEOUT_MS} ms (still on ${engine.transport.name})`)),
    EVENT_TIMEOUT_MS);
    engine.once('upgrade', (transport) => {
      clearTimeout(timer);
      if (transport.name === 'websocket') {
        resolve();
      } else {
        reject(new Error(`${client.label}: upgraded to ${transport.name}, expected websocket`));
      }
    });
  });
}

async function join(client, session, payload) {
  const reply = payload === undefined ? await ack(client, 'JOIN_CHAT') : await ack(client, 'JOIN_CHAT', payload);
  check(reply?.ok === true, `${client.label}: JOIN_CHAT should be acked ok`, reply);
  check(reply.guestId === session.guestId, `${client.label}: JOIN_CHAT should name the cookie's guest ${session.guestId}`, reply);
  check(Array.isArray(reply.messages), `${client.label}: JOIN_CHAT should return messages`, reply);
  return reply;
}

async function send(client, content) {
  const clientMessageId = randomUUID();
  const reply = await ack(client, 'SEND_MESSAGE', { content, clientMessageId });
  check(reply?.ok === true, `${client.label}: SEND_MESSAGE should be acked ok`, reply);
  const message = reply.message;
  check(message && typeof message.id === 'string', `${client.label}: SEND_MESSAGE ack should carry the message`, reply);
  check(message.content === content && message.clientMessageId === clientMessageId,
    `${client.label}: the acked message should echo content and clientMessageId`, message);
  return message;
}

async function main() {
  const session = await openSession();
  const clients = [];
  try {
    // (b) Each transport setup connects with the cookie and joins as the session's guest.
    const websocket = await connect('websocket-only', session.cookie, ['websocket']);
    clients.push(websocket);
    const polling = await connect('polling-only', session.cookie, ['polling']);
    clients.push(polling);
    const upgrading = await connect('default', session.cookie, undefined);
    clients.push(upgrading);
    check(polling.socket.io.engine.transport.name === 'polling', 'polling-only should stay on polling',
      polling.socket.io.engine.transport.name);
    await upgraded(upgrading);
    for (const client of clients) {
      await join(client, session);
    }

    // (c) A message sent over one transport reaches a socket on another.
    const username = `node_${randomBytes(4).toString('hex')}`;
    const named = await ack(websocket, 'SET_USERNAME', { username });
    check(named?.ok === true && named.username === username, 'SET_USERNAME should be acked ok with the name', named);
    const first = await send(websocket, `hello from node ${randomUUID()}`);
    check(first.senderId === session.guestId && first.senderName === username,
      'the message should name its sender', first);
    await waitForMessage(polling, first.id);
    await waitForMessage(upgrading, first.id);

    // (d) A client that was away catches up with JOIN_CHAT {since}, missing nothing.
    const lastSeen = polling.received.at(-1).id;
    polling.socket.disconnect();
    const missed = await send(websocket, `while you were away ${randomUUID()}`);
    await opened(polling);
    const rejoined = await join(polling, session, { since: lastSeen });
    check(rejoined.messages.length === 1 && rejoined.messages[0].id === missed.id,
      `JOIN_CHAT {since: ${lastSeen}} should return exactly the missed message ${missed.id}`,
      rejoined.messages.map((m) => m.id));

    // (e) An unknown event with a callback is acked with UNKNOWN_EVENT.
    const unknown = await ack(upgrading, 'NO_SUCH_EVENT', {});
    check(unknown?.ok === false && unknown.error?.code === 'UNKNOWN_EVENT',
      'an unknown event should be acked {ok:false, error:{code:"UNKNOWN_EVENT"}}', unknown);
  } finally {
    clients.forEach((client) => client.socket.disconnect());
  }
}

main().then(() => {
  process.stdout.write('OK\n');
  process.exit(0);
}, (err) => fail(`${err?.stack ?? err}${err?.cause ? `\ncaused by: ${err.cause}` : ''}`));
