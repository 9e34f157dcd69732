import { availableParallelism } from 'node:os';

import { describe, expect, it } from 'vitest';

import { countPm2Apps, countProcfileTypes, countSupervisorPrograms, ProcessFileError } from '../../lib/project/deployment';

describe('countSupervisorPrograms', () => {
  it('counts [program:…] sections × numprocs and ignores other sections and comments', () => {
    const count = countSupervisorPrograms(
      `[supervisord]
nodaemon=true ; comment

[program:web]
command=node server/main.js
numprocs=4
process_name=%(program_name)s_%(process_num)02d

; [program:disabled]
[program:cron]
command=node server/cron.js
autostart=false

[group:app]
programs=web,cron
`,
      'supervisord.conf',
      '/srv/app',
    );
    expect(count).toEqual({
      source: 'supervisord.conf',
      groups: [
        { name: 'web', count: 4, entry: '/srv/app/server/main.js' },
        { name: 'cron', count: 1, note: 'autostart=false (counted: it can be started)', entry: '/srv/app/server/cron.js' },
      ],
      total: 5,
    });
  });

  it('rejects a bad numprocs and a file without programs', () => {
    expect(() => countSupervisorPrograms('[program:web]\nnumprocs=0\n', 'a.conf')).toThrow(
      new ProcessFileError('a.conf:2: numprocs must be a whole number from 1 to 100000, got "0"'),
    );
    expect(() => countSupervisorPrograms('[supervisord]\n', 'a.conf')).toThrow('a.conf: no [program:…] sections');
  });
});

describe('countPm2Apps', () => {
  const cores = availableParallelism();

  it('reads apps and instances statically, without running the file', () => {
    const count = countPm2Apps(
      `const WORKERS = 3;
module.exports = {
  apps: [
    { name: 'api', script: 'server/main.js', instances: 'max', exec_mode: 'cluster' },
    { name: 'worker', script: 'server/background.js', instances: WORKERS },
    { name: 'cron', script: 'server/cron.js' },
    { name: 'media', script: 'server/media.js', instances: -1 },
  ],
};
process.exit(1); // never runs: the file is parsed, not executed
`,
      'ecosystem.config.js',
      '/srv/app',
    );
    expect(count.groups).toEqual([
      {
        name: 'api',
        count: cores,
        note: `instances: 'max' = ${cores} cores on this machine${cores > 1 ? '; exec_mode cluster: each instance is a process with its own pools' : ''}`,
        entry: '/srv/app/server/main.js',
      },
      { name: 'worker', count: 3, entry: '/srv/app/server/background.js' },
      { name: 'cron', count: 1, entry: '/srv/app/server/cron.js' },
      {
        name: 'media',
        count: Math.max(1, cores - 1),
        note: `instances: -1 = ${Math.max(1, cores - 1)} on this machine`,
        entry: '/srv/app/server/media.js',
      },
    ]);
    expect(count.total).toBe(cores + 3 + 1 + Math.max(1, cores - 1));
  });

  it('refuses what it cannot read statically', () => {
    expect(() => countPm2Apps("module.exports = require('./apps');", 'ecosystem.config.js')).toThrow(
      'ecosystem.config.js: cannot read a static `apps` array',
    );
    expect(() => countPm2Apps('module.exports = { apps: [{ name: "a", instances: process.env.N }] };', 'e.js')).toThrow(
      'e.js: cannot read `instances` of a',
    );
  });
});

describe('countProcfileTypes', () => {
  it('counts one process per type', () => {
    expect(countProcfileTypes('web: node --enable-source-maps server/main.js\nworker: npm run worker\n# comment\n', 'Procfile', '/srv/app')).toEqual({
      source: 'Procfile',
      groups: [
        { name: 'web', count: 1, note: 'scaled by the platform: 1 assumed', entry: '/srv/app/server/main.js' },
        { name: 'worker', count: 1, note: 'scaled by the platform: 1 assumed' },
      ],
      total: 2,
    });
  });
});
