/** What npm start reads from its environment: PORT, checked before anything starts. */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PORT, LocalConfigError, guardFrom, portFrom } from '../../local/local-settings.js';

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

describe('the guard settings of npm start', () => {
  it('is on by default, off with GUARD_ENABLED=false, and passes the variables that are set as they are', () => {
    expect(guardFrom({})).toEqual({ enabled: true, variables: {} });
    expect(guardFrom({ GUARD_ENABLED: 'false' })).toEqual({ enabled: false, variables: { GUARD_ENABLED: 'false' } });
    expect(guardFrom({ LIMIT_FRIEND_REQUESTS_PER_MINUTE: '2', UNRELATED: 'x' })).toEqual({ enabled: true, variables: { LIMIT_FRIEND_REQUESTS_PER_MINUTE: '2' } });
  });

  it.each([
    ['GUARD_ENABLED', 'no'],
    ['LIMIT_LISTS_PER_MINUTE', '-1'],
    ['GUARD_TIMEOUT_MS', '10'],
  ])('%s=%s is a one-line LocalConfigError naming the variable', (name, value) => {
    expect(() => guardFrom({ [name]: value })).toThrow(LocalConfigError);
    expect(() => guardFrom({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});
