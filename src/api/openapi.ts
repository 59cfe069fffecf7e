import { z } from 'zod';

import { PACKAGE_VERSION } from '../version';
import { API_OPERATIONS, OPERATOR_KEY_SCHEME, operatorKeyScheme, type ApiOperation } from './openapi-operations';
import { errorBodySchema, workflowViewSchema } from './openapi-responses';

/** A JSON value of the document. */
type Json = Record<string, unknown>;

/** An OpenAPI 3.1 document, as JSON. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

/** The error answers any route can give, whatever it does. */
const COMMON_ERRORS: Record<number, string> = {
  400:
    'invalid_request: the body is not valid JSON (details names body); bad_request: a path segment is not ' +
    'valid percent-encoding, or the body cannot be decoded.',
  413: 'payload_too_large: the body is over 64 kB.',
  415: 'bad_request: the body has a charset or content encoding the API does not read.',
  429:
    'rate_limited: too many requests, or mutations, from this client IP in the window (when the server sets ' +
    'RATE_LIMIT_*); Retry-After says when to retry.',
};

const TAGS = [
  { name: 'workflow', description: 'Registry workflows and their automations.' },
  { name: 'escrow', description: 'FeeEscrow balances, and deposit and withdrawal transactions for wallets to sign.' },
  { name: 'price', description: 'USD prices through the in-process, Redis and upstream tiers.' },
  { name: 'utils', description: 'Health, contract addresses and metadata.' },
  { name: 'docs', description: 'This document and its browsable form.' },
];

/**
 * Builds the OpenAPI 3.1 document of the HTTP API from {@link API_OPERATIONS}.
 *
 * Request schemas are the zod schemas the routes validate with, converted by zod's `z.toJSONSchema` from
 * their input side (`io: 'input'`): what a client sends, before transforms (an address before it is
 * checksummed, an amount before it becomes a bigint); refinements that JSON Schema cannot state (the EIP-55
 * checksum, uint256 range) are left to the route's 400 answer. Response schemas come from
 * `openapi-responses.ts`. Shared schemas (the error body, the workflow view) and every body schema are
 * listed once under `components.schemas`.
 * @throws {Error} when a schema has a part JSON Schema cannot represent, so such a change fails the tests.
 */
export function buildOpenApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS): OpenApiDocument {
  const registry = z.registry<{ id: string }>();
  const idOf = (schema: z.ZodType, id: string): string => {
    const known = registry.get(schema)?.id;
    if (known) return known;
    registry.add(schema, { id });
    return id;
  };
  idOf(errorBodySchema, 'ErrorBody');
  idOf(workflowViewSchema, 'WorkflowView');

  const paths: OpenApiDocument['paths'] = {};
  for (const operation of operations) {
    const name = operation.operationId[0].toUpperCase() + operation.operationId.slice(1);
    const responses: Json = {
      200:
        'html' in operation.success
          ? { description: operation.success.description, content: { 'text/html': { schema: { type: 'string' } } } }
          : jsonResponse(
              operation.success.description,
              idOf(operation.success.schema, operation.success.component ?? `${name}Response`),
            ),
    };
    const errors = mergeErrors(operation);
    for (const [status, description] of Object.entries(errors)) {
      responses[status] = jsonResponse(description, 'ErrorBody');
    }
    for (const [status, other] of Object.entries(operation.otherResponses ?? {})) {
      if (other) responses[status] = jsonResponse(other.description, idOf(other.schema, `${name}Response${status}`));
    }
    responses.default = jsonResponse('internal: an unexpected failure, logged by the server.', 'ErrorBody');

    const entry: Json = {
      operationId: operation.operationId,
      tags: [operation.tag],
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      parameters: Object.entries(operation.pathParams ?? {}).map(([parameter, spec]) => ({
        name: parameter,
        in: 'path',
        required: true,
        description: spec.description,
        schema: schemaOf(spec.schema),
        example: spec.example,
      })),
      ...(operation.body
        ? {
            requestBody: {
              required: operation.body.required ?? true,
              description: operation.body.description,
              content: {
                'application/json': {
                  schema: {
                    $ref: componentRef(idOf(operation.body.schema, operation.body.component ?? `${name}Request`)),
                  },
                  example: operation.body.example,
                },
              },
            },
          }
        : {}),
      responses,
      security: securityOf(operation),
    };
    paths[operation.path] ??= {};
    paths[operation.path][operation.method] = entry;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Autometa API',
      version: PACKAGE_VERSION,
      description:
        'On-chain automation on Temporal: time, interval and price triggers that run actions exactly once, ' +
        "paid from the owner's escrow. Errors answer one body: " +
        '`{"success":false,"error":{"code":…,"message":…,"details":…}}`.',
    },
    tags: TAGS,
    paths,
    components: {
      schemas: componentSchemas(registry),
      securitySchemes: { [OPERATOR_KEY_SCHEME]: { ...operatorKeyScheme } },
    },
  };
}

let built: OpenApiDocument | undefined;

/** The document of {@link API_OPERATIONS}, built on first use and kept: the operations never change at run time. */
export function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument();
  return built;
}

function mergeErrors(operation: ApiOperation): Record<number, string> {
  const merged: Record<number, string> = { ...COMMON_ERRORS };
  for (const [status, description] of Object.entries(operation.errors ?? {})) {
    if (!description) continue;
    const code = Number(status);
    merged[code] = merged[code] ? `${description} Or ${merged[code]}` : description;
  }
  return merged;
}

function securityOf(operation: ApiOperation): Json[] {
  if (operation.auth === 'operator-key') return [{ [OPERATOR_KEY_SCHEME]: [] }];
  // An empty requirement makes the key optional: the owner's signature in the body stands in for it.
  if (operation.auth === 'operator-key-or-signature') return [{ [OPERATOR_KEY_SCHEME]: [] }, {}];
  return [];
}

function jsonResponse(description: string, componentId: string): Json {
  return { description, content: { 'application/json': { schema: { $ref: componentRef(componentId) } } } };
}

function componentRef(id: string): string {
  return `#/components/schemas/${id}`;
}

const conversion = {
  target: 'draft-2020-12',
  io: 'input',
  // A `.default(0n)` has no JSON form; the override below states it as the decimal string a client sends.
  unrepresentable: ({ message }) => (message.startsWith('BigInt defaults') ? 'any' : 'throw'),
  override: ({ zodSchema, jsonSchema }) => {
    const def = zodSchema._zod.def;
    if (def.type === 'default' && typeof def.defaultValue === 'bigint') jsonSchema.default = String(def.defaultValue);
  },
} satisfies z.core.ToJSONSchemaParams;

function schemaOf(schema: z.ZodType): Json {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, conversion) as Json;
  return json;
}

function componentSchemas(registry: z.core.$ZodRegistry<{ id: string }>): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, { ...conversion, uri: componentRef });
  const components: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Schemas used in two places stay inline (zod's default), so nothing lands in a shared bucket.
    if (id === '__shared') throw new Error('Unexpected shared JSON Schema definitions: give each reused schema an id');
    const { $schema: _dialect, $id: _id, ...json } = schema as Json;
    components[id] = json;
  }
  return components;
}
