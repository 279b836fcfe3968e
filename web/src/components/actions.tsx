import { useState } from 'preact/hooks';
import { ApiError, canWrite, del, post } from '../lib/api';
import { navigate } from '../lib/router';
import { refreshStatus, type StreamDoc } from '../lib/store';
import { ConfirmDialog } from './confirm';
import { Link } from './link';

export type Kind = 'input' | 'output';

interface Props {
  kind: Kind;
  doc: StreamDoc;
  onError: (message: string | null) => void;
  /** Where to go after a delete (the detail page leaves; the dashboard stays). */
  afterDelete?: string;
  compact?: boolean;
}

/** Start/stop (persisted as enabled), restart, edit, add output, delete with confirmation. */
export function StreamActions({ kind, doc, onError, afterDelete, compact }: Props) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  if (!canWrite()) return null;
  const base = `/api/v1/${kind}s/${doc.id}`;
  const run = async (what: string, f: () => Promise<unknown>) => {
    setBusy(true);
    onError(null);
    try {
      await f();
      await refreshStatus();
    } catch (e) {
      onError(`${what} ${doc.name}: ${e instanceof ApiError ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const running = doc.enabled;
  const outputs = kind === 'input' ? ((doc as { outputs?: unknown[] }).outputs?.length ?? 0) : 0;
  return (
    <div class={`row-actions${compact ? ' compact' : ''}`}>
      {running ? (
        <button type="button" class="btn small" disabled={busy} aria-label={`Stop ${doc.name}`}
          title="Stop and disable (kept stopped across restarts)"
          onClick={() => void run('Stop', () => post(`${base}/stop`))}>
          Stop
        </button>
      ) : (
        <button type="button" class="btn small" disabled={busy} aria-label={`Start ${doc.name}`}
          title="Enable and start" onClick={() => void run('Start', () => post(`${base}/start`))}>
          Start
        </button>
      )}
      <button type="button" class="btn small" disabled={busy || !running} aria-label={`Restart ${doc.name}`}
        onClick={() => void run('Restart', () => post(`${base}/restart`))}>
        Restart
      </button>
      <Link class="btn small" href={`/${kind}s/${doc.id}/edit`} aria-label={`Edit ${doc.name}`}>
        Edit
      </Link>
      {kind === 'input' && (
        <Link class="btn small" href={`/outputs/new?input=${doc.id}`} aria-label={`Add output to ${doc.name}`}>
          + Output
        </Link>
      )}
      <button type="button" class="btn small danger" disabled={busy} aria-label={`Delete ${doc.name}`}
        onClick={() => setConfirming(true)}>
        Delete
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Delete ${kind} "${doc.name}"?`}
          message={
            kind === 'input' && outputs > 0
              ? `This stops it and deletes its ${outputs} output${outputs === 1 ? '' : 's'} too. It cannot be undone.`
              : 'This stops it and removes it from the configuration. It cannot be undone.'
          }
          confirmLabel="Delete"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void run('Delete', () => del(base)).then(() => {
              if (afterDelete) navigate(afterDelete);
            });
          }}
        />
      )}
    </div>
  );
}
