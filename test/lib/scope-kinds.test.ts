/**
 * lib/scope-kinds.ts spells out the scope-manager enum values the analysis compares with, so that a JavaScript
 * project's lint never loads scope-manager: they must be the enums' values.
 */
import { DefinitionType as ScopeManagerDefinitionType, ScopeType as ScopeManagerScopeType } from '@typescript-eslint/scope-manager';
import { describe, expect, it } from 'vitest';

import { DefinitionType, ScopeType } from '../../lib/scope-kinds';

describe('scope kinds', () => {
  it.each(Object.entries(DefinitionType))('DefinitionType.%s is scope-manager\'s', (key, value) => {
    expect(value).toBe(ScopeManagerDefinitionType[key as keyof typeof ScopeManagerDefinitionType]);
  });

  it.each(Object.entries(ScopeType))('ScopeType.%s is scope-manager\'s', (key, value) => {
    expect(value).toBe(ScopeManagerScopeType[key as keyof typeof ScopeManagerScopeType]);
  });
});
