/** Client factory for tests: tiny retry delays so retry tests run fast. */
import type { ClientOptions, DomoError, DomoFilesClient } from '../../../client';
import { testClient as harnessClient } from '../../support/harness';

/** The token every test client sends; tests assert it never leaks. */
export const TOKEN = 'tok-SECRET-123';

/** A client for `baseUrl` with fast retries (3 attempts, 1..20 ms). */
export function testClient(baseUrl: string, options: ClientOptions = {}): DomoFilesClient {
  return harnessClient(baseUrl, TOKEN, { ...options, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 20, ...options.retry } });
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function catchErr(p: Promise<unknown>): Promise<DomoError> {
  try {
    await p;
  } catch (e) {
    return e as DomoError;
  }
  throw new Error('expected a rejection');
}
