/**
 * The README's code blocks, each named by the `<!-- snippet: name -->` comment right above it. Tests look a block up
 * by name and run it; test/readme.test.ts checks that every block has a name and a test that runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Snippet {
  name: string;
  /** The fence's info string: `sh`, `js`, `json`, `diff`, `text`. */
  language: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export const README = path.join(__dirname, '..', 'README.md');

/** Every fenced block of the README in order; `name` is '' when no snippet comment precedes it. */
export function readmeBlocks(markdown = readFileSync(README, 'utf8')): Snippet[] {
  const lines = markdown.split('\n');
  const blocks: Snippet[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^```(\S*)\s*$/u.exec(lines[index] ?? '');
    if (!open) continue;
    const label = /^<!-- snippet: (.+) -->$/u.exec(lines[index - 1] ?? '');
    const end = lines.findIndex((text, at) => at > index && text.startsWith('```'));
    if (end === -1) throw new Error(`README.md:${index + 1}: unclosed code block`);
    blocks.push({ name: label?.[1] ?? '', language: open[1] ?? '', code: `${lines.slice(index + 1, end).join('\n')}\n`, line: index + 1 });
    index = end;
  }
  return blocks;
}

/** The README block named `name`; throws when there is none. */
export function snippet(name: string): Snippet {
  const found = readmeBlocks().find((block) => block.name === name);
  if (!found) throw new Error(`README.md has no block marked <!-- snippet: ${name} -->`);
  return found;
}

/** The command lines of a `sh` block: comments stripped, blank lines dropped. */
export function commands(block: Snippet): string[] {
  return block.code
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/u, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
