// wsworkbench's Node.js bootstrap: loads the function's handler and runs the
// Lambda Runtime API loop, as Lambda's own Node.js runtime does. Standard
// library only. Written by the workbench to its cache directory and run as
// `node node.cjs` in the function's code directory.
'use strict';

const http = require('http');
const path = require('path');
const fs = require('fs');
const util = require('util');
const { pathToFileURL } = require('url');

const [apiHost, apiPort] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const base = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();

function call(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: Number(apiPort), method, path: base + p, agent,
      headers: Object.assign({ 'Content-Type': 'application/json' }, headers || {}) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// errorObject is an error as Lambda's Node.js runtime reports it.
function errorObject(err) {
  if (err instanceof Error) {
    return { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack || '').split('\n') };
  }
  if (err === undefined || err === null) return { errorType: 'Error', errorMessage: String(err), trace: [] };
  if (typeof err === 'object') {
    return { errorType: err.errorType || err.name || 'Error', errorMessage: err.errorMessage || err.message || JSON.stringify(err), trace: [] };
  }
  return { errorType: 'string', errorMessage: String(err), trace: [] };
}

function stringify(value) {
  return value === undefined ? 'null' : JSON.stringify(value);
}

// Lambda prefixes each console line with the time, the request ID and the level.
let currentRequestId = undefined;
for (const [name, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  const stream = level === 'INFO' || level === 'DEBUG' ? process.stdout : process.stderr;
  console[name] = (...args) => {
    const msg = util.format(...args);
    stream.write(`${new Date().toISOString()}\t${currentRequestId || 'undefined'}\t${level}\t${msg}\n`);
  };
}

async function loadHandler() {
  const handler = process.env._HANDLER || '';
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot < 0) {
    const e = new Error(`Bad handler ${handler}: want file.function`);
    e.name = 'Runtime.MalformedHandlerName';
    throw e;
  }
  const modPath = path.resolve(taskRoot, handler.slice(0, dot));
  const names = handler.slice(dot + 1).split('.');
  let mod;
  const found = ['.js', '.mjs', '.cjs'].map((ext) => modPath + ext).find((f) => fs.existsSync(f));
  if (!found) {
    const e = new Error(`Cannot find module '${path.relative(taskRoot, modPath)}'`);
    e.name = 'Runtime.ImportModuleError';
    throw e;
  }
  try {
    if (found.endsWith('.mjs')) {
      mod = await import(pathToFileURL(found).href);
    } else {
      try {
        mod = require(found);
      } catch (err) {
        if (err && err.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(found).href);
        else throw err;
      }
    }
  } catch (err) {
    if (err instanceof SyntaxError) { err.name = 'Runtime.UserCodeSyntaxError'; throw err; }
    if (err && err.code === 'MODULE_NOT_FOUND') {
      const e = new Error(err.message); e.name = 'Runtime.ImportModuleError'; e.stack = err.stack; throw e;
    }
    throw err;
  }
  let fn = mod;
  for (const n of names) fn = fn == null ? undefined : fn[n];
  if (fn === undefined && mod && mod.default) {
    fn = mod.default;
    for (const n of names) fn = fn == null ? undefined : fn[n];
  }
  if (typeof fn !== 'function') {
    const e = new Error(`${handler} is undefined or not exported`);
    e.name = 'Runtime.HandlerNotFound';
    throw e;
  }
  return fn;
}

function makeContext(headers, done) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const ctx = {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    succeed: (result) => done(null, result),
    fail: (err) => done(err === undefined || err === null ? new Error('handled') : err),
    done: (err, result) => done(err, result),
  };
  return ctx;
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    console.error(util.format(err));
    await call('POST', '/init/error', JSON.stringify(errorObject(err)), { 'Lambda-Runtime-Function-Error-Type': errorObject(err).errorType });
    process.exit(1);
  }
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const id = next.headers['lambda-runtime-aws-request-id'];
    currentRequestId = id;
    let settled = false;
    const outcome = await new Promise((resolve) => {
      const done = (err, result) => {
        if (settled) return;
        settled = true;
        if (err !== undefined && err !== null) resolve({ err });
        else resolve({ result });
      };
      try {
        const event = JSON.parse(next.body.toString('utf8') || 'null');
        const ctx = makeContext(next.headers, done);
        const ret = handler(event, ctx, done);
        if (ret && typeof ret.then === 'function') ret.then((r) => done(null, r), (e) => done(e === undefined || e === null ? new Error(String(e)) : e));
        else if (handler.length < 3 && ret !== undefined) done(null, ret);
        else if (handler.length < 3) {
          // A non-async handler that takes no callback and returns nothing:
          // Lambda answers null.
          done(null, null);
        }
      } catch (err) {
        done(err);
      }
    });
    if ('err' in outcome) {
      const e = errorObject(outcome.err);
      console.error(`Invoke Error \t${JSON.stringify(e)}`);
      await call('POST', `/invocation/${id}/error`, JSON.stringify(e), { 'Lambda-Runtime-Function-Error-Type': e.errorType });
    } else {
      let body;
      try {
        body = stringify(outcome.result);
      } catch (err) {
        const e = errorObject(err);
        await call('POST', `/invocation/${id}/error`, JSON.stringify(e), { 'Lambda-Runtime-Function-Error-Type': e.errorType });
        continue;
      }
      await call('POST', `/invocation/${id}/response`, body);
    }
  }
}

process.on('unhandledRejection', (reason) => {
  const e = errorObject(reason);
  console.error(`Unhandled Promise Rejection \t${JSON.stringify(e)}`);
  process.exit(128);
});

main().catch((err) => {
  console.error(util.format(err));
  process.exit(1);
});
