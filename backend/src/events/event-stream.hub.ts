import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaClient, commitHorizon } from '@nixflow/db/client';
import {
  comparePositions,
  encodeStreamCursor,
  streamEventFor,
  streamTicketVisible,
  type StreamCursor,
  type StreamLogEvent,
  type StreamPosition,
  type StreamRole,
  type StreamTicketRef,
} from '@nixflow/core';
import { PrismaService } from '../prisma/prisma.service.js';
import { EVENT_STREAM_CONFIG, type EventStreamConfig } from './event-stream.config.js';

/** One connected stream. `send` writes one SSE frame; `close` ends the response. */
export interface StreamClient {
  userId: string;
  role: StreamRole;
  tokenVersion: number;
  /** Where this client stands; nothing at or before it is sent again. */
  cursor: StreamCursor | null;
  /** Set while the client waits for its Last-Event-ID backlog. */
  resumeFrom: StreamCursor | null;
  send(frame: string): void;
  close(): void;
}

/** One EventLog row with its position (core's StreamLogEvent is the row's content). */
interface LogRow extends StreamLogEvent {
  txId: bigint;
  id: bigint;
}

interface NotificationRow {
  txId: bigint;
  seq: bigint;
  id: string;
  userId: string;
  ticketId: string | null;
  type: string;
  title: string;
  body: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

const ZERO: StreamPosition = { txId: 0n, seq: 0n };

export function sseFrame(cursor: StreamCursor, event: string, data: unknown): string {
  return `id: ${encodeStreamCursor(cursor)}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Follows the event log and the notifications for this API instance's connected streams and hands
 * each client what it may see. Both sources are read as the event consumer reads the log: in
 * (txId, seq) order and only below the oldest running transaction, so a late commit is never
 * skipped and `Last-Event-ID` resumes without gaps, on this instance or any other. One reader per
 * instance, polling only while a client is connected: cheaper and more robust than relaying over
 * Redis pub/sub, which drops messages while a subscriber reconnects and would need this backlog read
 * anyway. Every tick is serial, so a resuming client's backlog joins the live feed exactly.
 */
@Injectable()
export class EventStreamHub implements OnModuleDestroy {
  private readonly logger = new Logger(EventStreamHub.name);
  private readonly clients = new Set<StreamClient>();
  private position: StreamCursor | null = null;
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastUserCheck = 0;
  private stopped = false;

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(EVENT_STREAM_CONFIG) private readonly config: EventStreamConfig,
  ) {}

  /** Whether another stream may open for this user (per-user and per-instance caps). */
  admits(userId: string): 'ok' | 'user-limit' | 'instance-limit' {
    if (this.clients.size >= this.config.maxClients) return 'instance-limit';
    let mine = 0;
    for (const c of this.clients) if (c.userId === userId) mine++;
    return mine >= this.config.maxPerUser ? 'user-limit' : 'ok';
  }

  add(client: StreamClient): void {
    this.clients.add(client);
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => this.kick(), this.config.pollMs);
      this.heartbeat = setInterval(() => this.sendHeartbeats(), this.config.heartbeatMs);
    }
    this.kick();
  }

  remove(client: StreamClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.idle();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const c of [...this.clients]) c.close();
    this.clients.clear();
    this.idle();
  }

  /** Current cursor of the hub (tests, and the first frame of a new stream). */
  get cursor(): StreamCursor | null {
    return this.position;
  }

  /**
   * Where a new stream without Last-Event-ID starts: at or before everything committed from now on. Taken
   * before the client sees the response, and the client then catches up from it like a resuming one, so a
   * change committed right after the stream opened is never lost to a position the hub reads later.
   */
  async startCursor(): Promise<StreamCursor> {
    return this.position ?? (await this.head());
  }

  private idle(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = this.heartbeat = null;
    // Forget the position: the next stream starts at the head; resuming clients carry their own.
    this.position = null;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.tick()
      .catch((err: unknown) => this.logger.warn(`live-update poll failed: ${(err as Error).message}`))
      .finally(() => {
        this.running = null;
      });
  }

  private async tick(): Promise<void> {
    if (this.clients.size === 0) return;
    this.position ??= await this.head();
    const pending = [...this.clients].filter((c) => c.resumeFrom);
    for (const client of pending) await this.catchUp(client, this.position);
    const xmin = await this.xmin();
    const limit = this.config.batchSize;
    const [events, notifications] = await Promise.all([
      this.readEvents(this.position.events, null, xmin, limit),
      this.readNotifications(this.position.notifications, null, xmin, limit),
    ]);
    const checkUsers = Date.now() - this.lastUserCheck > this.config.userCheckMs;
    if (events.length === 0 && notifications.length === 0 && !checkUsers) return;
    await this.refreshViewers();
    const next = this.position;
    await this.dispatch(
      [...this.clients].filter((c) => !c.resumeFrom),
      next,
      events,
      notifications,
    );
    this.position = {
      events: events.length ? { txId: events.at(-1)!.txId, seq: events.at(-1)!.id } : next.events,
      notifications: notifications.length
        ? { txId: notifications.at(-1)!.txId, seq: notifications.at(-1)!.seq }
        : next.notifications,
    };
    // A full batch means more is waiting: go on at once instead of after the interval.
    if (events.length === limit || notifications.length === limit) setImmediate(() => this.kick());
  }

  /** Sends a resuming client what it missed up to the hub's position, then it joins the live feed. */
  private async catchUp(client: StreamClient, upTo: StreamCursor): Promise<void> {
    const from = client.resumeFrom!;
    const max = this.config.maxBacklog;
    const [events, notifications] = await Promise.all([
      this.readEvents(from.events, upTo.events, null, max + 1),
      this.readNotifications(from.notifications, upTo.notifications, null, max + 1),
    ]);
    client.resumeFrom = null;
    if (events.length > max || notifications.length > max) {
      // Too far behind to replay: the client reloads its state and continues live from here.
      client.cursor = upTo;
      client.send(sseFrame(upTo, 'reset', { reason: 'backlog too long; reload and continue' }));
      return;
    }
    client.cursor = from;
    await this.dispatch([client], from, events, notifications);
    client.cursor = upTo;
  }

  private async dispatch(
    clients: StreamClient[],
    start: StreamCursor,
    events: LogRow[],
    notifications: NotificationRow[],
  ): Promise<void> {
    if (clients.length === 0 || (events.length === 0 && notifications.length === 0)) return;
    const tickets = await this.tickets([
      ...events.filter((e) => e.aggregateType === 'Ticket').map((e) => e.aggregateId),
      ...notifications.flatMap((n) => (n.ticketId ? [n.ticketId] : [])),
    ]);
    let cursor = start;
    const frames = new Map<StreamClient, string[]>(clients.map((c) => [c, []]));
    for (const e of events) {
      const pos = { txId: e.txId, seq: e.id };
      cursor = { ...cursor, events: pos };
      const ticket = e.aggregateType === 'Ticket' ? tickets.get(e.aggregateId) : undefined;
      for (const c of clients) {
        if (c.cursor && comparePositions(pos, c.cursor.events) <= 0) continue;
        const data = streamEventFor({ id: c.userId, role: c.role }, e, ticket);
        if (data) frames.get(c)!.push(sseFrame(cursor, 'ticket', data));
      }
    }
    for (const n of notifications) {
      const pos = { txId: n.txId, seq: n.seq };
      cursor = { ...cursor, notifications: pos };
      const ticket = n.ticketId ? tickets.get(n.ticketId) : undefined;
      for (const c of clients) {
        if (n.userId !== c.userId) continue;
        if (c.cursor && comparePositions(pos, c.cursor.notifications) <= 0) continue;
        // Access may have gone since the notification was written: the ticket rule decides now.
        if (n.ticketId && !streamTicketVisible({ id: c.userId, role: c.role }, ticket)) continue;
        frames.get(c)!.push(
          sseFrame(cursor, 'notification', {
            id: n.id,
            type: n.type,
            title: n.title,
            body: n.body,
            ticketId: n.ticketId,
            data: n.data,
            createdAt: n.createdAt.toISOString(),
          }),
        );
      }
    }
    for (const [c, list] of frames) {
      if (list.length) c.send(list.join(''));
      c.cursor = cursor;
    }
  }

  /** Closes streams whose user is gone, deactivated or logged out; follows role changes. */
  private async refreshViewers(): Promise<void> {
    this.lastUserCheck = Date.now();
    // Only the clients connected before the query are judged by its answer: a stream that opens while it
    // runs is not in it, and would otherwise be closed as if its user were gone.
    const checked = [...this.clients];
    const ids = [...new Set(checked.map((c) => c.userId))];
    if (ids.length === 0) return;
    const users = await this.prisma.user.findMany({
      where: { id: { in: ids } },
      select: { id: true, role: true, isActive: true, deletedAt: true, tokenVersion: true },
    });
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const c of checked) {
      if (!this.clients.has(c)) continue;
      const u = byId.get(c.userId);
      if (!u || !u.isActive || u.deletedAt || u.tokenVersion !== c.tokenVersion) {
        this.clients.delete(c);
        c.close();
      } else c.role = u.role;
    }
  }

  private async tickets(ids: string[]): Promise<Map<string, StreamTicketRef>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.prisma.ticket.findMany({
      where: { id: { in: unique } },
      select: { id: true, requesterId: true, deletedAt: true, number: true },
    });
    return new Map(rows.map((r) => [r.id, r]));
  }

  private xmin(): Promise<bigint> {
    return commitHorizon(this.prisma);
  }

  private async head(): Promise<StreamCursor> {
    const xmin = await this.xmin();
    const [e] = await this.prisma.$queryRaw<Array<{ txId: bigint; id: bigint }>>`
      SELECT "txId", "id" FROM "EventLog" WHERE "txId" < ${xmin}::bigint ORDER BY "txId" DESC, "id" DESC LIMIT 1`;
    const [n] = await this.prisma.$queryRaw<Array<{ txId: bigint; seq: bigint }>>`
      SELECT "txId", "seq" FROM "Notification" WHERE "txId" < ${xmin}::bigint ORDER BY "txId" DESC, "seq" DESC LIMIT 1`;
    return { events: e ? { txId: e.txId, seq: e.id } : ZERO, notifications: n ?? ZERO };
  }

  /** Events after `from`, up to `to` (catch-up) or below `xmin` (live). */
  private readEvents(
    from: StreamPosition,
    to: StreamPosition | null,
    xmin: bigint | null,
    limit: number,
  ): Promise<LogRow[]> {
    const upper = to ? to : { txId: xmin! - 1n, seq: 9223372036854775807n };
    return this.prisma.$queryRaw<LogRow[]>`
      SELECT "txId", "id", "type", "aggregateType", "aggregateId", "actorId", "payload", "createdAt"
      FROM "EventLog"
      WHERE ("txId", "id") > (${from.txId}::bigint, ${from.seq}::bigint)
        AND ("txId", "id") <= (${upper.txId}::bigint, ${upper.seq}::bigint)
      ORDER BY "txId", "id"
      LIMIT ${limit}`;
  }

  private readNotifications(
    from: StreamPosition,
    to: StreamPosition | null,
    xmin: bigint | null,
    limit: number,
  ): Promise<NotificationRow[]> {
    const upper = to ? to : { txId: xmin! - 1n, seq: 9223372036854775807n };
    return this.prisma.$queryRaw<NotificationRow[]>`
      SELECT "txId", "seq", "id", "userId", "ticketId", "type", "title", "body", "data", "createdAt"
      FROM "Notification"
      WHERE ("txId", "seq") > (${from.txId}::bigint, ${from.seq}::bigint)
        AND ("txId", "seq") <= (${upper.txId}::bigint, ${upper.seq}::bigint)
      ORDER BY "txId", "seq"
      LIMIT ${limit}`;
  }

  private sendHeartbeats(): void {
    for (const c of this.clients) {
      if (c.resumeFrom) continue;
      const cursor = c.cursor ?? this.position;
      // The id keeps an idle client's Last-Event-ID fresh, so its resume never replays old history.
      c.send(cursor ? `id: ${encodeStreamCursor(cursor)}\nevent: heartbeat\ndata: {}\n\n` : ': heartbeat\n\n');
    }
  }
}
