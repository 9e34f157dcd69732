import { describe, expect, it } from 'vitest';

import { JsonEditError, setJsonValues } from '../../lib/edits/json-edits';

describe('setJsonValues: JSON edits that change no byte outside them', () => {
  it('keeps the spacing of the lines around an insertion (jsonc-parser modify turned `"idle" : 10000` into `"idle": 10000`)', () => {
    const text = '{\n  "development": {\n    "pool" : {\n      "max" : 5,\n      "idle" : 10000\n    }\n  }\n}\n';
    expect(setJsonValues(text, [{ path: ['development', 'pool', 'acquire'], value: 30000 }])).toBe(
      '{\n  "development": {\n    "pool" : {\n      "max" : 5,\n      "idle" : 10000,\n      "acquire" : 30000\n    }\n  }\n}\n',
    );
  });

  it('replaces a value where it is written and creates a missing object in the parent’s layout', () => {
    const text = '{\n  "production": {\n    "dialect": "postgres",\n    "pool": { "max": 50 }\n  },\n  "test": {\n    "dialect": "mysql"\n  }\n}';
    expect(
      setJsonValues(text, [
        { path: ['production', 'pool', 'max'], value: 12 },
        { path: ['production', 'pool', 'min'], value: 2 },
        { path: ['test', 'pool', 'max'], value: 33 },
        { path: ['test', 'pool', 'min'], value: 2 },
      ]),
    ).toBe(
      '{\n  "production": {\n    "dialect": "postgres",\n    "pool": { "max": 12, "min": 2 }\n  },\n  "test": {\n    "dialect": "mysql",\n    "pool": {\n      "max": 33,\n      "min": 2\n    }\n  }\n}',
    );
  });

  it('follows tabs and CRLF line endings, and fills an empty object', () => {
    const text = '{\r\n\t"a": {\r\n\t\t"pool": {}\r\n\t}\r\n}\r\n';
    expect(setJsonValues(text, [{ path: ['a', 'pool', 'max'], value: 1 }])).toBe('{\r\n\t"a": {\r\n\t\t"pool": {\r\n\t\t\t"max": 1\r\n\t\t}\r\n\t}\r\n}\r\n');
  });

  it('edits the last of duplicate keys, the one JSON.parse and require() keep', () => {
    const text = '{"a": {"max": 1}, "a": {"max": 2}}';
    const output = setJsonValues(text, [{ path: ['a', 'max'], value: 9 }]);
    expect(output).toBe('{"a": {"max": 1}, "a": {"max": 9}}');
    expect(JSON.parse(output)).toEqual({ a: { max: 9 } });
  });

  it('refuses a path through a value that is not an object, and invalid JSON, naming only a line', () => {
    expect(() => setJsonValues('{"a": {"pool": "none"}}', [{ path: ['a', 'pool', 'max'], value: 1 }])).toThrow(new JsonEditError('a.pool is not an object'));
    expect(() => setJsonValues('{\n"password": "hunter2",,\n}', [{ path: ['a'], value: 1 }])).toThrow(/^invalid JSON \(PropertyNameExpected at line 2\)$/u);
  });
});
