import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Registered with the dev server from temporal/server.json; the names must match it.

/** The workflow owner's checksummed address. */
export const OWNER_ATTRIBUTE = defineSearchAttributeKey('AutometaOwner', SearchAttributeType.KEYWORD);
/** `time`, `interval` or `price`. */
export const TRIGGER_TYPE_ATTRIBUTE = defineSearchAttributeKey('AutometaTriggerType', SearchAttributeType.KEYWORD);
/** The asset a price trigger watches. */
export const TOKEN_ATTRIBUTE = defineSearchAttributeKey('AutometaToken', SearchAttributeType.KEYWORD);
/** The automation's state, as its status query reports it. */
export const STATE_ATTRIBUTE = defineSearchAttributeKey('AutometaState', SearchAttributeType.KEYWORD);
