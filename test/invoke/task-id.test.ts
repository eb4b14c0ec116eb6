import { describe, expect, it } from 'vitest';
import { isValidTaskId, TASK_ID_PATTERN, taskIdFor, taskIdForChangeOrder } from '../../lib/invoke/task-id.js';

describe('async task IDs', () => {
  it('derives sae-rollback-<changeOrderId>, which FC accepts, even for the longest SAE ID', () => {
    expect(taskIdForChangeOrder('ba386059-69b1-4e65-b1e5-0682d9fa1234')).toBe(
      'sae-rollback-ba386059-69b1-4e65-b1e5-0682d9fa1234',
    );
    const longest = taskIdForChangeOrder('a'.repeat(64));
    expect(longest.length).toBe(77);
    expect(isValidTaskId(longest)).toBe(true);
  });

  it('refuses to derive from something that is not an SAE ID', () => {
    expect(() => taskIdForChangeOrder('co/../x')).toThrow(TypeError);
    expect(() => taskIdForChangeOrder('short')).toThrow(TypeError);
  });

  it("follows FC's rule: letter or _ first; letters, digits, _ and -; at most 128", () => {
    expect(isValidTaskId('_a-b_9')).toBe(true);
    expect(isValidTaskId('9abc')).toBe(false);
    expect(isValidTaskId('-abc')).toBe(false);
    expect(isValidTaskId('a.b')).toBe(false);
    expect(isValidTaskId(`a${'b'.repeat(127)}`)).toBe(true);
    expect(isValidTaskId(`a${'b'.repeat(128)}`)).toBe(false);
  });

  it('sanitises other keys and keeps long ones distinct', () => {
    expect(taskIdFor('app:abc/def')).toBe('sae-rollback-app_abc_def');
    const a = taskIdFor(`k${'x'.repeat(300)}a`);
    const b = taskIdFor(`k${'x'.repeat(300)}b`);
    expect(a).not.toBe(b);
    for (const id of [a, b]) expect(id).toMatch(TASK_ID_PATTERN);
  });
});
