import type { TicketChannel, TicketPriority, TicketStatus, UserRole } from '@nixflow/db/client';

/**
 * Plain inputs of the ticket services. The API's validated DTO classes satisfy them structurally; the
 * domain never sees class-validator or HTTP.
 */

/** The user a read or write is done for (the API's AuthUser satisfies it). */
export interface DomainUser {
  id: string;
  role: UserRole;
  name: string;
  email?: string;
}

/** A user as far as visibility goes. */
export type Viewer = Pick<DomainUser, 'id' | 'role'>;

export interface CreateTicketInput {
  subject: string;
  description: string;
  priority?: TicketPriority;
  channel?: TicketChannel;
  requesterId?: string;
  assigneeId?: string | null;
  workflowId?: string;
  tags?: string[];
  /** The team whose queue holds it (staff only; wins over routing rules). */
  teamId?: string;
}

export interface UpdateTicketInput {
  subject?: string;
  description?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  requesterId?: string;
  assigneeId?: string | null;
  workflowId?: string | null;
  stageId?: string;
  tags?: string[];
  /** null takes it out of every team's queue. */
  teamId?: string | null;
  /** Optimistic concurrency: the version the caller read (stale → conflict). */
  version?: number;
}

/** slaDueAt: the next SLA deadline (running, or breached and unanswered) first; tickets without one last. */
export const TICKET_SORT_FIELDS = ['createdAt', 'updatedAt', 'priority', 'number', 'slaDueAt'] as const;
export type TicketSortField = (typeof TICKET_SORT_FIELDS)[number];

/** The page asked for (the API's pagination DTO defaults both). */
export interface PageQuery {
  page: number;
  pageSize: number;
}

/** The ticket list counts its matches up to this many unless asked for the exact count. */
export const TICKET_COUNT_CAP = 1000;

export interface ListTicketsQuery extends PageQuery {
  status?: TicketStatus[];
  priority?: TicketPriority[];
  assigneeId?: string;
  requesterId?: string;
  workflowId?: string;
  stageId?: string;
  tag?: string;
  createdFrom?: Date;
  createdTo?: Date;
  q?: string;
  sort: TicketSortField;
  order: 'asc' | 'desc';
  deleted?: boolean;
  /** A team id, `mine` (the caller's teams) or `none`. */
  team?: string;
  /** Count every match for `total` instead of stopping at TICKET_COUNT_CAP. */
  exactTotal?: boolean;
}

export interface CreateCommentInput {
  body: string;
  internal?: boolean;
}

export interface UpdateCommentInput {
  body: string;
}

export interface ListCommentsQuery extends PageQuery {
  internal?: boolean;
  order?: 'asc' | 'desc';
}
