// Failures carry their message and stack trace inside an encoded payload instead of in plain fields, so the
// payload codec (lib/payload-codec.ts) encrypts them: an activity's error may quote what it was working on.
// What Temporal stores is the message "Encoded failure" and an empty stack; the type and the retry flags stay
// readable, since the server and the retry policies need them.
// Loaded by path (DataConverter.failureConverterPath): bundled into the workflow sandbox and required by the
// worker's main thread, so it imports @temporalio/common only.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
