import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  internalError,
  invalid,
  methodNotAllowed,
  noSuchPath,
  notFound,
  requestEntityTooLarge,
  statusOf,
  unsupportedMediaType,
} from './status.ts';

const pods = builtinResources.find((r) => r.resource === 'pods')!;
const deployments = builtinResources.find((r) => r.resource === 'deployments')!;

describe('Status errors', () => {
  test('NotFound is a 404 Status naming the resource and the object', () => {
    expect(notFound(pods, 'web').status(), 'notFound(pods, "web").status()').toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "web" not found',
      reason: 'NotFound',
      details: { name: 'web', kind: 'pods' },
      code: 404,
    });
  });

  test('errors are ApiErrors: code and reason are readable without building the Status', () => {
    const error = notFound(pods, 'web');
    expect(error, 'notFound(...)').toBeInstanceOf(ApiError);
    expect([error.code, error.reason], 'notFound(...) code and reason').toEqual([404, 'NotFound']);
  });

  test('a resource outside the core group is named with its group: deployments.apps', () => {
    const status = notFound(deployments, 'web').status();
    expect(status.message, 'notFound(deployments, "web") message').toBe(
      'deployments.apps "web" not found',
    );
    expect(status.details, 'its details').toEqual({
      name: 'web',
      group: 'apps',
      kind: 'deployments',
    });
  });

  test('AlreadyExists is a 409', () => {
    const status = alreadyExists(pods, 'web').status();
    expect([status.code, status.reason, status.message], 'alreadyExists(pods, "web")').toEqual([
      409,
      'AlreadyExists',
      'pods "web" already exists',
    ]);
  });

  test('Conflict is a 409 that tells the client to read the latest version again', () => {
    const status = conflict(deployments, 'web').status();
    expect([status.code, status.reason], 'conflict(deployments, "web")').toEqual([409, 'Conflict']);
    expect(status.message, 'its message').toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; ' +
        'please apply your changes to the latest version and try again',
    );
  });

  test('Invalid is a 422 with one cause per field; details name the Kind', () => {
    const status = invalid(pods, 'web', [
      { type: 'FieldValueRequired', field: 'spec.containers[0].image' },
    ]).status();
    expect(status, 'invalid(pods, "web", [image required])').toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Pod "web" is invalid: spec.containers[0].image: Required value',
      reason: 'Invalid',
      details: {
        name: 'web',
        kind: 'Pod',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value',
            field: 'spec.containers[0].image',
          },
        ],
      },
      code: 422,
    });
  });

  test('several field errors are listed in brackets, each with its value and why', () => {
    const status = invalid(deployments, 'Web', [
      {
        type: 'FieldValueInvalid',
        field: 'metadata.name',
        value: 'Web',
        detail: 'must be lower case',
      },
      {
        type: 'FieldValueInvalid',
        field: 'spec.replicas',
        value: -1,
        detail: 'must be greater than or equal to 0',
      },
      {
        type: 'FieldValueNotSupported',
        field: 'spec.strategy.type',
        value: 'Fast',
        detail: 'supported values: "Recreate", "RollingUpdate"',
      },
    ]).status();
    expect(status.message, 'invalid(deployments, "Web", 3 errors) message').toBe(
      'Deployment.apps "Web" is invalid: [metadata.name: Invalid value: "Web": must be lower case, ' +
        'spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.strategy.type: ' +
        'Unsupported value: "Fast": supported values: "Recreate", "RollingUpdate"]',
    );
    expect(
      status.details?.causes?.map((cause) => cause.field),
      "the causes' fields",
    ).toEqual(['metadata.name', 'spec.replicas', 'spec.strategy.type']);
    expect(status.details?.causes?.[1]?.message, 'the second cause').toBe(
      'Invalid value: -1: must be greater than or equal to 0',
    );
  });

  test('the request errors have their own codes and reasons', () => {
    const codes = [
      badRequest('bad'),
      noSuchPath(),
      methodNotAllowed(),
      requestEntityTooLarge(3 * 1024 * 1024),
      unsupportedMediaType('text/plain', ['application/json', 'application/yaml']),
      expired(5, 9),
    ].map((error) => [error.code, error.reason]);
    expect(
      codes,
      'badRequest, noSuchPath, methodNotAllowed, tooLarge, unsupportedMediaType, expired',
    ).toEqual([
      [400, 'BadRequest'],
      [404, 'NotFound'],
      [405, 'MethodNotAllowed'],
      [413, 'RequestEntityTooLarge'],
      [415, 'UnsupportedMediaType'],
      [410, 'Expired'],
    ]);
  });

  test("the request errors say what went wrong in Kubernetes' words", () => {
    expect(
      [noSuchPath().message, methodNotAllowed().message],
      'the messages of noSuchPath() and methodNotAllowed()',
    ).toEqual([
      'the server could not find the requested resource',
      'the server does not allow this method on the requested resource',
    ]);
    expect(
      unsupportedMediaType('text/plain', ['application/json', 'application/yaml']).message,
      'unsupportedMediaType("text/plain", [json, yaml]).message',
    ).toBe(
      'the body of the request was in an unknown format (text/plain) - accepted media types ' +
        'include: application/json, application/yaml',
    );
    expect(
      [requestEntityTooLarge(1024).message, badRequest('limit is -1').message],
      'the messages of requestEntityTooLarge(1024) and badRequest("limit is -1")',
    ).toEqual(['Request entity too large: limit is 1024', 'limit is -1']);
  });

  test('Expired says which resourceVersion was too old', () => {
    expect(expired(5, 9).message, 'expired(5, 9)').toBe('too old resource version: 5 (9)');
  });

  test('any other error becomes a 500 InternalError: the server failed, not the client', () => {
    const status = statusOf(new Error('store unreachable'));
    expect(
      [status.code, status.reason, status.message],
      'statusOf(new Error("store unreachable"))',
    ).toEqual([500, 'InternalError', 'Internal error occurred: store unreachable']);
    expect(internalError(new Error('x')).code, 'internalError(...)').toBe(500);
  });

  test("statusOf keeps an ApiError's own Status", () => {
    expect(statusOf(notFound(pods, 'web')), 'statusOf(notFound(pods, "web"))').toEqual(
      notFound(pods, 'web').status(),
    );
  });
});
