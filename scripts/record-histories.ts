/**
 * Records the event histories of workflows that ran on a Temporal server, as the JSON files the replay
 * test (test/integration/replay.test.ts) checks the workflow code against:
 *
 *   npx tsx scripts/record-histories.ts [--address host:port] [--namespace ns] [--out dir] name=workflowId[@runId] ...
 *
 * Each `name=workflowId` writes `<out>/<name>.json` (default out: test/replay/histories); without a run id
 * it records the newest run. A running workflow is recorded as far as it got. The address and namespace
 * default to TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, then to a local dev server's 127.0.0.1:7233 and
 * `default`. See test/replay/README.md for when to re-record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

const USAGE =
  'Usage: npx tsx scripts/record-histories.ts [--address host:port] [--namespace ns] [--out dir] ' +
  'name=workflowId[@runId] ...';

/** Above this a history file is too heavy to commit; record an earlier point or a shorter run instead. */
const MAX_FILE_BYTES = 200 * 1024;

/** The two functions of protobufjs's `ext/protojson` this module uses. */
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}

// `historyToJSON` and `historyFromJSON` of @temporalio/common/lib/proto-utils give the same format, but in
// this install npm nests a protobufjs 8 copy under @temporalio/common and another under @temporalio/proto
// (a protobufjs 7 sits at the top for gRPC), and they fail with "type must be a Type" on the other copy's
// types. The protojson of @temporalio/proto's own copy works in either layout.
const protoJson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

/** Writes a history as canonical proto JSON (enum names, RFC 3339 times): what `historyToJSON` writes. */
export function encodeHistoryJson(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return `${JSON.stringify(protoJson.toJson(historyType, message), null, 2)}\n`;
}

/**
 * Reads a history in the proto JSON that {@link encodeHistoryJson} writes; fields a newer server added are
 * ignored. @throws when the text is not a history.
 */
export function decodeHistoryJson(text: string): History {
  const history = protoJson.fromJson(historyType, JSON.parse(text), { ignoreUnknownFields: true });
  if (!history?.events?.length) throw new TypeError('Not a workflow history: no events');
  return history;
}

/** One history to record: the file name it goes to and the workflow execution it comes from. */
export interface HistoryTarget {
  name: string;
  workflowId: string;
  runId?: string;
}

/** Options of {@link recordHistories}. */
export interface RecordHistoriesOptions {
  address: string;
  namespace: string;
  /** Folder the JSON files go to; created when missing. */
  outDir: string;
  targets: HistoryTarget[];
}

/** What was written for one target. */
export interface RecordedHistory {
  file: string;
  events: number;
  bytes: number;
}

/**
 * Fetches each target's history and writes it as `<outDir>/<name>.json`, overwriting an older file.
 * @throws when a workflow is not found or a file would be larger than 200 KB (nothing is written for it).
 */
export async function recordHistories(options: RecordHistoriesOptions): Promise<RecordedHistory[]> {
  const connection = await Connection.connect({ address: options.address });
  try {
    const client = new Client({ connection, namespace: options.namespace });
    mkdirSync(options.outDir, { recursive: true });
    const recorded: RecordedHistory[] = [];
    for (const target of options.targets) {
      const history = await client.workflow.getHandle(target.workflowId, target.runId).fetchHistory();
      const json = encodeHistoryJson(history);
      const bytes = Buffer.byteLength(json);
      if (bytes > MAX_FILE_BYTES) {
        throw new Error(
          `The history of ${target.workflowId} takes ${bytes} bytes, more than ${MAX_FILE_BYTES}: record a shorter run`,
        );
      }
      const file = path.join(options.outDir, `${target.name}.json`);
      writeFileSync(file, json);
      recorded.push({ file, events: history.events?.length ?? 0, bytes });
    }
    return recorded;
  } finally {
    await connection.close();
  }
}

/** Reads the command line into {@link RecordHistoriesOptions}. */
export function parseArguments(args: string[], env: NodeJS.ProcessEnv): RecordHistoriesOptions {
  const options: RecordHistoriesOptions = {
    address: env.TEMPORAL_ADDRESS?.trim() || '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE?.trim() || 'default',
    outDir: path.resolve(__dirname, '..', 'test', 'replay', 'histories'),
    targets: [],
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const value = () => {
      const next = args[++index];
      if (!next) throw new Error(`${arg} needs a value. ${USAGE}`);
      return next;
    };
    if (arg === '--address') options.address = value();
    else if (arg === '--namespace') options.namespace = value();
    else if (arg === '--out') options.outDir = path.resolve(value());
    else {
      const match = /^([\w.-]+)=([^@\s]+)(?:@(\S+))?$/.exec(arg);
      if (!match) throw new Error(`"${arg}" is neither an option nor name=workflowId[@runId]. ${USAGE}`);
      options.targets.push({ name: match[1], workflowId: match[2], runId: match[3] });
    }
  }
  if (options.targets.length === 0) throw new Error(`No history named. ${USAGE}`);
  return options;
}

if (require.main === module) {
  (async () => {
    const options = parseArguments(process.argv.slice(2), process.env);
    for (const recorded of await recordHistories(options)) {
      const relative = path.relative(process.cwd(), recorded.file);
      process.stdout.write(`${relative}: ${recorded.events} events, ${Math.ceil(recorded.bytes / 1024)} KB\n`);
    }
  })().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
