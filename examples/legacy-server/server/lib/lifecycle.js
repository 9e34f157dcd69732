'use strict';

const { sequelize } = require('../db/sequelize');
const logger = require('./logger');

const timers = [];
let stopping = false;

// Runs fn every `ms`, skipping a tick while the previous run is still going.
function every(name, ms, fn) {
  let running = false;
  const tick = async () => {
    if (running || stopping) {
      return;
    }
    running = true;
    try {
      await fn();
    } catch (err) {
      logger.error(`${name} failed: ${err.name}: ${err.message}`);
    } finally {
      running = false;
    }
  };
  timers.push(setInterval(tick, ms));
  setImmediate(tick);
}

function handleShutdown(onStop) {
  const shutdown = async (signal) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    timers.forEach(clearInterval);
    // supervisord sends SIGKILL after stopwaitsecs anyway; don't wait on a stuck pool forever.
    setTimeout(() => {
      logger.error('shutdown timed out, exiting');
      process.exit(1);
    }, 8000).unref();
    try {
      if (onStop) {
        await onStop();
      }
      await sequelize.close();
      process.exit(0);
    } catch (err) {
      logger.error(`shutdown failed: ${err.message}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

module.exports = { every, handleShutdown };
