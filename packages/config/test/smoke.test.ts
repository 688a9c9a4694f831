import { expect, test } from 'vitest';
import { placeholder } from '@podkit/config';

test('resolves the package from source', () => {
  expect(placeholder).toBe(true);
});
