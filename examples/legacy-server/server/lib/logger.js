'use strict';

const path = require('path');
const util = require('util');

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };

const processName =
  process.env.PROCESS_NAME ||
  (process.argv[1] ? path.basename(process.argv[1], '.js') : 'node');

const threshold = LEVELS[(process.env.LOG_LEVEL || 'info').toLowerCase()] || LEVELS.info;

function write(level, args) {
  if (LEVELS[level] < threshold) {
    return;
  }
  const line = `${new Date().toISOString()} [${processName}] ${level.toUpperCase()} ${util.format(...args)}`;
  if (level === 'error') {
    console.error(line);
  } else if (level === 'warn') {
    console.warn(line);
  } else {
    console.log(line);
  }
}

module.exports = {
  processName,
  debug: (...args) => write('debug', args),
  info: (...args) => write('info', args),
  warn: (...args) => write('warn', args),
  error: (...args) => write('error', args),
};
