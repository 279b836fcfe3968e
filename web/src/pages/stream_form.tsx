import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Link } from '../components/link';
import { ApiError, canWrite, get, patch, post } from '../lib/api';
import {
  applicableFields, emptyForm, fromDoc, requiredFields, toDoc, toPatch,
  type Doc, type FormValues, type Kind,
} from '../lib/form';
import { mapFieldErrors } from '../lib/problem';
import { navigate, queryParam } from '../lib/router';
import { refreshStatus, status } from '../lib/store';
import { parseStreamUrl, UrlError } from '../lib/url';

type TextKey = {
  [K in keyof FormValues]: FormValues[K] extends string ? K : never;
}[keyof FormValues];

const fieldId = (name: string) => `f-${name.replace(/\./g, '-')}`;

export function StreamFormPage({ kind, id }: { kind: Kind; id?: number }) {
  const editing = id !== undefined;
  const [values, setValues] = useState<FormValues>(() => {
    const v = emptyForm(kind);
    const input = queryParam('input');
    if (kind === 'output' && input) v.input_id = input;
    if (kind === 'output' && !input && status.value?.inputs.length === 1) v.input_id = String(status.value.inputs[0].id);
    return v;
  });
  const [original, setOriginal] = useState<Doc | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [showPass, setShowPass] = useState(false);
  const [pasted, setPasted] = useState('');
  const [pasteNote, setPasteNote] = useState<{ ok: boolean; text: string } | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!editing) return;
    get<Doc>(`/api/v1/${kind}s/${id}`)
      .then((doc) => {
        setOriginal(doc);
        setValues(fromDoc(kind, doc));
      })
      .catch((e) => setLoadError(e instanceof ApiError ? e.message : String(e)));
  }, [kind, id]);

  const fields = applicableFields(kind, values.type, values.mode);
  const required = requiredFields(kind, values.type, values.mode);
  const shown = new Set<string>([...fields]);
  if (values.fec_enabled) ['fec.cols', 'fec.rows', 'fec.layout', 'fec.arq'].forEach((f) => shown.add(f));

  const set = <K extends keyof FormValues>(k: K, v: FormValues[K]) => setValues((old) => ({ ...old, [k]: v }));

  const fillFromUrl = (text: string) => {
    if (text.trim() === '') return;
    try {
      const { values: fill, ignored } = parseStreamUrl(text, kind);
      setValues((old) => ({ ...old, ...fill }));
      setPasteNote({
        ok: true,
        text: `Filled from the URL.${ignored.length ? ` Not used: ${ignored.join(', ')}.` : ''}`,
      });
    } catch (e) {
      setPasteNote({ ok: false, text: e instanceof UrlError ? e.message : String(e) });
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    setSummary([]);
    try {
      if (editing) {
        const body = toPatch(kind, original ?? {}, values);
        if (Object.keys(body).length > 0) await patch(`/api/v1/${kind}s/${id}`, body);
        await refreshStatus();
        navigate(`/${kind}s/${id}`);
      } else {
        await post(`/api/v1/${kind}s`, toDoc(kind, values));
        await refreshStatus();
        navigate('/');
      }
    } catch (err) {
      if (err instanceof ApiError) {
        const mapped = mapFieldErrors(err.problem, shown);
        setErrors(mapped.byField);
        const lines = [
          ...Object.entries(mapped.byField).map(([f, m]) => `${f}: ${m}`),
          ...mapped.other,
        ];
        setSummary(lines.length ? lines : [err.message]);
        // The first bad field gets focus; otherwise the summary does.
        const first = Object.keys(mapped.byField)[0];
        setTimeout(() => {
          const el = first ? document.getElementById(fieldId(first)) : summaryRef.current;
          el?.focus();
        }, 0);
      } else {
        setSummary([String(err)]);
      }
    } finally {
      setSaving(false);
    }
  };

  if (!canWrite()) {
    return <p class="alert">Your role can read but not change streams.</p>;
  }
  if (loadError) {
    return (
      <section>
        <h1>Cannot edit</h1>
        <p class="alert" role="alert">{loadError}</p>
        <Link href="/">Back</Link>
      </section>
    );
  }
  if (editing && !original) return <p role="status">Loading…</p>;

  const describedBy = (name: string, hint?: string) =>
    [errors[name] ? `${fieldId(name)}-error` : '', hint ? `${fieldId(name)}-hint` : ''].filter(Boolean).join(' ') || undefined;

  // Called as a function, not as <Component>: a component defined during render would be a
  // new type every render and remount its input (losing focus at each keystroke).
  const fieldShell = ({ name, label, hint, children }: { name: string; label: string; hint?: string; children: ComponentChildren }) => (
    <div class={`field${errors[name] ? ' invalid' : ''}`} data-field={name}>
      <div class="label-row">
        <label for={fieldId(name)}>{label}</label>
        {required.has(name) && <span class="req" title="required">*</span>}
      </div>
      {children}
      {hint && <p class="hint" id={`${fieldId(name)}-hint`}>{hint}</p>}
      {errors[name] && (
        <p class="field-error" id={`${fieldId(name)}-error`}>
          {errors[name]}
        </p>
      )}
    </div>
  );

  const text = (
    key: TextKey,
    label: string,
    opts: { hint?: string; placeholder?: string; numeric?: boolean; apiName?: string } = {},
  ) => {
    const name = opts.apiName ?? key;
    if (!shown.has(name)) return null;
    return (
      fieldShell({ name, label, hint: opts.hint, children: (
        <input
          id={fieldId(name)}
          name={name}
          type="text"
          inputMode={opts.numeric ? 'numeric' : undefined}
          autoComplete="off"
          spellcheck={false}
          value={values[key] as string}
          placeholder={opts.placeholder}
          required={required.has(name)}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={describedBy(name, opts.hint)}
          onInput={(e) => set(key, e.currentTarget.value as never)}
        />
      ) })
    );
  };

  const select = (key: TextKey, label: string, options: [string, string][], opts: { hint?: string; apiName?: string } = {}) => {
    const name = opts.apiName ?? key;
    if (!shown.has(name)) return null;
    return (
      fieldShell({ name, label, hint: opts.hint, children: (
        <select
          id={fieldId(name)}
          name={name}
          value={values[key] as string}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={describedBy(name, opts.hint)}
          onChange={(e) => set(key, e.currentTarget.value as never)}
        >
          {options.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      ) })
    );
  };

  const isSrt = values.type === 'srt';
  const inputs = status.value?.inputs ?? [];
  const title = `${editing ? 'Edit' : 'New'} ${kind}`;

  return (
    <section aria-labelledby="form-title" class="stream-form">
      <div class="page-head">
        <h1 id="form-title">
          {title}
          {editing && original ? `: ${String(original.name)}` : ''}
        </h1>
      </div>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {summary.length > 0 && (
          <div class="alert error-summary" role="alert" tabIndex={-1} ref={summaryRef}>
            <p>
              <strong>Not saved.</strong> The gateway said:
            </p>
            <ul>
              {summary.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          </div>
        )}

        <fieldset>
          <legend>From a URL</legend>
          <div class="field wide">
            <label for="f-url">Paste an srt:// or udp:// URL to fill the form</label>
            <div class="inline">
              <input
                id="f-url"
                type="text"
                autoComplete="off"
                spellcheck={false}
                placeholder="srt://:9000?latency=200  ·  srt://host:4200?passphrase=…  ·  udp://239.1.1.1:5000"
                value={pasted}
                aria-describedby="f-url-note"
                onInput={(e) => setPasted(e.currentTarget.value)}
                onPaste={(e) => {
                  const t = e.clipboardData?.getData('text') ?? '';
                  if (t) {
                    e.preventDefault();
                    setPasted(t);
                    fillFromUrl(t);
                  }
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    fillFromUrl(pasted);
                  }
                }}
              />
              <button type="button" class="btn" onClick={() => fillFromUrl(pasted)}>
                Fill
              </button>
            </div>
            <p id="f-url-note" class={pasteNote && !pasteNote.ok ? 'field-error' : 'hint'} role="status">
              {pasteNote?.text ?? 'Conventions of srtgw relay: no host = listener, a host = caller, mode= overrides.'}
            </p>
          </div>
        </fieldset>

        <fieldset>
          <legend>General</legend>
          <div class="grid">
            {text('name', 'Name', { hint: 'Generated when empty, e.g. "SRT Listener 9000"' })}
            {kind === 'output' && (
              fieldShell({ name: 'input_id', label: 'Input', children: (
                <select
                  id={fieldId('input_id')}
                  name="input_id"
                  value={values.input_id}
                  aria-invalid={errors.input_id ? true : undefined}
                  aria-describedby={describedBy('input_id')}
                  onChange={(e) => set('input_id', e.currentTarget.value)}
                >
                  <option value="">choose…</option>
                  {inputs.map((i) => (
                    <option key={i.id} value={String(i.id)}>
                      {i.name} (#{i.id})
                    </option>
                  ))}
                </select>
              ) })
            )}
            {select('type', 'Type', [['srt', 'SRT'], ['udp', 'UDP']])}
            {isSrt && select('mode', 'SRT mode', [['listener', 'listener (waits for callers)'], ['caller', 'caller (connects out)'], ['rendezvous', 'rendezvous']])}
            <div class="field checkbox" data-field="enabled">
              <input id={fieldId('enabled')} type="checkbox" checked={values.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
              <label for={fieldId('enabled')}>Enabled (runs now and after a restart)</label>
              {errors.enabled && <p class="field-error">{errors.enabled}</p>}
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>Network</legend>
          <div class="grid">
            {text('listen_port', values.type === 'srt' && values.mode === 'rendezvous' ? 'Local port' : 'Listen port', {
              numeric: true,
              hint: values.mode === 'rendezvous' && isSrt ? 'Optional; defaults to the peer port' : '0 = any free port',
            })}
            {text('bind_addr', kind === 'input' && !isSrt ? 'Bind address or multicast group' : 'Bind address', { placeholder: 'any', hint: !isSrt ? 'A local address, or a multicast group to join' : undefined })}
            {text('target_addr', 'Target (host:port)', { placeholder: '203.0.113.10:4200' })}
            {text('destination_addr', 'Destination (host:port)', { placeholder: '239.1.1.1:5000' })}
            {text('local_addr', 'Local address', { placeholder: 'any', hint: 'The interface to send from' })}
            {text('local_port', 'Local (outgoing) port', { numeric: true, placeholder: 'any' })}
            {text('interface', 'Multicast interface', { placeholder: 'eth1 or 10.0.0.2' })}
            {text('multicast_source', 'Multicast source (SSM)', { placeholder: '10.0.0.9' })}
            {text('ttl', 'TTL', { numeric: true, placeholder: 'system default', hint: '1–255' })}
            {text('tos', 'TOS', { numeric: true, placeholder: '0', hint: '0–255' })}
            {text('max_clients', 'Max clients', { numeric: true, placeholder: '256', hint: 'Callers served at once (at most 4096)' })}
          </div>
        </fieldset>

        {isSrt && (
          <fieldset>
            <legend>SRT</legend>
            <div class="grid">
              {text('latency_ms', 'Latency (ms)', { numeric: true, placeholder: '120', hint: '0–60000' })}
              {text('rcv_latency_ms', 'Receive latency (ms)', { numeric: true, placeholder: 'as latency' })}
              {text('peer_latency_ms', 'Peer latency (ms)', { numeric: true, placeholder: 'as latency' })}
              {fieldShell({ name: 'passphrase', label: 'Passphrase', hint: editing && original?.passphrase_set ? 'A passphrase is set. Leave empty to keep it.' : '10–80 characters; empty = no encryption', children: (<>
                <div class="inline">
                  <input
                    id={fieldId('passphrase')}
                    name="passphrase"
                    type={showPass ? 'text' : 'password'}
                    autoComplete="new-password"
                    spellcheck={false}
                    value={values.passphrase}
                    placeholder={editing && original?.passphrase_set ? '•••••••• (set)' : ''}
                    aria-invalid={errors.passphrase ? true : undefined}
                    aria-describedby={describedBy('passphrase', 'hint')}
                    onInput={(e) => set('passphrase', e.currentTarget.value)}
                  />
                  <button type="button" class="btn" aria-pressed={showPass} aria-controls={fieldId('passphrase')} onClick={() => setShowPass(!showPass)}>
                    {showPass ? 'Hide' : 'Show'}
                  </button>
                </div>
                {editing && original?.passphrase_set === true && (
                  <label class="checkbox-inline">
                    <input type="checkbox" checked={values.clear_passphrase} onChange={(e) => set('clear_passphrase', e.currentTarget.checked)} /> Remove the stored passphrase
                  </label>
                )}
              </>) })}
              {select('pbkeylen', 'Key length', [['', 'default (16 = AES-128)'], ['16', '16 (AES-128)'], ['24', '24 (AES-192)'], ['32', '32 (AES-256)']])}
              {text('stream_id', 'Stream ID', { placeholder: '#!::r=feed1,m=publish', hint: 'At most 512 characters' })}
              {select('tlpktdrop', 'Drop too-late packets', [['', 'default (on)'], ['true', 'on'], ['false', 'off']])}
              {text('conn_timeout_ms', 'Connect timeout (ms)', { numeric: true, placeholder: '3000' })}
              {text('peer_idle_timeout_ms', 'Peer idle timeout (ms)', { numeric: true, placeholder: '5000' })}
              {text('payload_size', 'Payload size (bytes)', { numeric: true, placeholder: '1316' })}
              {text('stall_timeout_ms', 'Stall timeout (ms)', { numeric: true, placeholder: '1000', hint: 'No data for this long = stalled (100–60000)' })}
            </div>
          </fieldset>
        )}

        {isSrt && (
          <fieldset>
            <legend>Bandwidth</legend>
            <div class="grid">
              {text('max_bw', 'Max bandwidth (bytes/s)', { numeric: true, placeholder: '-1', hint: '-1 relative to input, 0 unlimited' })}
              {text('input_bw', 'Input bandwidth (bytes/s)', { numeric: true, placeholder: '0 (estimate)' })}
              {text('overhead_pct', 'Overhead (%)', { numeric: true, placeholder: '25', hint: '5–100' })}
            </div>
          </fieldset>
        )}

        {isSrt && (
          <fieldset>
            <legend>FEC (packet filter)</legend>
            <div class="grid">
              <div class={`field checkbox${errors.fec ? ' invalid' : ''}`} data-field="fec">
                <input id={fieldId('fec')} type="checkbox" checked={values.fec_enabled} onChange={(e) => set('fec_enabled', e.currentTarget.checked)}
                  aria-describedby={errors.fec ? `${fieldId('fec')}-error` : undefined} />
                <label for={fieldId('fec')}>Use FEC</label>
                {errors.fec && <p class="field-error" id={`${fieldId('fec')}-error`}>{errors.fec}</p>}
              </div>
              {text('fec_cols', 'Columns', { numeric: true, apiName: 'fec.cols', placeholder: '10' })}
              {text('fec_rows', 'Rows', { numeric: true, apiName: 'fec.rows', placeholder: '1' })}
              {select('fec_layout', 'Layout', [['', 'default (even)'], ['even', 'even'], ['staircase', 'staircase']], { apiName: 'fec.layout' })}
              {select('fec_arq', 'ARQ', [['', 'default (onreq)'], ['always', 'always'], ['onreq', 'onreq'], ['never', 'never']], { apiName: 'fec.arq' })}
            </div>
          </fieldset>
        )}

        <div class="form-actions">
          <button type="submit" class="btn primary" disabled={saving}>
            {saving ? 'Saving…' : editing ? 'Save changes' : `Create ${kind}`}
          </button>
          <Link class="btn" href={editing ? `/${kind}s/${id}` : '/'}>
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
