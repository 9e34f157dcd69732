#!/bin/sh
# Runs `eslint-plugin-sequelize-pool codemod` with the workflow's parameters (unset ones are left out, so the
# command's own defaults apply). Inside an installed eslint-plugin-sequelize-pool, this package's own build runs;
# elsewhere (the package fetched from the Codemod registry), the same version from the npm registry.
set -eu

set --
[ -n "${PROCESSES:-}" ] && set -- "$@" --processes "$PROCESSES"
[ -n "${MAX_CONNECTIONS:-}" ] && set -- "$@" --max-connections "$MAX_CONNECTIONS"
[ -n "${RESERVED:-}" ] && set -- "$@" --reserved "$RESERVED"
[ -n "${MAX:-}" ] && set -- "$@" --max "$MAX"
[ -n "${IDLE_IN_TRANSACTION_TIMEOUT:-}" ] && set -- "$@" --idle-in-transaction-timeout "$IDLE_IN_TRANSACTION_TIMEOUT"
[ -n "${CONFIG_FILE:-}" ] && set -- "$@" --config "$CONFIG_FILE"
# Our command refuses a dirty git tree (the Codemod CLI does not check before a shell step); force=true overrides.
[ "${FORCE:-}" = "true" ] && set -- "$@" --force
[ "${DRY:-}" = "true" ] && set -- "$@" --dry
# Space-separated paths, split on purpose.
# shellcheck disable=SC2086
[ -n "${TARGET_PATHS:-}" ] && set -- "$@" $TARGET_PATHS

CLI="$CODEMOD_PATH/../dist/cli/index.js"
if [ -f "$CLI" ]; then
  exec node "$CLI" codemod "$@"
fi
VERSION=$(sed -n 's/^version: "\(.*\)"$/\1/p' "$CODEMOD_PATH/codemod.yaml")
exec npx --yes "eslint-plugin-sequelize-pool@$VERSION" codemod "$@"
