// Pasting an srt:// or udp:// URL fills the form. The conventions are srtgw relay's
// (srt-live-transmit's): an SRT URL without a host is a listener, with a host a caller,
// `mode=` overrides; query keys are libsrt option names without SRTO_.

import { emptyForm, type FormValues, type Kind } from './form';

export interface UrlFill {
  values: Partial<FormValues>;
  /** Query keys the form has no place for, said to the user rather than dropped silently. */
  ignored: string[];
}

export class UrlError extends Error {}

const SRT_KEYS: Record<string, keyof FormValues> = {
  latency: 'latency_ms',
  rcvlatency: 'rcv_latency_ms',
  peerlatency: 'peer_latency_ms',
  passphrase: 'passphrase',
  pbkeylen: 'pbkeylen',
  streamid: 'stream_id',
  maxbw: 'max_bw',
  inputbw: 'input_bw',
  oheadbw: 'overhead_pct',
  conntimeo: 'conn_timeout_ms',
  peeridletimeo: 'peer_idle_timeout_ms',
  payloadsize: 'payload_size',
  ipttl: 'ttl',
  iptos: 'tos',
  maxclients: 'max_clients',
};

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** "host:port", "[v6]:port", ":port" -> parts; the port must be 0-65535. */
export function splitAuthority(auth: string): { host: string; port: string } {
  let host = '';
  let port = '';
  if (auth.startsWith('[')) {
    const end = auth.indexOf(']');
    if (end < 0) throw new UrlError('unclosed [ in the address');
    host = auth.slice(1, end);
    const rest = auth.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new UrlError('expected :port after ]');
    port = rest.slice(1);
  } else {
    const colon = auth.lastIndexOf(':');
    if (colon < 0) {
      host = auth;
    } else {
      host = auth.slice(0, colon);
      port = auth.slice(colon + 1);
    }
  }
  if (port === '') throw new UrlError('the URL needs a port (srt://host:port or srt://:port)');
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new UrlError(`port must be a number from 0 to 65535, got "${port}"`);
  }
  return { host, port: String(Number(port)) };
}

function hostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** "fec,cols:10,rows:5,layout:staircase,arq:always" -> form values. */
export function parsePacketFilter(text: string): Partial<FormValues> {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts[0] !== 'fec') throw new UrlError(`packetfilter must start with "fec", got "${text}"`);
  const out: Partial<FormValues> = { fec_enabled: true };
  for (const p of parts.slice(1)) {
    const [k, val = ''] = p.split(':');
    if (k === 'cols') out.fec_cols = val;
    else if (k === 'rows') out.fec_rows = val;
    else if (k === 'layout') out.fec_layout = val;
    else if (k === 'arq') out.fec_arq = val;
    else throw new UrlError(`unknown packetfilter key "${k}"`);
  }
  return out;
}

/** Parses a pasted URL for an input or an output into form values. Throws UrlError. */
export function parseStreamUrl(text: string, kind: Kind): UrlFill {
  const url = text.trim();
  const m = /^(srt|udp):\/\/([^?/]*)\/?(?:\?(.*))?$/i.exec(url);
  if (!m) throw new UrlError('expected srt://host:port?... or udp://host:port?...');
  const type = m[1].toLowerCase() as 'srt' | 'udp';
  const { host, port } = splitAuthority(m[2]);
  // The query is taken raw: a stream id may hold a literal '#' (or %23) and '=' signs.
  const query: [string, string][] = [];
  for (const part of (m[3] ?? '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    query.push(eq < 0 ? [decode(part).toLowerCase(), ''] : [decode(part.slice(0, eq)).toLowerCase(), decode(part.slice(eq + 1))]);
  }
  const get = (k: string) => query.find(([q]) => q === k)?.[1];
  const values: Partial<FormValues> = { type };
  const ignored: string[] = [];
  const blank = emptyForm(kind, type);
  // Start from a clean slate for address fields so an earlier paste does not linger.
  for (const k of ['listen_port', 'bind_addr', 'target_addr', 'local_addr', 'local_port',
    'destination_addr', 'interface', 'multicast_source'] as const) {
    values[k] = blank[k];
  }

  if (type === 'srt') {
    const modeText = get('mode');
    let mode: FormValues['mode'];
    if (modeText === undefined || modeText === '') {
      mode = host === '' ? 'listener' : 'caller';
    } else if (modeText === 'listener' || modeText === 'server') {
      mode = 'listener';
    } else if (modeText === 'caller' || modeText === 'client') {
      mode = 'caller';
    } else if (modeText === 'rendezvous') {
      mode = 'rendezvous';
    } else {
      throw new UrlError(`mode must be listener, caller or rendezvous, got "${modeText}"`);
    }
    if (mode !== 'listener' && host === '') {
      throw new UrlError(`a ${mode} needs a host: srt://host:${port}`);
    }
    values.mode = mode;
    if (mode === 'listener') {
      values.listen_port = port;
      if (host !== '') values.bind_addr = host;
    } else {
      values.target_addr = hostPort(host, port);
      if (mode === 'rendezvous') values.listen_port = port;
    }
    for (const [k, val] of query) {
      if (k === 'mode') continue;
      if (k === 'adapter') {
        if (mode === 'listener') values.bind_addr = val;
        else values.local_addr = val;
      } else if (k === 'port') {
        if (mode === 'caller') values.local_port = val;
        else if (mode === 'rendezvous') values.listen_port = val;
        else ignored.push(k);
      } else if (k === 'tlpktdrop') {
        values.tlpktdrop = val === '1' || val === 'true' || val === 'yes' || val === 'on' ? 'true' : 'false';
      } else if (k === 'packetfilter') {
        Object.assign(values, parsePacketFilter(val));
      } else if (k in SRT_KEYS) {
        const field = SRT_KEYS[k];
        if (field === 'max_clients' && !(kind === 'output' && mode === 'listener')) ignored.push(k);
        else (values as Record<string, unknown>)[field] = val;
      } else {
        ignored.push(k);
      }
    }
  } else {
    if (kind === 'input') {
      values.listen_port = port;
      if (host !== '') values.bind_addr = host;
    } else {
      if (host === '') throw new UrlError(`a UDP output needs a destination: udp://host:${port}`);
      values.destination_addr = hostPort(host, port);
    }
    for (const [k, val] of query) {
      if (k === 'ttl' || k === 'ipttl') {
        if (kind === 'output') values.ttl = val;
        else ignored.push(k);
      } else if (k === 'iptos' || k === 'tos') {
        if (kind === 'output') values.tos = val;
        else ignored.push(k);
      } else if (k === 'adapter') {
        if (kind === 'output') values.local_addr = val;
        else values.interface = val;
      } else if (k === 'interface') {
        values.interface = val;
      } else if (k === 'source' && kind === 'input') {
        values.multicast_source = val;
      } else {
        ignored.push(k);
      }
    }
  }
  return { values, ignored };
}
