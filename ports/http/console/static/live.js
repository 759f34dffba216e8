// live follows GET /v1/ws and hands each frame to onFrame. The token travels as the subprotocol
// pair "bearer, <token>" (browsers cannot set headers on a WebSocket), so it is not even in the
// URL. A closed connection is opened again after a growing pause; onOpen runs on every open,
// so the caller reloads what it may have missed meanwhile.

export function follow(token, {onFrame, onState, onOpen}) {
  let ws;
  let stopped = false;
  let pause = 500;
  let timer;

  function open() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(`${scheme}//${location.host}/v1/ws`, ['bearer', token]);
    onState('connecting');
    ws.addEventListener('open', () => {
      pause = 500;
      onState('live');
      onOpen();
    });
    ws.addEventListener('message', (e) => {
      try { onFrame(JSON.parse(e.data)); } catch (err) { console.warn('live frame', err); }
    });
    ws.addEventListener('close', () => {
      if (stopped) return;
      onState('offline');
      timer = setTimeout(open, pause);
      pause = Math.min(pause * 2, 15000);
    });
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ws?.close(1000);
  };
}
