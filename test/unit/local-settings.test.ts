/** What npm start reads from its environment: PORT, checked before anything starts. */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PORT, LocalConfigError, portFrom } from '../../local/local-settings.js';

describe('portFrom', () => {
  it.each([
    [undefined, DEFAULT_PORT],
    ['', DEFAULT_PORT],
    ['0', 0],
    ['3001', 3001],
    [' 8080 ', 8080],
    ['65535', 65_535],
  ])('PORT=%p is %p', (value, port) => {
    expect(portFrom({ PORT: value })).toBe(port);
  });

  it.each(['abc', '99999', '65536', '-1', '3000.5', '1e3', '0x50', '3000abc'])('PORT=%s is a one-line LocalConfigError', (value) => {
    expect(() => portFrom({ PORT: value })).toThrow(LocalConfigError);
    expect(() => portFrom({ PORT: value })).toThrow(new RegExp(`^PORT must be a whole number from 0 to 65535 \\(0 picks a free port\\), not "${value}": e\\.g\\. PORT=3001 npm start$`));
  });
});
