import { DomoError, ForbiddenError, errorFromResponse, isDomoError, isNotFound, parseErrorBody, redactPath } from '../../client/errors';

describe('error bodies', () => {
  it('parses Domo JSON bodies', () => {
    expect(parseErrorBody('{"status":404,"statusReason":"Not Found","message":"File not found","toe":"ABC123"}')).toEqual({
      message: 'File not found',
      toe: 'ABC123',
      statusReason: 'Not Found',
    });
  });
  it('parses plain strings, JSON strings, HTML and empty bodies', () => {
    expect(parseErrorBody('Access denied')).toEqual({ message: 'Access denied' });
    expect(parseErrorBody('"Access denied"')).toEqual({ message: 'Access denied' });
    expect(parseErrorBody('<html><body>Bad gateway</body></html>')).toEqual({});
    expect(parseErrorBody('')).toEqual({});
    expect(parseErrorBody('[1,2]')).toEqual({ message: '[1,2]' });
  });
  it('builds the contract message and never includes the token', () => {
    const e = errorFromResponse({
      status: 404,
      method: 'POST',
      path: '/api/files/v1/filesets/X/files',
      attempts: 1,
      token: 'SECRET',
      bodyText: '{"status":404,"statusReason":"Not Found","message":"File not found for SECRET","toe":"ABC123"}',
    });
    expect(e.message).toBe('404 Not Found: POST /api/files/v1/filesets/X/files — File not found for *** (toe ABC123, 1 attempt)');
    expect(e).toMatchObject({ code: 'NOT_FOUND', name: 'NotFoundError', status: 404, toe: 'ABC123', attempts: 1 });
  });
  it.each([
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [429, 'RATE_LIMITED'],
    [500, 'SERVER_ERROR'],
    [503, 'SERVER_ERROR'],
    [400, 'HTTP_ERROR'],
    [422, 'HTTP_ERROR'],
  ])('maps %i to %s', (status, code) => {
    expect(errorFromResponse({ status, method: 'GET', path: '/p', bodyText: '', attempts: 2 }).code).toBe(code);
  });
  it('redacts token query parameters of content URLs', () => {
    expect(redactPath('/content?token=abc&x=1')).toBe('/content?token=REDACTED&x=1');
  });
});

describe('long request paths', () => {
  it('cuts the path in the message to 200 characters and keeps the full path on the error', () => {
    const long = `/api/files/v1/filesets/f/files/search?directoryPath=${'d%2F'.repeat(3000)}x`;
    const e = errorFromResponse({ status: 431, method: 'POST', path: long, bodyText: '', attempts: 1 });
    expect(e.path).toBe(long);
    expect(e.message.length).toBeLessThan(400);
    expect(e.message).toContain('…');
  });
});

describe('isDomoError across copies of the module', () => {
  it('recognizes an error thrown by a second copy of the client, which instanceof does not', () => {
    let foreign: unknown;
    jest.isolateModules(() => {
      const copy = require('../../client/errors') as typeof import('../../client/errors');
      foreign = new copy.NotFoundError('404 Not Found: GET /x (1 attempt)', { status: 404 });
    });
    expect(foreign).not.toBeInstanceOf(DomoError); // a second copy: another class
    expect(isDomoError(foreign)).toBe(true);
    expect(isNotFound(foreign)).toBe(true);
  });

  it('is false for look-alikes without the marker', () => {
    expect(isDomoError(Object.assign(new Error('x'), { code: 'NOT_FOUND', name: 'NotFoundError' }))).toBe(false);
    expect(isDomoError({ code: 'NOT_FOUND' })).toBe(false);
    expect(isDomoError(null)).toBe(false);
    expect(isNotFound({ code: 'NOT_FOUND', status: 404 })).toBe(false);
  });
});

describe('403 is never "gone"', () => {
  it('names the operation and the missing permission, and is not NOT_FOUND', () => {
    const e = errorFromResponse({
      status: 403,
      method: 'DELETE',
      path: '/api/files/v1/filesets/x',
      bodyText: 'Forbidden',
      attempts: 1,
      operation: 'deleteFileSet',
    });
    expect(e).toBeInstanceOf(ForbiddenError);
    expect(isNotFound(e)).toBe(false);
    expect(e.message).toContain('deleteFileSet');
    expect(e.message).toContain("the token's user lacks the permission");
    expect(e.message).toContain('403 for an object that does not exist');
    expect(e).toMatchObject({ operation: 'deleteFileSet', domoMessage: 'Forbidden' });
  });
});
