// One call on ainkad's local API (JSON lines on its Unix socket), in process: starting the `ainka`
// CLI costs minutes of emulated CPU in the TCG guest.
import { connect } from 'node:net';

export const AINKAD_SOCKET = '/run/ainka/ainkad.sock';

/** Calls `method` with `params`; resolves to the result, rejects with the daemon's error. */
export function apiCall(method, params = {}, { socket = AINKAD_SOCKET, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let buf = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`${method}: no answer from ${socket} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(`${JSON.stringify({ id: 1, method, params })}\n`));
    s.on('data', (c) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      s.destroy();
      try {
        const msg = JSON.parse(buf.slice(0, nl));
        if (msg.ok) resolve(msg.result);
        else reject(new Error(`${method}: ${msg.error?.code ?? ''} ${msg.error?.message ?? ''}`));
      } catch (e) {
        reject(e);
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
