/** doctor's --help, in its own module: the CLI prints it without loading the analysis (or ESLint). */
export const DOCTOR_HELP = `Usage: eslint-plugin-sequelize-pool doctor [options]

Runs the connection checklist: every Sequelize pool in the checkout against the deployment (processes per
program, PgBouncer) and, with a database, PostgreSQL's limits, current sessions, transactions left open and long
queries. Read-only. See docs/doctor.md.

Options:
  --url <postgres://…>        Database to inspect (default: DATABASE_URL, else node-config db.*, else PGHOST…);
                              sslmode, sslrootcert, sslcert and sslkey in the URL are honoured, like PGSSLMODE
  --processes <n>             Processes that each open the pools
  --supervisor <file>         Count [program:…] sections × numprocs of a supervisord.conf
  --pm2 <file>                Count apps × instances of a pm2 ecosystem file (read, not run)
  --procfile <file>           Count the process types of a Procfile
  --compose <file>            Count services × deploy.replicas / scale of a docker-compose file
  --k8s <file>                Count Deployments' replicas (an HPA's maxReplicas) of a Kubernetes manifest
  --pgbouncer <file>          The pgbouncer.ini the application connects through
  --max-connections <n>       The database's max_connections, when it is not inspected
  --reserved-connections <n>  Slots the application cannot take (PostgreSQL: superuser_reserved_connections + reserved_connections)
  --root <dir>                Project to scan (default: the current directory)
  --env <name>                NODE_ENV whose config files to read (default: $NODE_ENV or development)
  --idle-in-transaction <s>   Seconds idle in a transaction that make a session a leak suspect (default 30)
  --timeout <s>               Deadline of each step against the database (default 5); past it the session is closed
  --no-live                   Skip the database even when settings are found
  --json                      Machine-readable report
  -h, --help                  Show this help

The deployment can be stated once for the lint rule, the codemod and doctor in package.json "sequelizePool"
(processes, processFile, dialect, maxConnections, reservedConnections, otherConnections, headroom, pgbouncer);
options given here win. Without either, doctor looks for supervisord.conf, ecosystem.config.js, Procfile,
docker-compose.yml and Kubernetes manifests in --root.
Exit codes: 0 within budget and no leak suspect, 1 a problem was found, 2 bad usage, the database cannot be
reached, or the check is incomplete (nothing found, a pool's max or the process count unknown).`;
