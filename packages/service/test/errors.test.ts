import { describe, expect, it } from 'vitest';
import { PodkitServiceError, ServiceDefinitionError, isPodkitServiceError } from '../src/index.ts';

describe('@podkit/service errors', () => {
  it('carry a stable code, the key at fault, and are recognised by the guard', () => {
    const err = new ServiceDefinitionError('port', 'is not a key of the config');
    expect(err).toBeInstanceOf(PodkitServiceError);
    expect(err).toMatchObject({ name: 'ServiceDefinitionError', code: 'ERR_PODKIT_SERVICE_DEFINITION', key: 'port', message: 'service definition: port is not a key of the config' });
    expect(isPodkitServiceError(err)).toBe(true);
    expect(isPodkitServiceError(new Error('x'))).toBe(false);
  });
});
