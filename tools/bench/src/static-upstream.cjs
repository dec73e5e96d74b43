// A stand-in upstream for the benchmark: answers recorded catalog answers
// from memory, so what is measured is the proxy in front of it, not the
// database behind the catalog. Usage: node static-upstream.cjs <port> <answers.json>
const { createServer } = require('node:http');
const { readFileSync } = require('node:fs');

const [port, answersPath] = process.argv.slice(2);
/** @type {Record<string, string>} path → JSON body */
const answers = JSON.parse(readFileSync(answersPath, 'utf8'));

createServer((request, response) => {
  const body =
    answers[request.url] ?? (request.url.startsWith('/health/') ? '{"status":"ok"}' : undefined);
  if (body === undefined) {
    response.writeHead(404, { 'content-type': 'application/problem+json' });
    response.end('{"title":"Not Found","status":404}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(body);
}).listen(Number(port), '127.0.0.1');
