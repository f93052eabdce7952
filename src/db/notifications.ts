import pg from 'pg';

/**
 * LISTEN on one channel through a dedicated connection (Prisma has no LISTEN, and a pooled
 * connection may change under us). Reconnects with back-off when the connection drops, and calls
 * `onReconnect` then, because notifications sent while it was down are lost.
 */
export interface ChannelListener {
  close(): Promise<void>;
}

export interface ListenOptions {
  url: string;
  channel: string;
  onNotify: (payload: string | undefined) => void;
  onReconnect?: () => void;
  log?: (message: string) => void;
}

export async function listenToChannel(options: ListenOptions): Promise<ChannelListener> {
  let client: pg.Client | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let delay = 250;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.url });
    next.on('notification', (message) => {
      if (message.channel === options.channel) options.onNotify(message.payload);
    });
    next.on('error', () => scheduleReconnect(next));
    next.on('end', () => scheduleReconnect(next));
    await next.connect();
    await next.query(`LISTEN "${options.channel}"`);
    client = next;
    delay = 250;
  };

  const scheduleReconnect = (failed: pg.Client): void => {
    if (closed || client !== failed || retryTimer) return;
    client = null;
    options.log?.(`lost LISTEN connection on ${options.channel}; reconnecting`);
    const attempt = (): void => {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect().then(
          () => options.onReconnect?.(),
          () => {
            delay = Math.min(delay * 2, 5_000);
            if (!closed) attempt();
          },
        );
      }, delay);
      retryTimer.unref();
    };
    attempt();
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
