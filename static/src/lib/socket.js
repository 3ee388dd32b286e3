// A WebSocket that reconnects with exponential backoff and jitter, pings to detect dead links,
// and reports its status ("connecting" | "connected" | "reconnecting" | "closed").

/** Delay before reconnect attempt `attempt` (0-based): half fixed, half random, capped. */
export function backoffDelay(attempt, { base = 500, max = 30_000, random = Math.random } = {}) {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** ws:// or wss:// URL for a same-origin path. */
export function socketUrl(path, loc = globalThis.location) {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}${path}`;
}

export class LiveSocket {
  /**
   * @param {string} url
   * @param {object} opts onMessage(msg), onStatus(status, info), onOpen(), shouldReconnect(closeEvent) -> bool,
   *   onAuthClose(closeEvent) -> Promise<bool> (a 4401 close: renew the login; true = reconnect quietly),
   *   pingMs (0 = no pings), idleMs (0 = no watchdog), WebSocketImpl
   */
  constructor(url, opts = {}) {
    this.url = url;
    this.opts = { pingMs: 25_000, idleMs: 70_000, shouldReconnect: () => true, ...opts };
    this.ws = null;
    this.attempt = 0;
    this.status = "idle";
    this.stopped = true;
    this.timers = { retry: null, ping: null, idle: null };
    this.retryAt = 0;
    // While quiet (renewing the login), status changes are not reported and sends are queued.
    this.quiet = false;
    this.queue = [];
    this.authRetries = 0;
    this.onOnline = () => {
      if (!this.stopped && this.timers.retry) this.reconnectNow();
    };
    // The browser knows the network is gone, while an open socket may look alive until the idle
    // watchdog fires (70 s): drop it now, so the status says so and sends are queued, not lost.
    this.onOffline = () => {
      if (this.stopped || !this.ws) return;
      this.detach(4000, "offline");
      clearInterval(this.timers.ping);
      clearTimeout(this.timers.idle);
      this.scheduleRetry();
    };
  }

  get connected() {
    return this.ws?.readyState === 1;
  }

  start() {
    this.stopped = false;
    globalThis.addEventListener?.("online", this.onOnline);
    globalThis.addEventListener?.("offline", this.onOffline);
    this.open();
  }

  stop() {
    this.stopped = true;
    this.quiet = false;
    this.queue = [];
    globalThis.removeEventListener?.("online", this.onOnline);
    globalThis.removeEventListener?.("offline", this.onOffline);
    this.clearTimers();
    this.detach(1000, "page closed");
    this.setStatus("closed");
  }

  /** Forget the current WebSocket (no more callbacks from it) and close it. */
  detach(code, reason) {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    if (ws.readyState <= 1) ws.close(code, reason);
  }

  /** Send a JSON message; false if the socket is not open (the caller decides whether to queue). */
  send(message) {
    if (!this.connected) {
      if (!this.quiet || this.queue.length >= 100) return false;
      this.queue.push(message); // sent as soon as the quiet reconnect is open
      return true;
    }
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /**
   * Reconnect without telling anyone (the login was renewed: the server would close this socket
   * at the old token's end). Sends in between are queued; the room sees no interruption.
   */
  renew() {
    if (this.stopped) return;
    this.quiet = true;
    this.detach(1000, "renewing");
    this.clearTimers();
    this.open();
  }

  reconnectNow() {
    clearTimeout(this.timers.retry);
    this.timers.retry = null;
    this.open();
  }

  setStatus(status, info = {}) {
    if (this.quiet && status !== "connected") return;
    this.status = status;
    this.opts.onStatus?.(status, info);
  }

  clearTimers() {
    clearTimeout(this.timers.retry);
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.idle);
    this.timers = { retry: null, ping: null, idle: null };
  }

  armWatchdog() {
    if (!this.opts.idleMs) return;
    clearTimeout(this.timers.idle);
    this.timers.idle = setTimeout(() => {
      // Nothing heard for too long: the link is dead even if the browser has not noticed.
      this.ws?.close(4000, "idle");
    }, this.opts.idleMs);
  }

  open() {
    if (this.stopped) return;
    this.setStatus(this.attempt === 0 && this.status !== "reconnecting" ? "connecting" : "reconnecting");
    let ws;
    try {
      ws = new (this.opts.WebSocketImpl || globalThis.WebSocket)(this.url);
    } catch {
      this.quiet = false;
      this.queue = [];
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const wasQuiet = this.quiet;
      this.quiet = false;
      if (!wasQuiet || this.status !== "connected") this.setStatus("connected");
      for (const message of this.queue.splice(0)) ws.send(JSON.stringify(message));
      this.armWatchdog();
      if (this.opts.pingMs) {
        this.timers.ping = setInterval(() => this.send({ type: "ping" }), this.opts.pingMs);
      }
      this.opts.onOpen?.();
    };
    ws.onmessage = (event) => {
      this.attempt = 0; // the server talked to us: the link is healthy again
      this.authRetries = 0;
      this.armWatchdog();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.opts.onMessage?.(message);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.timers.ping);
      clearTimeout(this.timers.idle);
      if (this.stopped) return;
      if (event.code === 4401 && this.opts.onAuthClose && this.authRetries < 2) {
        // The token expired or was revoked: renew the login, then reconnect without a visible break.
        this.authRetries += 1;
        this.quiet = true;
        Promise.resolve(this.opts.onAuthClose(event))
          .catch(() => false)
          .then((renewed) => {
            if (this.stopped) return;
            if (renewed) {
              this.open();
              return;
            }
            this.quiet = false;
            this.queue = [];
            this.stopped = true;
            this.setStatus("closed", { code: event.code, reason: event.reason });
          });
        return;
      }
      if (this.quiet) {
        this.quiet = false; // the quiet reconnect failed: from here on, say so
        this.queue = [];
      }
      if (!this.opts.shouldReconnect(event)) {
        this.stopped = true;
        this.setStatus("closed", { code: event.code, reason: event.reason });
        return;
      }
      this.scheduleRetry();
    };
    // onerror is always followed by onclose; nothing to do here.
    ws.onerror = () => {};
  }

  scheduleRetry() {
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.retryAt = Date.now() + delay;
    this.setStatus("reconnecting", { delay, attempt: this.attempt });
    this.timers.retry = setTimeout(() => {
      this.timers.retry = null;
      this.open();
    }, delay);
  }
}
