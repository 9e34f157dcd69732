import { describe, expect, it } from 'vitest';

import { addDbOptions, ConfigFileError } from '../../cli/config-files';

const POOL = { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 };

describe('addDbOptions: the node-config default.json edit changes no byte outside it', () => {
  it('keeps `"key" : value` spacing on the lines around the insertion (jsonc-parser modify re-formatted them)', () => {
    const text = '{\n  "db" : {\n    "host" : "localhost",\n    "port" : 5432\n  }\n}\n';
    expect(addDbOptions(text, POOL)).toBe(
      '{\n  "db" : {\n    "host" : "localhost",\n    "port" : 5432,\n    "options" : {\n      "pool" : {\n        "max" : 12,\n' +
        '        "min" : 2,\n        "idle" : 10000,\n        "acquire" : 30000,\n        "evict" : 10000\n      }\n    }\n  }\n}\n',
    );
  });

  it('adds only the keys the user did not set, in the existing pool object', () => {
    const text = '{\r\n\t"db": {\r\n\t\t"options": {\r\n\t\t\t"pool": { "max": 4, "idle": 5000 }\r\n\t\t}\r\n\t}\r\n}';
    expect(addDbOptions(text, POOL)).toBe('{\r\n\t"db": {\r\n\t\t"options": {\r\n\t\t\t"pool": { "max": 4, "idle": 5000, "min": 2, "acquire": 30000, "evict": 10000 }\r\n\t\t}\r\n\t}\r\n}');
  });

  it('returns the text unchanged when every key is set, or when `db` is not an object (a URL string)', () => {
    const full = '{ "db": { "options": { "pool": { "max": 1, "min": 0, "idle": 1, "acquire": 1, "evict": 1 } } } }';
    expect(addDbOptions(full, POOL)).toBe(full);
    const url = '{ "db": "postgres://app@db/app" }';
    expect(addDbOptions(url, POOL)).toBe(url);
  });

  it('refuses invalid JSON with one line naming the line, not the content', () => {
    expect(() => addDbOptions('{\n  "db": { "password": "s3cret" ,}\n}', POOL)).toThrow(new ConfigFileError('invalid JSON (PropertyNameExpected at line 2)'));
  });
});
