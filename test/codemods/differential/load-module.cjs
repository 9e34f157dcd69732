'use strict';
/**
 * Child process of the differential test (differential.ts): loads one setup module under several environments
 * and prints, as JSON on stdout, every argument list `new Sequelize(...)` received.
 *
 * - `sequelize`, `sequelize-typescript` and `@sequelize/core` are a capturing stand-in (Module._load hook);
 * - every other package is an inert stub that records its path (`winston.createLogger().info`), except Node's
 *   built-ins and node-config, which is the real package when the fixture has a config/ directory;
 * - a relative import that the fixture does not contain is a stub too;
 * - TypeScript and ES modules are transpiled to CommonJS with typescript.transpileModule (inline source maps, so
 *   stack lines are the original file's), then run by Node's own CommonJS loader.
 *
 * Input (argv[2]): JSON { root, entry, runs: [{ env }] }. Output: JSON [{ captures: [{ line, args }], error }].
 */
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const input = JSON.parse(process.argv[2]);
const root = fs.realpathSync(input.root);
const entry = path.join(root, input.entry);
const STUB_PATH = Symbol('stub path');
const SEQUELIZE_PACKAGES = new Set(['sequelize', 'sequelize-typescript', '@sequelize/core']);
const hasConfigDirectory = fs.existsSync(path.join(root, 'config')) && fs.readdirSync(path.join(root, 'config')).some((file) => /^(default|development|production|test|custom-environment-variables)\.(json|json5|jsonc|ya?ml|js|cjs)$/u.test(file));

let captures = [];

/** An inert value standing for anything a stubbed package returns: callable, constructible, any property. */
function stub(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_target, property) {
      if (property === STUB_PATH) return name;
      if (typeof property === 'string' && Object.prototype.hasOwnProperty.call(target, property) && !['length', 'name', 'prototype', 'arguments', 'caller'].includes(property)) return target[property];
      if (property === 'then') return undefined; // not a thenable: `await stub` goes on
      if (property === Symbol.toPrimitive) return () => `<${name}>`;
      if (property === Symbol.iterator) return undefined;
      if (property === 'prototype') return target.prototype;
      if (property === '__esModule') return true; // TypeScript's import helpers then take the stub as the module
      if (typeof property === 'symbol') return undefined;
      return stub(`${name}.${property}`);
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}()`);
    },
    has() {
      return true;
    },
    set(target_, property, value) {
      target[property] = value;
      return true;
    },
  });
}

/** The stand-in for a Sequelize package: its `Sequelize` records each construction's arguments and call site. */
function sequelizePackage(name) {
  function Sequelize(...args) {
    if (!new.target) throw new TypeError("Class constructor Sequelize cannot be invoked without 'new'");
    captures.push({ line: callSiteLine(new Error().stack), args: canonical(args) });
    return stub(`${name}#instance`);
  }
  const statics = stub(`${name}.Sequelize`);
  const exported = new Proxy(Sequelize, {
    get(target, property) {
      if (property === 'Sequelize' || property === 'default') return exported;
      if (property === 'prototype') return target.prototype;
      if (property === '__esModule') return undefined;
      if (typeof property === 'symbol') return undefined;
      if (property === 'name' || property === 'length') return target[property];
      return statics[property];
    },
  });
  return exported;
}

function callSiteLine(stack) {
  for (const frame of String(stack).split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/u.exec(frame.trim());
    if (match === null) continue;
    const file = match[1].replace(/^file:\/\//u, '');
    if (file.startsWith(root)) return { file: path.relative(root, file), line: Number(match[2]), column: Number(match[3]) };
  }
  return null;
}

const KNOWN_FUNCTIONS = new Map();
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace']) KNOWN_FUNCTIONS.set(console[method], `console.${method}`);

/** A JSON value for any argument: functions by identity, arity and source; stubs by path; cycles marked. */
function canonical(value) {
  const functionIds = new Map();
  const seen = new Set();
  const walk = (current, depth) => {
    if (current === undefined) return { $undefined: true };
    if (current === null || typeof current === 'boolean' || typeof current === 'string') return current;
    if (typeof current === 'number') return Number.isFinite(current) ? current : { $number: String(current) };
    if (typeof current === 'bigint') return { $bigint: String(current) };
    if (typeof current === 'symbol') return { $symbol: String(current) };
    if (typeof current === 'function' && current[STUB_PATH] !== undefined) {
      // Properties the module assigned to a stub (`dbconfig.logging = …`) are part of what Sequelize sees.
      const result = { $stub: current[STUB_PATH] };
      if (seen.has(current)) return result;
      seen.add(current);
      for (const key of Object.keys(current).sort()) result[key] = walk(current[key], depth + 1);
      seen.delete(current);
      return result;
    }
    if (typeof current === 'function') {
      if (KNOWN_FUNCTIONS.has(current)) return { $function: KNOWN_FUNCTIONS.get(current) };
      if (!functionIds.has(current)) functionIds.set(current, functionIds.size);
      return { $function: Function.prototype.toString.call(current), arity: current.length, id: functionIds.get(current) };
    }
    if (seen.has(current)) return { $cycle: true };
    if (depth > 10) return { $deep: true };
    seen.add(current);
    try {
      if (Array.isArray(current)) return current.map((item) => walk(item, depth + 1));
      if (current instanceof RegExp) return { $regexp: String(current) };
      if (Buffer.isBuffer(current)) return { $buffer: current.toString('base64') };
      const result = {};
      const prototype = Object.getPrototypeOf(current);
      if (prototype !== null && prototype !== Object.prototype) result.$class = prototype.constructor && prototype.constructor.name;
      for (const key of Object.keys(current).sort()) result[key] = walk(current[key], depth + 1);
      return result;
    } finally {
      seen.delete(current);
    }
  };
  return walk(value, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Loading: the hooks.

let typescript = null;
let bypass = false;
function transpile(source, filename) {
  if (typescript === null) {
    bypass = true;
    try {
      typescript = require('typescript');
    } finally {
      bypass = false;
    }
  }
  const prepared = source.replace(/\bimport\.meta\.url\b/gu, "require('node:url').pathToFileURL(__filename).href").replace(/\bimport\.meta\.dirname\b/gu, '__dirname').replace(/\bimport\.meta\.filename\b/gu, '__filename');
  const output = typescript.transpileModule(prepared, {
    fileName: filename,
    compilerOptions: {
      module: typescript.ModuleKind.CommonJS,
      target: typescript.ScriptTarget.ES2022,
      esModuleInterop: true,
      allowJs: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: false,
      inlineSourceMap: true,
      inlineSources: true,
      jsx: typescript.JsxEmit.React,
    },
  });
  return output.outputText;
}

const ESM_SYNTAX = /^\s*(?:import\s*(?:[\w*{$]|['"])|export\s+(?:default|const|let|var|function|class|async|\{|\*))/mu;
const originalJs = Module._extensions['.js'];
for (const extension of ['.ts', '.mts', '.cts', '.tsx', '.mjs', '.js', '.cjs']) {
  const original = Module._extensions[extension] ?? originalJs;
  Module._extensions[extension] = function load(module, filename) {
    if (!filename.startsWith(root)) return original(module, filename);
    const source = fs.readFileSync(filename, 'utf8').replace(/^\uFEFF/u, '');
    const needsTranspile = /\.(?:ts|mts|cts|tsx|mjs)$/u.test(filename) || ESM_SYNTAX.test(source);
    module._compile(needsTranspile ? transpile(source, filename) : source, filename);
  };
}

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const bare = request.replace(/^node:/u, '');
  if (bypass) return originalLoad.call(this, request, parent, isMain);
  if (SEQUELIZE_PACKAGES.has(request)) return sequelizePackage(request);
  // Real packages (node-config, typescript) load their own dependencies for real.
  const parentFile = parent === undefined || parent === null ? '' : String(parent.filename);
  if (parentFile === '' || (!parentFile.startsWith(root) && parentFile !== __filename)) return originalLoad.call(this, request, parent, isMain);
  if (Module.builtinModules.includes(bare)) return originalLoad.call(this, request, parent, isMain);
  // The real node-config, resolved from this repository's node_modules, reading the fixture's config/.
  if (request === 'config' && hasConfigDirectory) return originalLoad.call(this, require.resolve('config'), parent, isMain);
  const relative = request.startsWith('.') || request.startsWith('/');
  if (relative) {
    let resolved = null;
    try {
      resolved = Module._resolveFilename(request, parent, isMain);
    } catch {
      // Not in the fixture: a stub, like a package.
    }
    if (resolved !== null && resolved.startsWith(root)) return originalLoad.call(this, request, parent, isMain);
  }
  if (request === 'config') return nodeConfigStub();
  return stub(request);
};

/** node-config without config files: `get` returns a stub named by the path, `has` is false for db.options (a new key). */
function nodeConfigStub() {
  const config = stub('config');
  return new Proxy(config, {
    get(target, property) {
      if (property === 'has') return (key) => !String(key).startsWith('db.options');
      if (property === 'get') return (key) => stub(`config.get(${JSON.stringify(key)})`);
      return target[property];
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The runs.

class ProcessExit extends Error {}

/**
 * Factories construct only when called: call every exported function (and static method of an exported class)
 * once without arguments, in key order, ignoring what they throw. Both variants get the same calls.
 */
async function callFactories(exported) {
  const candidates = [];
  const add = (value, name) => {
    if (typeof value === 'function' && value[STUB_PATH] === undefined) candidates.push([name, value]);
  };
  add(exported, 'module.exports');
  if (exported !== null && (typeof exported === 'object' || typeof exported === 'function') && exported[STUB_PATH] === undefined) {
    for (const key of Object.keys(exported).sort()) add(exported[key], key);
    if (typeof exported === 'function') {
      for (const key of Object.getOwnPropertyNames(exported).sort()) {
        if (!['length', 'name', 'prototype', 'arguments', 'caller'].includes(key) && !Object.keys(exported).includes(key)) add(exported[key], key);
      }
    }
  }
  for (const [, fn] of candidates) {
    try {
      const isClass = /^class[\s{]/u.test(Function.prototype.toString.call(fn));
      if (isClass) {
        for (const key of Object.getOwnPropertyNames(fn).sort()) {
          if (typeof fn[key] === 'function' && !['length', 'name', 'prototype'].includes(key)) {
            try {
              await Promise.race([fn[key](), new Promise((resolve) => setTimeout(resolve, 5))]);
            } catch {
              // a factory that needs arguments: nothing to learn
            }
          }
        }
        continue;
      }
      const before = captures.length;
      try {
        await Promise.race([fn(), new Promise((resolve) => setTimeout(resolve, 5))]);
      } catch {
        // retried with an argument below
      }
      // A factory that needs its settings (`orm(dbcfg)`): once more with a stub for them.
      if (captures.length === before && fn.length > 0) await Promise.race([fn(stub('argument')), new Promise((resolve) => setTimeout(resolve, 5))]);
    } catch {
      // a factory that needs arguments: nothing to learn
    }
  }
}

const baseEnvironment = { PATH: process.env.PATH, SUPPRESS_NO_CONFIG_WARNING: 'y', NODE_CONFIG_DIR: path.join(root, 'config') };
const results = [];
const quiet = () => undefined;
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace']) console[method] = quiet;
KNOWN_FUNCTIONS.clear();
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace']) KNOWN_FUNCTIONS.set(console[method], `console.${method}`);
// console.* are all the same quiet function now: tell them apart by name again.
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
  const named = { [method]: (...args) => quiet(...args) }[method];
  console[method] = named;
  KNOWN_FUNCTIONS.set(named, `console.${method}`);
}
process.exit = (code) => {
  throw new ProcessExit(`process.exit(${code ?? ''})`);
};
process.on('unhandledRejection', () => undefined);
process.on('uncaughtException', () => undefined);

async function main() {
  for (const run of input.runs) {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, baseEnvironment, run.env);
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(root) || key.includes(`${path.sep}node_modules${path.sep}config${path.sep}`)) delete require.cache[key];
    }
    captures = [];
    let error = null;
    try {
      const exported = require(entry);
      // Constructions in a promise chain or an async function called at load time.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await callFactories(exported);
    } catch (caught) {
      error = caught instanceof Error ? `${caught.constructor.name}: ${caught.message}` : String(caught);
    }
    results.push({ captures, error });
  }
  process.stdout.write(JSON.stringify(results));
  process.exitCode = 0;
}

main().then(
  () => process.reallyExit(0),
  (error) => {
    process.stderr.write(String(error && error.stack));
    process.reallyExit(3);
  },
);
