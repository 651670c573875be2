/** Small pieces every view uses: errors with code and request id, status, progress, labels, times. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type CredentialMode, credential, GatewayError } from './api';
import type { JobStatus, Phase } from './generated/graphql';

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  const errors =
    error instanceof GatewayError
      ? error.errors
      : [{ message: String(error), code: 'CLIENT', requestId: null, path: null }];
  return (
    <div class="error" role="alert" data-testid="error">
      {title ? <strong>{title}</strong> : null}
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            <code class="code">{e.code}</code> {e.message}
            {e.path ? <span class="muted"> at {e.path}</span> : null}
            {e.requestId ? <span class="muted request-id"> · request id {e.requestId}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function StatusBadge({ status, raw, phase }: { status: JobStatus; raw?: string; phase?: Phase }) {
  const title = status === 'UNKNOWN' && raw ? `Coordinator status: ${raw}` : phase ? `Phase ${phase}` : undefined;
  return (
    <span class={`status status-${status.toLowerCase()}`} title={title} data-testid="status">
      {status === 'UNKNOWN' && raw ? raw : status}
    </span>
  );
}

interface ProgressLike {
  fraction?: number | null;
  currentStep?: number | null;
  totalSteps?: number | null;
  epoch?: number | null;
}

export function ProgressBar({ progress }: { progress: ProgressLike | null | undefined }) {
  const fraction = progress?.fraction;
  const pct = fraction == null ? null : Math.round(fraction * 1000) / 10;
  return (
    <div class="progress" title={pct == null ? 'No progress reported yet' : `${pct}%`}>
      <div class="bar">
        <div class="fill" style={{ width: `${pct ?? 0}%` }} />
      </div>
      <span class="muted small">
        {pct == null ? '—' : `${pct}%`}
        {progress?.currentStep != null && progress.totalSteps != null
          ? ` · step ${progress.currentStep.toLocaleString()}/${progress.totalSteps.toLocaleString()}`
          : ''}
        {progress?.epoch != null ? ` · epoch ${progress.epoch}` : ''}
      </span>
    </div>
  );
}

export function Labels({ labels }: { labels: ReadonlyArray<{ key: string; value: string }> }) {
  if (!labels.length) return <span class="muted">—</span>;
  return (
    <span class="labels">
      {labels.map((l) => (
        <span class="label" key={l.key}>
          {l.key}={l.value}
        </span>
      ))}
    </span>
  );
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 min ago" with the exact UTC time on hover. */
export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span class="muted">—</span>;
  const seconds = (Date.parse(at) - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  const text =
    abs < 60
      ? relative.format(Math.round(seconds), 'second')
      : abs < 3600
        ? relative.format(Math.round(seconds / 60), 'minute')
        : abs < 86400
          ? relative.format(Math.round(seconds / 3600), 'hour')
          : relative.format(Math.round(seconds / 86400), 'day');
  return (
    <time dateTime={at} title={at}>
      {text}
    </time>
  );
}

export function useCredentialMode(): CredentialMode {
  const [mode, setMode] = useState(credential.mode);
  useEffect(() => credential.onChange(() => setMode(credential.mode)), []);
  return mode;
}

/** Changes when the user signs in or out; views key on it to reload under the new credential. */
export function useCredentialEpoch(): number {
  const [value, setValue] = useState(credential.epoch);
  useEffect(() => credential.onChange(() => setValue(credential.epoch)), []);
  return value;
}

/** Shown in the header: how this tab is authenticated, and the token form when one is needed. */
export function CredentialBar() {
  const mode = useCredentialMode();
  const [token, setToken] = useState('');
  if (mode === 'development-key') {
    return (
      <div class="credential" data-testid="credential">
        <span class="pill dev">Embedded emulator</span> Requests use the emulator's development key: no token needed,
        demo data only.
      </div>
    );
  }
  if (mode === 'token') {
    return (
      <div class="credential" data-testid="credential">
        Signed in with your token (kept for this browser tab only).{' '}
        <button type="button" class="link" onClick={() => credential.signOut()}>
          Forget token
        </button>
      </div>
    );
  }
  if (mode === 'needs-token') {
    return (
      <form
        class="credential token-form"
        data-testid="credential"
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) credential.signIn(token);
          setToken('');
        }}
      >
        <label>
          This gateway needs a ScaiGrid API key or JWT{' '}
          <input
            type="password"
            autocomplete="off"
            placeholder="sgk_… or eyJ…"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>{' '}
        <button type="submit">Use token</button>{' '}
        <span class="muted small">Kept in this tab's session storage only, sent only to this gateway.</span>
      </form>
    );
  }
  return <div class="credential muted" data-testid="credential" />;
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="card">
      <header class="card-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** A table's header row: a column is its title, or its title and a class ('' for an untitled column). */
export function TableHead({ columns }: { columns: ReadonlyArray<string | { title: string; class: string }> }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => {
          const { title, class: className } = typeof column === 'string' ? { title: column, class: undefined } : column;
          return (
            <th key={title} class={className}>
              {title || null}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
