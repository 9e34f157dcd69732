// docs/benchmarks.md is written by `npm run bench` as a whole; a bench that runs alone (`--write`) replaces only its
// own `## ` section, or appends it when the document has none yet.
import { readFileSync, writeFileSync } from 'node:fs';

/** Replaces the section under `heading` (up to the next `## ` heading) in `file` with `section`. */
export function replaceSection(file, heading, section) {
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(`\n${heading}\n`);
  const body = `${section.trimEnd()}\n`;
  if (start === -1) {
    writeFileSync(file, `${doc.trimEnd()}\n\n${body}`);
    return;
  }
  const next = doc.indexOf('\n## ', start + heading.length + 1);
  writeFileSync(file, `${doc.slice(0, start + 1)}${body}${next === -1 ? '' : `\n${doc.slice(next + 1)}`}`);
}

/** The section under `heading` in `file` (up to the next `## ` heading), or null. */
export function existingSection(file, heading) {
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(`\n${heading}\n`);
  if (start === -1) return null;
  const next = doc.indexOf('\n## ', start + heading.length + 1);
  return doc.slice(start + 1, next === -1 ? undefined : next).trimEnd();
}
