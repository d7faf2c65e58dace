// Asks several questions on one WebSocket and prints every frame received as one JSON line.
// Usage: node ws-client.mjs <ws url> <token> <question>...
import WebSocket from 'ws';

const [url, token, ...questions] = process.argv.slice(2);
const socket = new WebSocket(url, { headers: { authorization: 'Bearer ' + token } });
let open = questions.length;

socket.on('open', () => {
  questions.forEach((question, i) => socket.send(JSON.stringify({ type: 'ask', ref: 'n' + i, question })));
});
socket.on('message', data => {
  const frame = JSON.parse(data.toString());
  console.log(JSON.stringify(frame));
  if (frame.type === 'done' || frame.type === 'error') {
    if (--open === 0) socket.close(1000);
  }
});
socket.on('unexpected-response', (req, res) => {
  console.log(JSON.stringify({ type: 'http', status: res.statusCode }));
  process.exit(0);
});
socket.on('close', (code, reason) => {
  if (open > 0) { console.error('closed with ' + open + ' questions open: ' + code + ' ' + reason); process.exit(4); }
});
socket.on('error', err => { console.error(err.message); process.exit(2); });
// unref: the open socket keeps the process alive, the timer only bounds it
setTimeout(() => { console.error('timed out'); process.exit(3); }, 60000).unref();
