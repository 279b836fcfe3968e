// The create/edit form's model: flat string values keyed by API field name, which fields
// apply to which kind/type/mode (mirrors src/control/stream_config.cpp), and the
// conversion to a request body (POST) or a JSON merge patch (PATCH).

export type Kind = 'input' | 'output';
export type StreamType = 'srt' | 'udp';
export type SrtMode = 'listener' | 'caller' | 'rendezvous';

export interface FormValues {
  type: StreamType;
  mode: SrtMode;
  enabled: boolean;
  name: string;
  input_id: string;
  listen_port: string;
  bind_addr: string;
  target_addr: string;
  local_addr: string;
  local_port: string;
  destination_addr: string;
  interface: string;
  multicast_source: string;
  ttl: string;
  tos: string;
  max_clients: string;
  latency_ms: string;
  rcv_latency_ms: string;
  peer_latency_ms: string;
  passphrase: string;
  /** Edit only: drop the stored passphrase. */
  clear_passphrase: boolean;
  pbkeylen: string;
  stream_id: string;
  max_bw: string;
  input_bw: string;
  overhead_pct: string;
  tlpktdrop: '' | 'true' | 'false';
  conn_timeout_ms: string;
  peer_idle_timeout_ms: string;
  payload_size: string;
  stall_timeout_ms: string;
  fec_enabled: boolean;
  fec_cols: string;
  fec_rows: string;
  fec_layout: string;
  fec_arq: string;
}

export function emptyForm(_kind: Kind, type: StreamType = 'srt'): FormValues {
  return {
    type,
    mode: 'listener',
    enabled: true,
    name: '',
    input_id: '',
    listen_port: '',
    bind_addr: '',
    target_addr: '',
    local_addr: '',
    local_port: '',
    destination_addr: '',
    interface: '',
    multicast_source: '',
    ttl: '',
    tos: '',
    max_clients: '',
    latency_ms: '',
    rcv_latency_ms: '',
    peer_latency_ms: '',
    passphrase: '',
    clear_passphrase: false,
    pbkeylen: '',
    stream_id: '',
    max_bw: '',
    input_bw: '',
    overhead_pct: '',
    tlpktdrop: '',
    conn_timeout_ms: '',
    peer_idle_timeout_ms: '',
    payload_size: '',
    stall_timeout_ms: '',
    fec_enabled: false,
    fec_cols: '',
    fec_rows: '',
    fec_layout: '',
    fec_arq: '',
  };
}

/** Integer fields: sent as numbers when they parse, as typed otherwise (the server says why). */
export const INTEGER_FIELDS = [
  'input_id', 'listen_port', 'local_port', 'ttl', 'tos', 'max_clients', 'latency_ms',
  'rcv_latency_ms', 'peer_latency_ms', 'pbkeylen', 'max_bw', 'input_bw', 'overhead_pct',
  'conn_timeout_ms', 'peer_idle_timeout_ms', 'payload_size', 'stall_timeout_ms',
] as const;

export const SRT_OPTION_FIELDS = [
  'latency_ms', 'rcv_latency_ms', 'peer_latency_ms', 'passphrase', 'pbkeylen', 'stream_id',
  'max_bw', 'input_bw', 'overhead_pct', 'tlpktdrop', 'conn_timeout_ms', 'peer_idle_timeout_ms',
  'payload_size', 'fec', 'stall_timeout_ms',
] as const;

/** Every config field a stream document may carry (what a merge patch may need to null). */
export const CONFIG_FIELDS = [
  'type', 'mode', 'name', 'enabled', 'input_id', 'listen_port', 'bind_addr', 'target_addr',
  'local_addr', 'local_port', 'destination_addr', 'interface', 'multicast_source', 'ttl', 'tos',
  'max_clients', ...SRT_OPTION_FIELDS,
] as const;

/** The API fields that apply to this kind, type and mode (the server forbids the others). */
export function applicableFields(kind: Kind, type: StreamType, mode: SrtMode): Set<string> {
  const f = new Set<string>(['type', 'name', 'enabled']);
  const isInput = kind === 'input';
  const srt = type === 'srt';
  if (!isInput) f.add('input_id');
  if (srt) f.add('mode');
  const listener = srt && mode === 'listener';
  const caller = srt && mode === 'caller';
  const rendezvous = srt && mode === 'rendezvous';
  const udpIn = !srt && isInput;
  const udpOut = !srt && !isInput;
  if (listener || udpIn || rendezvous) f.add('listen_port');
  if (listener || udpIn) f.add('bind_addr');
  if (caller || rendezvous) {
    f.add('target_addr');
    f.add('local_addr');
  }
  if (caller) f.add('local_port');
  if (udpOut) {
    f.add('destination_addr');
    f.add('local_addr');
  }
  if (!srt) f.add('interface');
  if (udpIn) f.add('multicast_source');
  if (!isInput || srt) {
    f.add('ttl');
    f.add('tos');
  }
  if (listener && !isInput) f.add('max_clients');
  if (srt) SRT_OPTION_FIELDS.forEach((k) => f.add(k));
  return f;
}

/** Fields the server requires for this kind/type/mode. */
export function requiredFields(kind: Kind, type: StreamType, mode: SrtMode): Set<string> {
  const r = new Set<string>(['type']);
  if (kind === 'output') r.add('input_id');
  if ((type === 'srt' && mode === 'listener') || (type === 'udp' && kind === 'input')) {
    r.add('listen_port');
  }
  if (type === 'srt' && mode !== 'listener') r.add('target_addr');
  if (type === 'udp' && kind === 'output') r.add('destination_addr');
  return r;
}

function intOrRaw(text: string): number | string {
  const t = text.trim();
  return /^-?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : t;
}

export type Doc = Record<string, unknown>;

/** The request body for a create (POST): applicable, non-empty fields only. */
export function toDoc(kind: Kind, v: FormValues): Doc {
  const fields = applicableFields(kind, v.type, v.mode);
  const doc: Doc = { type: v.type };
  if (fields.has('mode')) doc.mode = v.mode;
  doc.enabled = v.enabled;
  const strings = ['name', 'bind_addr', 'target_addr', 'local_addr', 'destination_addr',
    'interface', 'multicast_source', 'stream_id'];
  for (const k of strings) {
    const s = (v as unknown as Record<string, string>)[k];
    if (fields.has(k) && s.trim() !== '') doc[k] = k === 'stream_id' ? s : s.trim();
  }
  for (const k of INTEGER_FIELDS) {
    const s = v[k];
    if (fields.has(k) && s.trim() !== '') doc[k] = intOrRaw(s);
  }
  if (fields.has('passphrase') && v.passphrase !== '') doc.passphrase = v.passphrase;
  if (fields.has('tlpktdrop') && v.tlpktdrop !== '') doc.tlpktdrop = v.tlpktdrop === 'true';
  if (fields.has('fec') && v.fec_enabled) {
    const fec: Doc = {};
    if (v.fec_cols.trim() !== '') fec.cols = intOrRaw(v.fec_cols);
    if (v.fec_rows.trim() !== '') fec.rows = intOrRaw(v.fec_rows);
    if (v.fec_layout !== '') fec.layout = v.fec_layout;
    if (v.fec_arq !== '') fec.arq = v.fec_arq;
    doc.fec = fec;
  }
  return doc;
}

/** Form values from a stored document (GET); live fields are ignored, secrets are never there. */
export function fromDoc(kind: Kind, doc: Doc): FormValues {
  const v = emptyForm(kind, doc.type === 'udp' ? 'udp' : 'srt');
  const m = doc.mode;
  v.mode = m === 'caller' || m === 'rendezvous' ? m : 'listener';
  v.enabled = doc.enabled !== false;
  const rec = v as unknown as Record<string, unknown>;
  for (const k of ['name', 'bind_addr', 'target_addr', 'local_addr', 'destination_addr',
    'interface', 'multicast_source', 'stream_id', ...INTEGER_FIELDS]) {
    const x = doc[k];
    if (x !== undefined && x !== null) rec[k] = String(x);
  }
  if (typeof doc.tlpktdrop === 'boolean') v.tlpktdrop = doc.tlpktdrop ? 'true' : 'false';
  const fec = doc.fec as Doc | undefined | null;
  if (fec && typeof fec === 'object') {
    v.fec_enabled = true;
    v.fec_cols = fec.cols != null ? String(fec.cols) : '';
    v.fec_rows = fec.rows != null ? String(fec.rows) : '';
    v.fec_layout = typeof fec.layout === 'string' ? fec.layout : '';
    v.fec_arq = typeof fec.arq === 'string' ? fec.arq : '';
  }
  return v;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The JSON merge patch (RFC 7396) that turns `original` (as read) into the form's document.
 * Fields that no longer apply or were emptied become null; an untouched passphrase stays out
 * (the stored one is kept), `clear_passphrase` removes it.
 */
export function toPatch(kind: Kind, original: Doc, v: FormValues): Doc {
  const next = toDoc(kind, v);
  const patch: Doc = {};
  for (const k of CONFIG_FIELDS) {
    if (k === 'passphrase') continue;
    const before = original[k];
    const after = next[k];
    if (after === undefined) {
      if (before !== undefined && before !== null && k !== 'enabled') patch[k] = null;
    } else if (!same(before, after)) {
      patch[k] = after;
    }
  }
  if (next.passphrase !== undefined) {
    patch.passphrase = next.passphrase;
  } else if (original.passphrase_set &&
             (v.clear_passphrase || !applicableFields(kind, v.type, v.mode).has('passphrase'))) {
    patch.passphrase = null;
  }
  return patch;
}
