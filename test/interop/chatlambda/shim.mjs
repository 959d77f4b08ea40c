// A tiny Lambda Invoke API for the chat handlers: POST
// /2015-03-31/functions/{name}/invocations runs the handler with the JSON
// body as the event and answers its result, or a function error (200 with
// X-Amz-Function-Error: Unhandled) when it throws, as Lambda does. It listens
// on 127.0.0.1 on a free port and prints "listening PORT" when ready.
import http from 'node:http';
import { handler as onconnect } from './onconnect.mjs';
import { handler as ondisconnect } from './ondisconnect.mjs';
import { handler as sendmessage } from './sendmessage.mjs';
import { connections } from './table.mjs';

const functions = {
  OnConnectFunction: onconnect,
  OnDisconnectFunction: ondisconnect,
  SendMessageFunction: sendmessage,
};

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks).toString('utf8');
  if (req.method === 'GET' && req.url === '/connections') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify([...connections].sort()));
    return;
  }
  const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url);
  const fn = m && functions[decodeURIComponent(m[1])];
  if (req.method !== 'POST' || !fn) {
    res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
    res.end(JSON.stringify({ Type: 'User', message: 'Function not found: ' + req.url }));
    return;
  }
  try {
    const result = await fn(JSON.parse(body || '{}'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result ?? null));
  } catch (e) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
    res.end(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: String(e.stack).split('\n') }));
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
