'use strict';

const http = require('http');
const config = require('config');
const { sequelize, User, AuditLog } = require('./models');
const { poolStats } = require('./db/sequelize');
const { handleShutdown } = require('./lib/lifecycle');
const logger = require('./lib/logger');

const port = Number(process.env.PORT || config.get('http.port'));

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => {
      try {
        resolve(data ? JSON.parse(data) : {});
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

async function route(req, res) {
  const { pathname } = new URL(req.url, 'http://localhost');

  if (req.method === 'GET' && pathname === '/health') {
    await sequelize.query('SELECT 1');
    return send(res, 200, { ok: true });
  }
  if (req.method === 'GET' && pathname === '/pool') {
    return send(res, 200, poolStats());
  }
  if (req.method === 'GET' && pathname === '/users') {
    const users = await User.findAll({ order: [['id', 'ASC']], limit: 50 });
    return send(res, 200, users);
  }
  if (req.method === 'POST' && pathname === '/users') {
    const body = await readJson(req);
    const user = await User.create({ email: body.email, name: body.name });
    await AuditLog.create({ action: 'user.created', userId: user.id, payload: { email: user.email } });
    return send(res, 201, user);
  }
  return send(res, 404, { error: 'not found' });
}

const server = http.createServer((req, res) => {
  route(req, res).catch((err) => {
    logger.error(`${req.method} ${req.url} failed: ${err.name}: ${err.message}`);
    send(res, 500, { error: err.name });
  });
});

server.listen(port, () => logger.info(`listening on :${port}`));

handleShutdown(() => new Promise((resolve) => server.close(resolve)));
